//! `ddc-pos`: Groth16 verification of storage proofs for contracts, run by the runtime instead of
//! interpreted in the contract's wasm. The ABI is in [`ddc_primitives::extension`]; the work is
//! `ddc_primitives::groth16`, exactly what the validators and the embedded chain run.
//!
//! Weight is charged before the work, from the formula `VERIFY_BASE + VERIFY_PER_PROOF · n`
//! (plus the input's bytes), which `cargo bench -p ddc-benches --bench extension_weight` measures and
//! checks: the constants are the measured medians times [`MARGIN`] (one thread, the test profile
//! with its debug assertions, on this project's 2-core machine).

use alloc::vec::Vec;
use ddc_primitives::extension::{error_code, CHECK_VK, EXTENSION_ID, VERIFY};
use ddc_primitives::groth16::{check_vk, verify_replicas, ReplicaStatement};
use frame_support::weights::Weight;
use pallet_contracts::chain_extension::{
    ChainExtension, Environment, Ext, InitState, RegisteredChainExtension, RetVal,
};
use scale::Encode;
use sp_runtime::DispatchError;

/// How much the charged weights exceed the measured times.
pub const MARGIN: u64 = 2;
/// One picosecond of ref_time per unit; a microsecond is this many.
const US: u64 = 1_000_000;
/// Decoding and checking the key, and the fixed part of a verification (the final
/// exponentiation, the `e(α, β)` power); measured 3,498 µs.
pub const VERIFY_BASE: Weight = Weight::from_parts(MARGIN * 3_500 * US, 0);
/// Each statement: decoding its proof (subgroup checks), its Miller loop and its share of the
/// random linear combination; measured 715 µs.
pub const VERIFY_PER_PROOF: Weight = Weight::from_parts(MARGIN * 715 * US, 0);
/// Decoding and checking a key alone; measured 675 µs.
pub const CHECK_VK_WEIGHT: Weight = Weight::from_parts(MARGIN * 675 * US, 0);
/// Copying and decoding the input, per byte.
pub const PER_INPUT_BYTE: Weight = Weight::from_parts(MARGIN * 100, 0);

/// The weight charged for verifying `n` statements.
pub fn verify_weight(n: u32) -> Weight {
    VERIFY_BASE.saturating_add(VERIFY_PER_PROOF.saturating_mul(n.into()))
}

#[derive(Default)]
pub struct DdcPos;

impl<T: pallet_contracts::Config> ChainExtension<T> for DdcPos {
    fn call<E: Ext<T = T>>(&mut self, env: Environment<E, InitState>) -> Result<RetVal, DispatchError> {
        if env.ext_id() != EXTENSION_ID {
            return Err(DispatchError::Other("ddc-pos: no such chain extension"));
        }
        let function = env.func_id();
        let mut env = env.buf_in_buf_out();
        let len = env.in_len();
        env.charge_weight(PER_INPUT_BYTE.saturating_mul(len.into()))?;
        let out = match function {
            VERIFY => {
                let (vk, statements, entropy): (Vec<u8>, Vec<ReplicaStatement>, [u8; 32]) =
                    env.read_as_unbounded(len)?;
                env.charge_weight(verify_weight(statements.len() as u32))?;
                verify_replicas(&vk, &statements, &entropy).map_err(|e| error_code(&e)).encode()
            }
            CHECK_VK => {
                let vk: Vec<u8> = env.read_as_unbounded(len)?;
                env.charge_weight(CHECK_VK_WEIGHT)?;
                check_vk(&vk).is_ok().encode()
            }
            _ => return Err(DispatchError::Other("ddc-pos: no such function")),
        };
        env.write(&out, false, None)?;
        Ok(RetVal::Converging(0))
    }
}

impl<T: pallet_contracts::Config> RegisteredChainExtension<T> for DdcPos {
    const ID: u16 = EXTENSION_ID;
}
