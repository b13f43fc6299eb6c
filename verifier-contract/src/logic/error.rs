//! Every way a call can fail. A failed call changes nothing: the contract reverts, and the
//! embedded chain discards the call's writes.

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    // Lookups (id 0 is never assigned).
    NodeDoesNotExist,
    ClusterDoesNotExist,
    BucketDoesNotExist,
    AccountDoesNotExist,
    // Authorisation.
    UnauthorizedProvider,
    UnauthorizedOwner,
    UnauthorizedClusterManager,
    ClusterManagerIsNotTrusted,
    Unauthorized,
    NotValidator,
    NotProvider,
    // Capacity and amounts.
    TooManyVNodes,
    NoVNodes,
    NoNodes,
    VNodeDoesNotExist,
    InsufficientResources,
    InsufficientBalance,
    InsufficientStake,
    ZeroValue,
    TransferFailed,
    Overflow,
    InvalidParams,
    ParamsTooBig,
    BucketClusterNotSet,
    // Staking.
    AlreadyBonded,
    NotBonded,
    Unbonding,
    UnbondingNotFinished,
    StakeLocked,
    AlreadyRegistered,
    NotAdmitted,
    TooManyValidators,
    // Epochs and verification.
    VerificationNotEnabled,
    WrongEpochPhase,
    EpochNotFinished,
    AlreadyCommitted,
    NotCommitted,
    RevealMismatch,
    NoSeed,
    NoCommitment,
    VerifyingKeyMissing,
    VerifyingKeyInvalid,
    VerifyingKeyMismatch,
    ProofMalformed,
    ProofInvalid,
    BatchInvalid,
    BatchTooLarge,
    EmptyBatch,
    WrongMode,
    AlreadyPassed,
    AlreadyVoted,
    FaultExists,
    FaultDoesNotExist,
    DisputeWindowOpen,
    DisputeWindowClosed,
    NotHostingNode,
    NothingToDistribute,
    /// The Groth16 verifier contract could not be called.
    VerifierCallFailed,
}

pub type Result<T> = core::result::Result<T, Error>;
