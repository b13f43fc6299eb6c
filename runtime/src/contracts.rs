//! pallet-contracts as drink's sandbox configures it (ink_sandbox 5.1's `create_sandbox!`), so
//! that the contracts see the same limits and schedule in drink and on the chain; the chain
//! extension is `ddc-pos`.

use crate::{Balance, Balances, Runtime, RuntimeCall, RuntimeEvent, RuntimeHoldReason, Timestamp};
use frame_support::{
    parameter_types,
    traits::{ConstBool, ConstU128, ConstU32, Randomness},
    weights::Weight,
};
use sp_runtime::{traits::Convert, Perbill};

/// pallet-contracts' deprecated `seal_random`, which the DDC contracts never call: the parent
/// block's hash mixed with the subject. INSECURE as randomness (the block author chooses it);
/// epoch seeds come from the validators' commit-reveal instead.
pub struct ParentHashRandomness;

impl Randomness<crate::Hash, crate::BlockNumber> for ParentHashRandomness {
    fn random(subject: &[u8]) -> (crate::Hash, crate::BlockNumber) {
        let parent = frame_system::Pallet::<Runtime>::parent_hash();
        let mut input = parent.as_ref().to_vec();
        input.extend_from_slice(subject);
        let number = frame_system::Pallet::<Runtime>::block_number();
        (sp_core::hashing::blake2_256(&input).into(), number.saturating_sub(1))
    }
}

/// One balance unit per picosecond of ref_time, as in drink's sandbox.
impl Convert<Weight, Balance> for Runtime {
    fn convert(w: Weight) -> Balance {
        w.ref_time().into()
    }
}

parameter_types! {
    pub ContractsSchedule: pallet_contracts::Schedule<Runtime> = Default::default();
    pub DefaultDepositLimit: Balance = 10_000_000;
    pub CodeHashLockupDepositPercent: Perbill = Perbill::from_percent(0);
    pub MaxDelegateDependencies: u32 = 32;
}

impl pallet_contracts::Config for Runtime {
    type Time = Timestamp;
    type Randomness = ParentHashRandomness;
    type Currency = Balances;
    type RuntimeEvent = RuntimeEvent;
    type RuntimeCall = RuntimeCall;
    type CallFilter = ();
    type WeightPrice = Self;
    type WeightInfo = ();
    type ChainExtension = crate::ddc_pos::DdcPos;
    type Schedule = ContractsSchedule;
    type CallStack = [pallet_contracts::Frame<Self>; 5];
    type DepositPerByte = ConstU128<1>;
    type DepositPerItem = ConstU128<1>;
    type AddressGenerator = pallet_contracts::DefaultAddressGenerator;
    type MaxCodeLen = ConstU32<{ 123 * 1024 }>;
    type MaxStorageKeyLen = ConstU32<128>;
    type UnsafeUnstableInterface = ConstBool<false>;
    type UploadOrigin = frame_system::EnsureSigned<Self::AccountId>;
    type InstantiateOrigin = frame_system::EnsureSigned<Self::AccountId>;
    type MaxDebugBufferLen = ConstU32<{ 2 * 1024 * 1024 }>;
    type Migrations = ();
    type DefaultDepositLimit = DefaultDepositLimit;
    type Debug = ();
    type CodeHashLockupDepositPercent = CodeHashLockupDepositPercent;
    type MaxDelegateDependencies = MaxDelegateDependencies;
    type RuntimeHoldReason = RuntimeHoldReason;
    type Environment = ();
    type Xcm = ();
    type ApiVersion = ();
}
