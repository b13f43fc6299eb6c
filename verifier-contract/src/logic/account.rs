//! Users' deposits, their payment schedules, the USD/CERE exchange rate and the treasury.

use super::store::{Map, Value};
use super::{bucket, perm, tag, AccountId, Balance, BucketId, Error, Event, Host, Permission, Result, Schedule, TOKEN};
use ink::prelude::vec::Vec;

/// Exchange-rate precision, as in the seed.
pub const PRECISION: Balance = 10_000;

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Account {
    /// CERE held for this account.
    pub deposit: Balance,
    /// The sum of the flows this account pays, in USD.
    pub payable_schedule: Schedule,
}

pub(crate) type Accounts = Map<{ tag::ACCOUNT }, AccountId, Account>;
/// USD per `PRECISION` CERE; unset means 1:1.
type Currency = Value<{ tag::CURRENCY }, Option<Balance>>;
/// CERE a payer owes, per bucket, for rent that streamed past what its deposit covered. It is
/// owed to the bucket's cluster and paid first out of the next deposit.
type Arrears = Map<{ tag::ARREARS }, AccountId, Vec<(BucketId, Balance)>>;
/// CERE withheld from failed vnodes and slashed from stake: withdrawable by governance.
pub(crate) type Treasury = Value<{ tag::TREASURY }, Balance>;

pub(crate) fn reserve_id_zero(h: &mut impl Host) {
    Accounts::insert(h, &super::zero_account(), &Account::default());
}

fn rate(h: &impl Host) -> Balance {
    Currency::get(h).unwrap_or(PRECISION)
}

pub(crate) fn to_cere(h: &impl Host, usd: Balance) -> Balance {
    usd.saturating_mul(PRECISION) / rate(h)
}

pub(crate) fn to_usd(h: &impl Host, cere: Balance) -> Balance {
    rate(h).saturating_mul(cere) / PRECISION
}

pub fn account_get(h: &impl Host, account_id: AccountId) -> Result<Account> {
    Accounts::get(h, &account_id).ok_or(Error::AccountDoesNotExist)
}

pub(crate) fn get_or_new(h: &impl Host, account_id: AccountId) -> Account {
    Accounts::get(h, &account_id).unwrap_or_default()
}

/// Adds the transferred value to the caller's deposit.
pub fn account_deposit(h: &mut impl Host) -> Result<()> {
    let value = h.transferred();
    if value == 0 {
        return Err(Error::ZeroValue);
    }
    let account_id = h.caller();
    let mut account = get_or_new(h, account_id);
    account.deposit = account.deposit.checked_add(value).ok_or(Error::Overflow)?;
    h.emit(Event::Deposit { account_id, value });
    pay_arrears(h, account_id, &mut account)?;
    Accounts::insert(h, &account_id, &account);
    Ok(())
}

/// Pays what the account owes, oldest first, out of its deposit into the buckets' clusters.
fn pay_arrears(h: &mut impl Host, account_id: AccountId, account: &mut Account) -> Result<()> {
    let mut owed = Arrears::get(h, &account_id).unwrap_or_default();
    if owed.is_empty() {
        return Ok(());
    }
    for (bucket_id, debt) in owed.iter_mut() {
        let value = (*debt).min(account.deposit);
        if value == 0 {
            break;
        }
        account.deposit -= value;
        *debt -= value;
        bucket::credit_cluster(h, *bucket_id, value)?;
        h.emit(Event::ArrearsPaid { account_id, bucket_id: *bucket_id, value });
    }
    owed.retain(|(_, debt)| *debt > 0);
    if owed.is_empty() {
        Arrears::remove(h, &account_id);
    } else {
        Arrears::insert(h, &account_id, &owed);
    }
    Ok(())
}

/// What the account owes per bucket (empty when its deposit covered all rent so far).
pub fn account_arrears(h: &impl Host, account_id: AccountId) -> Vec<(BucketId, Balance)> {
    Arrears::get(h, &account_id).unwrap_or_default()
}

fn in_arrears(h: &impl Host, account_id: AccountId) -> bool {
    Arrears::contains(h, &account_id)
}

/// What the caller may take back now: the deposit less what its flows have streamed so far.
pub fn account_withdrawable(h: &impl Host, account_id: AccountId) -> Result<Balance> {
    let account = account_get(h, account_id)?;
    let consumed = to_cere(h, account.payable_schedule.value_at_time(h.now_ms()));
    Ok(account.deposit.saturating_sub(consumed))
}

/// Pays `amount` of the caller's unspent deposit back to it.
pub fn account_withdraw(h: &mut impl Host, amount: Balance) -> Result<()> {
    let account_id = h.caller();
    if amount == 0 {
        return Err(Error::ZeroValue);
    }
    if amount > account_withdrawable(h, account_id)? {
        return Err(Error::InsufficientBalance);
    }
    let mut account = account_get(h, account_id)?;
    account.deposit -= amount;
    Accounts::insert(h, &account_id, &account);
    h.transfer(account_id, amount)?;
    h.emit(Event::Withdraw { account_id, value: amount });
    Ok(())
}

pub fn account_get_usd_per_cere(h: &impl Host) -> Balance {
    to_usd(h, TOKEN)
}

pub fn account_set_usd_per_cere(h: &mut impl Host, usd_per_cere: Balance) -> Result<()> {
    perm::only_with(h, Permission::SetExchangeRate)?;
    let rate = usd_per_cere.saturating_mul(PRECISION) / TOKEN;
    if rate == 0 {
        return Err(Error::InvalidParams);
    }
    Currency::set(h, &Some(rate));
    Ok(())
}

/// Moves what a bucket's flow streamed since its last settlement (USD, converted to CERE) out of
/// the payer's deposit; returns the CERE paid. What the deposit does not cover becomes arrears
/// instead of failing the call: a settlement that reverted would lock the rent that did stream
/// while the deposit lasted, and block de-allocation.
pub(crate) fn settle_flow(
    h: &mut impl Host,
    from: AccountId,
    bucket_id: BucketId,
    flow: &mut Schedule,
) -> Result<Balance> {
    let flowed_usd = flow.take_value_at_time(h.now_ms());
    let flowed_cere = to_cere(h, flowed_usd);
    let mut account = account_get(h, from)?;
    account.payable_schedule.take_value(flowed_usd);
    let paid = flowed_cere.min(account.deposit);
    account.deposit -= paid;
    Accounts::insert(h, &from, &account);
    let unpaid = flowed_cere - paid;
    if unpaid > 0 {
        let mut owed = Arrears::get(h, &from).unwrap_or_default();
        match owed.iter_mut().find(|(b, _)| *b == bucket_id) {
            Some((_, debt)) => *debt = debt.checked_add(unpaid).ok_or(Error::Overflow)?,
            None => owed.push((bucket_id, unpaid)),
        }
        Arrears::insert(h, &from, &owed);
        h.emit(Event::ArrearsRecorded { account_id: from, bucket_id, value: unpaid });
    }
    Ok(paid)
}

/// Until when the payer's deposit covers all its flows (the seed's `rent_covered_until_ms`); 0
/// while it owes arrears, so that nodes refuse its buckets (402) until it tops up.
pub(crate) fn covered_until(h: &impl Host, from: AccountId) -> Result<u64> {
    let account = account_get(h, from)?;
    if in_arrears(h, from) {
        return Ok(0);
    }
    Ok(account.payable_schedule.time_of_value(to_usd(h, account.deposit)))
}

pub fn treasury(h: &impl Host) -> Balance {
    Treasury::get(h)
}

pub(crate) fn to_treasury(h: &mut impl Host, value: Balance) {
    let total = Treasury::get(h).saturating_add(value);
    Treasury::set(h, &total);
}

/// Governance takes funds out of the treasury (and only the treasury: users' deposits, revenues
/// and stake are never the admin's to take).
pub fn admin_withdraw(h: &mut impl Host, amount: Balance) -> Result<()> {
    let admin = perm::only_with(h, Permission::SuperAdmin)?;
    let available = Treasury::get(h);
    if amount > available {
        return Err(Error::InsufficientBalance);
    }
    Treasury::set(h, &(available - amount));
    h.transfer(admin, amount)
}
