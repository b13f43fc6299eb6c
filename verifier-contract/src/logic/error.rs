//! Every way a call can fail. A failed call changes nothing: the contract reverts, and the
//! embedded chain discards the call's writes. The seed's 19 errors come first, in the seed's
//! order, so that clients that read error codes by index keep working.

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    // The seed's errors (ddc_bucket 0.5.2), in its order.
    BucketDoesNotExist,
    ClusterDoesNotExist,
    TooManyVNodes,
    ParamsTooBig,
    VNodeDoesNotExist,
    /// The seed's; never returned here (a bucket names its cluster at creation).
    BucketClusterAlreadyConnected,
    /// The seed's; never returned here (a bucket's cluster must exist at creation).
    BucketClusterNotSetup,
    NodeDoesNotExist,
    /// The seed's; never returned here (every bucket has its flow from creation).
    FlowDoesNotExist,
    AccountDoesNotExist,
    /// The seed's; never returned here (params are stored with their entity).
    ParamsDoesNotExist,
    UnauthorizedProvider,
    UnauthorizedOwner,
    UnauthorizedClusterManager,
    ClusterManagerIsNotTrusted,
    TransferFailed,
    InsufficientBalance,
    InsufficientResources,
    Unauthorized,
    // Added by this contract: authorisation.
    NotValidator,
    NotProvider,
    // Capacity and amounts.
    NoVNodes,
    NoNodes,
    InsufficientStake,
    ZeroValue,
    Overflow,
    InvalidParams,
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
    /// The key is flagged insecure (development keys, whose toxic waste is public) and this
    /// deployment is not a development chain.
    InsecureKey,
    /// A key with this hash is registered already; registered keys are never replaced.
    VerifyingKeyExists,
    /// The receipt's or order's signature does not verify, or its fields do not fit together.
    ReceiptInvalid,
    /// The commitment holds what the receipt names: nothing is omitted.
    NotOmitted,
    /// The commitment was made before the node had to include the receipt's write.
    ReceiptNotDue,
    /// The justification does not account for the omitted write.
    JustificationInvalid,
}

pub type Result<T> = core::result::Result<T, Error>;
