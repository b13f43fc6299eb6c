//! The pairing half of on-chain verification, as its own contract: arkworks' BN254 pairing code
//! and the core rules together exceed pallet-contracts' 123 KiB code limit, so the core contract
//! calls this one. It runs `ddc_primitives::groth16::verify_statements`, exactly what the embedded
//! chain and the validators run natively; its only state is a cache of prepared keys.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

/// A freeing allocator (ink!'s bump allocator would exhaust memory on large batches).
#[cfg(all(not(feature = "std"), target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

#[ink::contract]
mod groth16_verifier {
    use ddc_primitives::groth16::{
        decode_prepared, decode_vk, encode_prepared, verify_statements, vk_hash, Bn254, EncodedStatement,
        PreparedVerifyingKey,
    };
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum VerifyError {
        /// The verifying key does not decode, or is not a storage-proof key.
        VerifyingKey,
        /// A proof, root or seed is not a valid encoding.
        Malformed,
    }

    #[ink(storage)]
    #[derive(Default)]
    pub struct Groth16Verifier {
        /// Checked keys, prepared (`encode_prepared`), by SHA-256 of their compressed encoding.
        prepared: Mapping<[u8; 32], Vec<u8>>,
    }

    impl Groth16Verifier {
        #[ink(constructor)]
        pub fn new() -> Self {
            Self::default()
        }

        /// Checks `vk` (points on curve and in subgroup, three public inputs) and caches it
        /// prepared, so that verifications under it skip decompression and the `e(α, β)` pairing.
        #[ink(message)]
        pub fn register_vk(&mut self, vk: Vec<u8>) -> bool {
            self.prepared_key(&vk).is_ok()
        }

        /// Whether every statement's proof is valid under `vk` (batched when there are several).
        #[ink(message)]
        pub fn verify(
            &mut self,
            vk: Vec<u8>,
            statements: Vec<EncodedStatement>,
            entropy: [u8; 32],
        ) -> Result<bool, VerifyError> {
            let pvk = self.prepared_key(&vk)?;
            verify_statements(&pvk, &statements, &entropy).map_err(|_| VerifyError::Malformed)
        }
    }

    impl Groth16Verifier {
        fn prepared_key(&mut self, vk: &[u8]) -> Result<PreparedVerifyingKey<Bn254>, VerifyError> {
            let hash = vk_hash(vk);
            if let Some(bytes) = self.prepared.get(hash) {
                return decode_prepared(&bytes).map_err(|_| VerifyError::VerifyingKey);
            }
            let pvk = decode_vk(vk).map_err(|_| VerifyError::VerifyingKey)?;
            self.prepared.insert(hash, &encode_prepared(&pvk));
            Ok(pvk)
        }
    }
}
