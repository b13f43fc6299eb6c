pub mod chain;
pub mod circuit;
pub mod node;
pub mod objects;
pub mod proof_file;
pub mod prove;
pub mod setup;
pub mod verify;
