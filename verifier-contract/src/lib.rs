//! The DDC core contract. Its rules live in [`logic`], written once: this ink! contract runs
//! them in pallet-contracts over [`ink::env`], and the embedded dev chain runs them natively.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub mod logic;
#[cfg(feature = "std")]
pub mod native;

#[cfg(feature = "std")]
pub use ddc::{DDC_EVENT_TOPIC, SEED_EVENT_TOPICS};
#[cfg(feature = "std")]
pub use events::{decode_event, EventDecodeError};

/// Reading the contract's events back off a chain.
#[cfg(feature = "std")]
mod events {
    use super::{ddc, logic::Event};
    use scale::DecodeAll;

    #[derive(Debug, thiserror::Error, PartialEq, Eq)]
    pub enum EventDecodeError {
        #[error("signature topic {0} is none of the DDC core contract's events")]
        UnknownTopic(String),
        #[error("malformed event data: {0}")]
        Malformed(String),
    }

    /// The rules' event from an emitted event's topics and data: a seed event's data is its
    /// `logic::Event` variant's fields, so the variant index is that of its signature topic.
    pub fn decode_event(topics: &[[u8; 32]], data: &[u8]) -> Result<Event, EventDecodeError> {
        let signature = topics.first().copied();
        let malformed = |e: scale::Error| EventDecodeError::Malformed(e.to_string());
        if signature == ddc::DDC_EVENT_TOPIC {
            return ddc::DdcEvent::decode_all(&mut &data[..]).map(|e| e.event).map_err(malformed);
        }
        let index = ddc::SEED_EVENT_TOPICS
            .iter()
            .position(|t| *t == signature)
            .ok_or_else(|| EventDecodeError::UnknownTopic(signature.map_or("(none)".into(), hex::encode)))?;
        let variant: Vec<u8> = [index as u8].into_iter().chain(data.iter().copied()).collect();
        Event::decode_all(&mut &variant[..]).map_err(malformed)
    }
}

#[ink::contract]
mod ddc {
    use crate::logic::{self, *};
    #[cfg(feature = "ddc-pos")]
    use ddc_primitives::extension;
    use ddc_primitives::groth16::PROOF_BYTES;
    use ddc_primitives::groth16::{derive_statement, EncodedStatement, ReplicaStatement};
    use ink::env::call::{build_call, ExecutionInput, Selector};
    #[cfg(feature = "ddc-pos")]
    use ink::env::chain_extension::ChainExtensionMethod;
    use ink::env::DefaultEnvironment as Env;
    use ink::prelude::vec::Vec;

    /// Every event of the rules that the seed did not have, as one ink! event.
    #[ink(event)]
    pub struct DdcEvent {
        pub event: logic::Event,
    }

    // The seed's 11 events (ddc_bucket 0.5), with its names, fields, field types and topics.
    // Each has the fields of the `logic::Event` variant of the same name, in the same order.

    /// The seed's name for a cluster's parameters.
    pub type ClusterParams = Params;
    /// The seed's name for a node's parameters.
    pub type NodeParams = Params;

    #[ink(event)]
    pub struct BucketCreated {
        #[ink(topic)]
        pub bucket_id: BucketId,
        #[ink(topic)]
        pub owner_id: AccountId,
    }
    #[ink(event)]
    pub struct BucketAllocated {
        #[ink(topic)]
        pub bucket_id: BucketId,
        #[ink(topic)]
        pub cluster_id: ClusterId,
        pub resource: Resource,
    }
    #[ink(event)]
    pub struct BucketSettlePayment {
        #[ink(topic)]
        pub bucket_id: BucketId,
        #[ink(topic)]
        pub cluster_id: ClusterId,
    }
    #[ink(event)]
    pub struct ClusterCreated {
        #[ink(topic)]
        pub cluster_id: ClusterId,
        #[ink(topic)]
        pub manager: AccountId,
        pub cluster_params: ClusterParams,
    }
    #[ink(event)]
    pub struct ClusterNodeReplaced {
        #[ink(topic)]
        pub cluster_id: ClusterId,
        #[ink(topic)]
        pub node_id: NodeId,
        pub vnode_index: VNodeIndex,
    }
    #[ink(event)]
    pub struct ClusterReserveResource {
        #[ink(topic)]
        pub cluster_id: ClusterId,
        pub resource: Resource,
    }
    #[ink(event)]
    pub struct ClusterDistributeRevenues {
        #[ink(topic)]
        pub cluster_id: ClusterId,
        #[ink(topic)]
        pub provider_id: AccountId,
    }
    #[ink(event)]
    pub struct NodeCreated {
        #[ink(topic)]
        pub node_id: NodeId,
        #[ink(topic)]
        pub provider_id: AccountId,
        pub rent_per_month: Balance,
        pub node_params: NodeParams,
    }
    #[ink(event)]
    pub struct Deposit {
        #[ink(topic)]
        pub account_id: AccountId,
        pub value: Balance,
    }
    #[ink(event)]
    pub struct GrantPermission {
        #[ink(topic)]
        pub account_id: AccountId,
        pub permission: Permission,
    }
    #[ink(event)]
    pub struct RevokePermission {
        #[ink(topic)]
        pub account_id: AccountId,
        pub permission: Permission,
    }

    /// The signature topics of the seed's events, in the order of their `logic::Event` variants.
    #[cfg(feature = "std")]
    pub const SEED_EVENT_TOPICS: [Option<[u8; 32]>; 11] = {
        use ink::env::Event as E;
        [
            <BucketCreated as E>::SIGNATURE_TOPIC,
            <BucketAllocated as E>::SIGNATURE_TOPIC,
            <BucketSettlePayment as E>::SIGNATURE_TOPIC,
            <ClusterCreated as E>::SIGNATURE_TOPIC,
            <ClusterNodeReplaced as E>::SIGNATURE_TOPIC,
            <ClusterReserveResource as E>::SIGNATURE_TOPIC,
            <ClusterDistributeRevenues as E>::SIGNATURE_TOPIC,
            <NodeCreated as E>::SIGNATURE_TOPIC,
            <Deposit as E>::SIGNATURE_TOPIC,
            <GrantPermission as E>::SIGNATURE_TOPIC,
            <RevokePermission as E>::SIGNATURE_TOPIC,
        ]
    };

    /// The signature topic of [`DdcEvent`].
    #[cfg(feature = "std")]
    pub const DDC_EVENT_TOPIC: Option<[u8; 32]> = <DdcEvent as ink::env::Event>::SIGNATURE_TOPIC;

    #[ink(storage)]
    #[derive(Default)]
    pub struct Ddc {}

    /// The rules' host inside pallet-contracts.
    struct Chain;

    impl Host for Chain {
        fn caller(&self) -> AccountId {
            ink::env::caller::<Env>()
        }
        fn transferred(&self) -> Balance {
            ink::env::transferred_value::<Env>()
        }
        fn now_ms(&self) -> u64 {
            ink::env::block_timestamp::<Env>()
        }
        fn sha256(&self, data: &[u8]) -> [u8; 32] {
            let mut out = [0; 32];
            ink::env::hash_bytes::<ink::env::hash::Sha2x256>(data, &mut out);
            out
        }
        fn sr25519_verify(&self, signer: &AccountId, message: &[u8], signature: &[u8; 64]) -> bool {
            ink::env::sr25519_verify(signature, message, signer.as_ref()).is_ok()
        }
        fn transfer(&mut self, to: AccountId, value: Balance) -> logic::Result<()> {
            ink::env::transfer::<Env>(to, value).map_err(|_| logic::Error::TransferFailed)
        }
        fn emit(&mut self, event: logic::Event) {
            use ink::env::emit_event;
            use logic::Event as E;
            match event {
                E::BucketCreated { bucket_id, owner_id } => emit_event::<Env, _>(BucketCreated { bucket_id, owner_id }),
                E::BucketAllocated { bucket_id, cluster_id, resource } => {
                    emit_event::<Env, _>(BucketAllocated { bucket_id, cluster_id, resource })
                }
                E::BucketSettlePayment { bucket_id, cluster_id } => {
                    emit_event::<Env, _>(BucketSettlePayment { bucket_id, cluster_id })
                }
                E::ClusterCreated { cluster_id, manager, cluster_params } => {
                    emit_event::<Env, _>(ClusterCreated { cluster_id, manager, cluster_params })
                }
                E::ClusterNodeReplaced { cluster_id, node_id, vnode_index } => {
                    emit_event::<Env, _>(ClusterNodeReplaced { cluster_id, node_id, vnode_index })
                }
                E::ClusterReserveResource { cluster_id, resource } => {
                    emit_event::<Env, _>(ClusterReserveResource { cluster_id, resource })
                }
                E::ClusterDistributeRevenues { cluster_id, provider_id } => {
                    emit_event::<Env, _>(ClusterDistributeRevenues { cluster_id, provider_id })
                }
                E::NodeCreated { node_id, provider_id, rent_per_month, node_params } => {
                    emit_event::<Env, _>(NodeCreated { node_id, provider_id, rent_per_month, node_params })
                }
                E::Deposit { account_id, value } => emit_event::<Env, _>(Deposit { account_id, value }),
                E::GrantPermission { account_id, permission } => {
                    emit_event::<Env, _>(GrantPermission { account_id, permission })
                }
                E::RevokePermission { account_id, permission } => {
                    emit_event::<Env, _>(RevokePermission { account_id, permission })
                }
                event => emit_event::<Env, _>(DdcEvent { event }),
            }
        }
        fn verify_proofs(
            &mut self,
            vk: &[u8],
            statements: &[ReplicaStatement],
            entropy: &[u8; 32],
        ) -> logic::Result<bool> {
            let verdict: core::result::Result<bool, VerifyError> = match self.verifier()? {
                // The verifier contract takes derived seeds: the Poseidon hashes run here, in wasm.
                Verifier::Contract(verifier) => {
                    let derived: Vec<EncodedStatement> = statements.iter().map(derive_statement).collect();
                    self.call_verifier(
                        verifier,
                        ExecutionInput::new(Selector::new(ink::selector_bytes!("verify")))
                            .push_arg(vk)
                            .push_arg(&derived)
                            .push_arg(entropy),
                    )?
                }
                // The extension derives the seeds natively.
                #[cfg(feature = "ddc-pos")]
                Verifier::Extension => ChainExtensionMethod::build(extension::func_id(extension::VERIFY))
                    .input::<(&[u8], &[ReplicaStatement], &[u8; 32])>()
                    .output::<core::result::Result<bool, VerifyError>, false>()
                    .ignore_error_code()
                    .call(&(vk, statements, entropy)),
            };
            verdict.map_err(|e| match e {
                VerifyError::VerifyingKey => logic::Error::VerifyingKeyInvalid,
                VerifyError::Malformed => logic::Error::ProofMalformed,
            })
        }
        fn check_vk(&mut self, vk: &[u8]) -> bool {
            match self.verifier() {
                Ok(Verifier::Contract(verifier)) => self
                    .call_verifier(
                        verifier,
                        ExecutionInput::new(Selector::new(ink::selector_bytes!("register_vk"))).push_arg(vk),
                    )
                    .unwrap_or(false),
                #[cfg(feature = "ddc-pos")]
                Ok(Verifier::Extension) => ChainExtensionMethod::build(extension::func_id(extension::CHECK_VK))
                    .input::<&[u8]>()
                    .output::<bool, false>()
                    .ignore_error_code()
                    .call(&vk),
                Err(_) => false,
            }
        }
        fn read<K: scale::Encode, V: scale::Decode>(&self, key: &K) -> Option<V> {
            ink::env::get_contract_storage::<K, Stored<V>>(key).ok().flatten().map(|s| s.0)
        }
        fn write<K: scale::Encode, V: scale::Encode>(&mut self, key: &K, value: &V) {
            ink::env::set_contract_storage::<K, Encoded<V>>(key, &Encoded(value));
        }
        fn remove<K: scale::Encode>(&mut self, key: &K) {
            ink::env::clear_contract_storage::<K>(key);
        }
    }

    /// The Groth16 verifier's errors: the verifier contract's (`ddc-groth16-verifier`) and the
    /// `ddc-pos` extension's codes (`ddc_primitives::extension`), in the same order.
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    enum VerifyError {
        VerifyingKey,
        Malformed,
    }

    /// What checks proofs, chosen at instantiation: the runtime's `ddc-pos` chain extension
    /// (native) where the chain has it, or else the wasm verifier contract.
    #[ink::scale_derive(Encode, Decode)]
    enum Verifier {
        Contract(AccountId),
        #[cfg(feature = "ddc-pos")]
        Extension,
    }

    impl Chain {
        fn verifier(&self) -> logic::Result<Verifier> {
            self.read(&VERIFIER_KEY).ok_or(logic::Error::VerifyingKeyMissing)
        }

        /// Calls the Groth16 verifier contract set at deployment.
        fn call_verifier<Args: scale::Encode, R: scale::Decode>(
            &self,
            verifier: AccountId,
            input: ExecutionInput<Args>,
        ) -> logic::Result<R> {
            build_call::<Env>()
                .call(verifier)
                .exec_input(input)
                .returns::<R>()
                .try_invoke()
                .map_err(|_| logic::Error::VerifierCallFailed)?
                .map_err(|_| logic::Error::VerifierCallFailed)
        }
    }

    /// Where the [`Verifier`] is kept (outside the rules' tags).
    const VERIFIER_KEY: u8 = 0xff;

    /// Adapters between the rules' `Encode`/`Decode` values and ink!'s `Storable`.
    struct Stored<V>(V);
    impl<V: scale::Decode> ink::storage::traits::Storable for Stored<V> {
        fn encode<T: scale::Output + ?Sized>(&self, _: &mut T) {
            unreachable!("only read")
        }
        fn decode<I: scale::Input>(input: &mut I) -> core::result::Result<Self, scale::Error> {
            V::decode(input).map(Stored)
        }
        fn encoded_size(&self) -> usize {
            unreachable!("only read")
        }
    }
    struct Encoded<'a, V>(&'a V);
    impl<V: scale::Encode> ink::storage::traits::Storable for Encoded<'_, V> {
        fn encode<T: scale::Output + ?Sized>(&self, dest: &mut T) {
            self.0.encode_to(dest)
        }
        fn decode<I: scale::Input>(_: &mut I) -> core::result::Result<Self, scale::Error> {
            Err("only written".into())
        }
        fn encoded_size(&self) -> usize {
            self.0.encoded_size()
        }
    }

    impl Ddc {
        /// The deployer becomes SuperAdmin; `groth16_verifier` is the deployed
        /// `ddc-groth16-verifier` contract that checks proofs. `dev_chain`, fixed for the
        /// contract's life, lets clusters pin insecure (development) keys: false in production.
        #[ink(constructor)]
        pub fn new(groth16_verifier: AccountId, dev_chain: bool) -> Self {
            logic::init(&mut Chain, dev_chain);
            Chain.write(&VERIFIER_KEY, &Verifier::Contract(groth16_verifier));
            Self {}
        }

        /// As [`Self::new`], on a chain with the `ddc-pos` chain extension (the DDC runtime):
        /// proofs are checked natively by the runtime, at a small fraction of the wasm verifier's
        /// weight. Only in the `ddc-pos` build, which other chains refuse to deploy.
        #[cfg(feature = "ddc-pos")]
        #[ink(constructor)]
        pub fn new_with_extension(dev_chain: bool) -> Self {
            logic::init(&mut Chain, dev_chain);
            Chain.write(&VERIFIER_KEY, &Verifier::Extension);
            Self {}
        }

        // Nodes.
        #[ink(message)]
        pub fn node_create(
            &mut self,
            rent_per_month: Balance,
            node_params: Params,
            capacity: Resource,
        ) -> Result<NodeId> {
            logic::node_create(&mut Chain, rent_per_month, node_params, capacity)
        }
        #[ink(message)]
        pub fn node_change_params(&mut self, node_id: NodeId, params: Params) -> Result<()> {
            logic::node_change_params(&mut Chain, node_id, params)
        }
        #[ink(message)]
        pub fn node_get(&self, node_id: NodeId) -> Result<NodeStatus> {
            logic::node_get(&Chain, node_id)
        }
        #[ink(message)]
        pub fn node_list(
            &self,
            offset: u32,
            limit: u32,
            filter_provider_id: Option<AccountId>,
        ) -> (Vec<NodeStatus>, u32) {
            logic::node_list(&Chain, offset, limit, filter_provider_id)
        }
        #[ink(message)]
        pub fn node_trust_manager(&mut self, manager: AccountId) -> Result<()> {
            logic::node_trust_manager(&mut Chain, manager)
        }
        #[ink(message)]
        pub fn node_distrust_manager(&mut self, manager: AccountId) -> Result<()> {
            logic::node_distrust_manager(&mut Chain, manager)
        }

        // Clusters.
        #[ink(message)]
        pub fn cluster_create(
            &mut self,
            vnode_count: u32,
            node_ids: Vec<NodeId>,
            cluster_params: Params,
        ) -> Result<ClusterId> {
            logic::cluster_create(&mut Chain, vnode_count, node_ids, cluster_params)
        }
        #[ink(message)]
        pub fn cluster_reserve_resource(&mut self, cluster_id: ClusterId, amount: Resource) -> Result<()> {
            logic::cluster_reserve_resource(&mut Chain, cluster_id, amount)
        }
        #[ink(message)]
        pub fn cluster_replace_node(
            &mut self,
            cluster_id: ClusterId,
            vnode_index: VNodeIndex,
            new_node_id: NodeId,
        ) -> Result<()> {
            logic::cluster_replace_node(&mut Chain, cluster_id, vnode_index, new_node_id)
        }
        #[ink(message)]
        pub fn cluster_change_params(&mut self, cluster_id: ClusterId, params: Params) -> Result<()> {
            logic::cluster_change_params(&mut Chain, cluster_id, params)
        }
        #[ink(message)]
        pub fn cluster_get(&self, cluster_id: ClusterId) -> Result<ClusterStatus> {
            logic::cluster_get(&Chain, cluster_id)
        }
        #[ink(message)]
        pub fn cluster_list(
            &self,
            offset: u32,
            limit: u32,
            filter_manager_id: Option<AccountId>,
        ) -> (Vec<ClusterStatus>, u32) {
            logic::cluster_list(&Chain, offset, limit, filter_manager_id)
        }
        #[ink(message)]
        pub fn cluster_distribute_revenues(&mut self, cluster_id: ClusterId) -> Result<()> {
            logic::cluster_distribute_revenues(&mut Chain, cluster_id)
        }

        // Buckets.
        #[ink(message)]
        pub fn bucket_create(&mut self, bucket_params: Params, cluster_id: ClusterId) -> Result<BucketId> {
            logic::bucket_create(&mut Chain, bucket_params, cluster_id)
        }
        #[ink(message)]
        pub fn bucket_alloc_into_cluster(&mut self, bucket_id: BucketId, resource: Resource) -> Result<()> {
            logic::bucket_alloc_into_cluster(&mut Chain, bucket_id, resource)
        }
        #[ink(message)]
        pub fn bucket_dealloc_from_cluster(&mut self, bucket_id: BucketId) -> Result<()> {
            logic::bucket_dealloc_from_cluster(&mut Chain, bucket_id)
        }
        #[ink(message)]
        pub fn bucket_settle_payment(&mut self, bucket_id: BucketId) -> Result<()> {
            logic::bucket_settle_payment(&mut Chain, bucket_id)
        }
        #[ink(message)]
        pub fn bucket_change_params(&mut self, bucket_id: BucketId, params: Params) -> Result<()> {
            logic::bucket_change_params(&mut Chain, bucket_id, params)
        }
        #[ink(message)]
        pub fn bucket_get(&self, bucket_id: BucketId) -> Result<BucketStatus> {
            logic::bucket_get(&Chain, bucket_id)
        }
        #[ink(message)]
        pub fn bucket_list(
            &self,
            offset: u32,
            limit: u32,
            filter_owner_id: Option<AccountId>,
        ) -> (Vec<BucketStatus>, u32) {
            logic::bucket_list(&Chain, offset, limit, filter_owner_id)
        }

        // Accounts.
        #[ink(message, payable)]
        pub fn account_deposit(&mut self) -> Result<()> {
            logic::account_deposit(&mut Chain)
        }
        #[ink(message)]
        pub fn account_withdraw(&mut self, amount: Balance) -> Result<()> {
            logic::account_withdraw(&mut Chain, amount)
        }
        #[ink(message)]
        pub fn account_withdrawable(&self, account_id: AccountId) -> Result<Balance> {
            logic::account_withdrawable(&Chain, account_id)
        }
        #[ink(message)]
        pub fn account_arrears(&self, account_id: AccountId) -> Vec<(BucketId, Balance)> {
            logic::account_arrears(&Chain, account_id)
        }
        #[ink(message)]
        pub fn account_get(&self, account_id: AccountId) -> Result<Account> {
            logic::account_get(&Chain, account_id)
        }
        #[ink(message)]
        pub fn account_get_usd_per_cere(&self) -> Balance {
            logic::account_get_usd_per_cere(&Chain)
        }
        #[ink(message)]
        pub fn account_set_usd_per_cere(&mut self, usd_per_cere: Balance) -> Result<()> {
            logic::account_set_usd_per_cere(&mut Chain, usd_per_cere)
        }

        // Permissions and governance.
        #[ink(message)]
        pub fn has_permission(&self, grantee: AccountId, permission: Permission) -> bool {
            logic::has_permission(&Chain, grantee, permission)
        }
        #[ink(message)]
        pub fn admin_grant_permission(&mut self, grantee: AccountId, permission: Permission) -> Result<()> {
            logic::admin_grant_permission(&mut Chain, grantee, permission)
        }
        #[ink(message)]
        pub fn admin_revoke_permission(&mut self, grantee: AccountId, permission: Permission) -> Result<()> {
            logic::admin_revoke_permission(&mut Chain, grantee, permission)
        }
        #[ink(message)]
        pub fn admin_withdraw(&mut self, amount: Balance) -> Result<()> {
            logic::admin_withdraw(&mut Chain, amount)
        }
        #[ink(message)]
        pub fn admin_set_fee_config(&mut self, config: FeeConfig) -> Result<()> {
            logic::admin_set_fee_config(&mut Chain, config)
        }
        #[ink(message)]
        pub fn fee_config(&self) -> FeeConfig {
            logic::fee_config(&Chain)
        }
        #[ink(message)]
        pub fn treasury(&self) -> Balance {
            logic::treasury(&Chain)
        }
        #[ink(message)]
        pub fn admin_set_protocol_config(&mut self, config: ProtocolConfig) -> Result<()> {
            logic::admin_set_protocol_config(&mut Chain, config)
        }
        #[ink(message)]
        pub fn protocol_config(&self) -> ProtocolConfig {
            logic::protocol_config(&Chain)
        }
        #[ink(message)]
        pub fn admin_set_verifying_key(
            &mut self,
            shape: CircuitShape,
            vk: Vec<u8>,
            insecure: bool,
        ) -> Result<[u8; 32]> {
            logic::admin_set_verifying_key(&mut Chain, shape, vk, insecure)
        }
        #[ink(message)]
        pub fn dev_chain(&self) -> bool {
            logic::dev_chain(&Chain)
        }
        #[ink(message)]
        pub fn verifying_key(&self, hash: [u8; 32]) -> Option<VerifyingKeyRecord> {
            logic::verifying_key(&Chain, hash)
        }

        // Verification settings and stake.
        #[ink(message)]
        pub fn cluster_set_verification(&mut self, cluster_id: ClusterId, config: VerificationConfig) -> Result<()> {
            logic::cluster_set_verification(&mut Chain, cluster_id, config)
        }
        #[ink(message)]
        pub fn cluster_create_verified(
            &mut self,
            vnode_count: u32,
            node_ids: Vec<NodeId>,
            cluster_params: Params,
            config: VerificationConfig,
        ) -> Result<ClusterId> {
            logic::cluster_create_verified(&mut Chain, vnode_count, node_ids, cluster_params, config)
        }
        #[ink(message)]
        pub fn cluster_verification(&self, cluster_id: ClusterId) -> Option<Verification> {
            logic::cluster_verification(&Chain, cluster_id)
        }
        #[ink(message)]
        pub fn cluster_epoch(&self, cluster_id: ClusterId) -> Result<EpochInfo> {
            logic::cluster_epoch(&Chain, cluster_id)
        }
        #[ink(message, payable)]
        pub fn node_bond(&mut self, cluster_id: ClusterId, node_id: NodeId) -> Result<()> {
            logic::node_bond(&mut Chain, cluster_id, node_id)
        }
        #[ink(message)]
        pub fn node_unbond(&mut self, cluster_id: ClusterId, node_id: NodeId) -> Result<()> {
            logic::node_unbond(&mut Chain, cluster_id, node_id)
        }
        #[ink(message)]
        pub fn node_withdraw_stake(&mut self, cluster_id: ClusterId, node_id: NodeId) -> Result<()> {
            logic::node_withdraw_stake(&mut Chain, cluster_id, node_id)
        }
        #[ink(message)]
        pub fn node_bond_get(&self, cluster_id: ClusterId, node_id: NodeId) -> Option<Bond> {
            logic::node_bond_get(&Chain, cluster_id, node_id)
        }
        #[ink(message, payable)]
        pub fn validator_bond(&mut self) -> Result<()> {
            logic::validator_bond(&mut Chain)
        }
        #[ink(message)]
        pub fn admin_admit_validator(&mut self, validator: AccountId) -> Result<()> {
            logic::admin_admit_validator(&mut Chain, validator)
        }
        #[ink(message)]
        pub fn validator_unbond(&mut self) -> Result<()> {
            logic::validator_unbond(&mut Chain)
        }
        #[ink(message)]
        pub fn validator_withdraw_stake(&mut self) -> Result<()> {
            logic::validator_withdraw_stake(&mut Chain)
        }
        #[ink(message)]
        pub fn validator_get(&self, validator: AccountId) -> Option<Validator> {
            logic::validator_get(&Chain, validator)
        }
        #[ink(message)]
        pub fn validator_list(&self) -> Vec<AccountId> {
            logic::validator_list(&Chain)
        }
        #[ink(message)]
        pub fn validator_work(&self, cluster_id: ClusterId) -> Vec<(AccountId, u32)> {
            logic::validator_work(&Chain, cluster_id)
        }

        // Epochs.
        #[ink(message)]
        pub fn commit_root(
            &mut self,
            cluster_id: ClusterId,
            vnode: VNodeIndex,
            epoch: Epoch,
            root: [u8; 32],
            chunk_count: u64,
            generation: u32,
        ) -> Result<()> {
            logic::commit_root(&mut Chain, cluster_id, vnode, epoch, root, chunk_count, generation)
        }
        #[ink(message)]
        pub fn commitment_get(&self, cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch) -> Option<Commitment> {
            logic::commitment_get(&Chain, cluster_id, vnode, epoch)
        }
        #[ink(message)]
        pub fn seed_commit(&mut self, cluster_id: ClusterId, epoch: Epoch, commitment: [u8; 32]) -> Result<()> {
            logic::seed_commit(&mut Chain, cluster_id, epoch, commitment)
        }
        #[ink(message)]
        pub fn seed_reveal(&mut self, cluster_id: ClusterId, epoch: Epoch, secret: [u8; 32]) -> Result<()> {
            logic::seed_reveal(&mut Chain, cluster_id, epoch, secret)
        }
        #[ink(message)]
        pub fn seed_commits(&self, cluster_id: ClusterId, epoch: Epoch) -> Vec<SeedCommit> {
            logic::seed_commits(&Chain, cluster_id, epoch)
        }
        #[ink(message)]
        pub fn epoch_seed(&self, cluster_id: ClusterId, epoch: Epoch) -> Result<Option<[u8; 32]>> {
            logic::epoch_seed(&Chain, cluster_id, epoch)
        }
        #[ink(message)]
        pub fn epoch_finalize_seed(&mut self, cluster_id: ClusterId, epoch: Epoch) -> Result<Option<[u8; 32]>> {
            logic::epoch_finalize_seed(&mut Chain, cluster_id, epoch)
        }

        // Verification.
        #[ink(message)]
        pub fn submit_proofs(&mut self, cluster_id: ClusterId, epoch: Epoch, items: Vec<ProofItem>) -> Result<()> {
            logic::submit_proofs(&mut Chain, cluster_id, epoch, items)
        }
        #[ink(message)]
        pub fn attest(&mut self, cluster_id: ClusterId, epoch: Epoch, vnodes: Vec<VNodeIndex>) -> Result<()> {
            logic::attest(&mut Chain, cluster_id, epoch, vnodes)
        }
        #[ink(message)]
        pub fn report_fault(&mut self, cluster_id: ClusterId, epoch: Epoch, vnode: VNodeIndex) -> Result<()> {
            logic::report_fault(&mut Chain, cluster_id, epoch, vnode)
        }
        #[ink(message)]
        pub fn rebut_fault(
            &mut self,
            cluster_id: ClusterId,
            epoch: Epoch,
            vnode: VNodeIndex,
            proof: [u8; PROOF_BYTES],
        ) -> Result<()> {
            logic::rebut_fault(&mut Chain, cluster_id, epoch, vnode, proof)
        }
        #[ink(message)]
        pub fn finalize_fault(&mut self, cluster_id: ClusterId, epoch: Epoch, vnode: VNodeIndex) -> Result<Balance> {
            logic::finalize_fault(&mut Chain, cluster_id, epoch, vnode)
        }
        #[ink(message)]
        pub fn pass_get(&self, cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch) -> Option<NodeId> {
            logic::pass_get(&Chain, cluster_id, vnode, epoch)
        }
        #[ink(message)]
        pub fn fault_get(&self, cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch) -> Option<Fault> {
            logic::fault_get(&Chain, cluster_id, vnode, epoch)
        }
        #[ink(message)]
        pub fn report_omission(&mut self, receipt: Receipt, signature: [u8; 64], epoch: Epoch) -> Result<()> {
            logic::report_omission(&mut Chain, receipt, signature, epoch)
        }
        #[ink(message)]
        pub fn rebut_omission(
            &mut self,
            cluster_id: ClusterId,
            vnode: VNodeIndex,
            epoch: Epoch,
            justification: Justification,
        ) -> Result<()> {
            logic::rebut_omission(&mut Chain, cluster_id, vnode, epoch, justification)
        }
        #[ink(message)]
        pub fn omission_claim(&self, cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch) -> Option<Receipt> {
            logic::omission_claim(&Chain, cluster_id, vnode, epoch)
        }
        #[ink(message)]
        pub fn vnode_fault_streak(&self, cluster_id: ClusterId, vnode: VNodeIndex) -> u32 {
            logic::vnode_fault_streak(&Chain, cluster_id, vnode)
        }
    }
}
