//! The pairing half of on-chain verification, as its own contract: arkworks' BN254 pairing code
//! and the core rules together exceed pallet-contracts' 123 KiB code limit, so the core contract
//! calls this one. It holds no state; it runs `ddc_primitives::groth16::verify_encoded`, exactly
//! what the embedded chain and the validators run natively.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
mod groth16_verifier {
    use ddc_primitives::groth16::{check_vk, verify_encoded, EncodedStatement};
    use ink::prelude::vec::Vec;

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
    pub struct Groth16Verifier {}

    impl Groth16Verifier {
        #[ink(constructor)]
        pub fn new() -> Self {
            Self {}
        }

        /// Whether `vk` is a well-formed storage-proof verifying key.
        #[ink(message)]
        pub fn check_vk(&self, vk: Vec<u8>) -> bool {
            check_vk(&vk).is_ok()
        }

        /// Whether every statement's proof is valid under `vk` (batched when there are several).
        #[ink(message)]
        pub fn verify(
            &self,
            vk: Vec<u8>,
            statements: Vec<EncodedStatement>,
            entropy: [u8; 32],
        ) -> Result<bool, VerifyError> {
            use ddc_primitives::groth16::EncodingError as E;
            verify_encoded(&vk, &statements, &entropy).map_err(|e| match e {
                E::VerifyingKey | E::VerifyingKeyInputs(_) => VerifyError::VerifyingKey,
                E::ProofLength(_) | E::ProofPoints => VerifyError::Malformed,
            })
        }
    }
}
