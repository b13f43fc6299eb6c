//! Permissions, as in the seed: SuperAdmin implies every other permission.

use super::store::Map;
use super::{tag, AccountId, Error, Event, Host, Result};

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Held by a manager whom the provider `AccountId` trusts with its nodes.
    ManagerTrustedBy(AccountId),
    SetExchangeRate,
    SuperAdmin,
}

type Perms = Map<{ tag::PERM }, (AccountId, Permission), ()>;

pub fn has_permission(h: &impl Host, account: AccountId, permission: Permission) -> bool {
    Perms::contains(h, &(account, permission)) || Perms::contains(h, &(account, Permission::SuperAdmin))
}

/// The caller, if it holds `permission`.
pub(crate) fn only_with(h: &impl Host, permission: Permission) -> Result<AccountId> {
    let caller = h.caller();
    has_permission(h, caller, permission).then_some(caller).ok_or(Error::Unauthorized)
}

pub(crate) fn grant(h: &mut impl Host, account: AccountId, permission: Permission) {
    Perms::insert(h, &(account, permission), &());
}

fn set(h: &mut impl Host, account: AccountId, permission: Permission, granted: bool) {
    if granted {
        grant(h, account, permission);
        h.emit(Event::GrantPermission { account_id: account, permission });
    } else {
        Perms::remove(h, &(account, permission));
        h.emit(Event::RevokePermission { account_id: account, permission });
    }
}

pub fn admin_grant_permission(h: &mut impl Host, grantee: AccountId, permission: Permission) -> Result<()> {
    only_with(h, Permission::SuperAdmin)?;
    set(h, grantee, permission, true);
    Ok(())
}

pub fn admin_revoke_permission(h: &mut impl Host, grantee: AccountId, permission: Permission) -> Result<()> {
    only_with(h, Permission::SuperAdmin)?;
    set(h, grantee, permission, false);
    Ok(())
}

/// A provider lets `manager` put its nodes into clusters.
pub fn node_trust_manager(h: &mut impl Host, manager: AccountId) -> Result<()> {
    let provider = h.caller();
    set(h, manager, Permission::ManagerTrustedBy(provider), true);
    Ok(())
}

pub fn node_distrust_manager(h: &mut impl Host, manager: AccountId) -> Result<()> {
    let provider = h.caller();
    set(h, manager, Permission::ManagerTrustedBy(provider), false);
    Ok(())
}
