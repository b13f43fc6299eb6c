//! Users' deposits, their payment schedules, the USD/CERE exchange rate and the treasury.

use super::store::{Map, Value};
use super::{perm, tag, AccountId, Balance, Error, Event, Host, Permission, Result, Schedule, TOKEN};

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
    Accounts::insert(h, &account_id, &account);
    h.emit(Event::Deposit { account_id, value });
    Ok(())
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

/// Moves what a flow streamed since its last settlement (USD, converted to CERE) out of the
/// payer's deposit; returns the CERE.
pub(crate) fn settle_flow(h: &mut impl Host, from: AccountId, flow: &mut Schedule) -> Result<Balance> {
    let flowed_usd = flow.take_value_at_time(h.now_ms());
    let flowed_cere = to_cere(h, flowed_usd);
    let mut account = account_get(h, from)?;
    account.payable_schedule.take_value(flowed_usd);
    account.deposit = account.deposit.checked_sub(flowed_cere).ok_or(Error::InsufficientBalance)?;
    Accounts::insert(h, &from, &account);
    Ok(flowed_cere)
}

/// Until when the payer's deposit covers all its flows (the seed's `rent_covered_until_ms`).
pub(crate) fn covered_until(h: &impl Host, from: AccountId) -> Result<u64> {
    let account = account_get(h, from)?;
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
