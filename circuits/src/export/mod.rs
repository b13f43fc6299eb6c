//! Keys and proofs in other tools' formats, so that implementations independent of this project
//! can check them.
pub mod iden3;
pub mod snarkjs;
