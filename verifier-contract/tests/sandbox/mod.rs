//! The DDC runtime (`ddc-runtime`, with its `ddc-pos` chain extension) as a drink sandbox: the
//! contracts run in the same pallet-contracts as drink's minimal sandbox, on the chain's own
//! runtime.

use ddc_runtime::{AccountId, Hash, Runtime, RuntimeOrigin};
use ink_sandbox::macros::BlockBuilder;
use ink_sandbox::{RuntimeMetadataPrefixed, Sandbox, Snapshot, TestExternalities};

pub struct DdcSandbox {
    ext: TestExternalities,
}

impl Default for DdcSandbox {
    fn default() -> Self {
        Self { ext: BlockBuilder::<Runtime>::new_ext(vec![]) }
    }
}

impl Sandbox for DdcSandbox {
    type Runtime = Runtime;

    fn execute_with<T>(&mut self, execute: impl FnOnce() -> T) -> T {
        self.ext.execute_with(execute)
    }

    fn dry_run<T>(&mut self, action: impl FnOnce(&mut Self) -> T) -> T {
        let backup = self.ext.as_backend();
        let result = action(self);
        self.ext.commit_all().expect("commit the dry run's changes");
        self.ext.backend = backup;
        result
    }

    fn register_extension<E: std::any::Any + ink_sandbox::Extension>(&mut self, ext: E) {
        self.ext.register_extension(ext);
    }

    fn initialize_block(height: u32, parent_hash: Hash) {
        BlockBuilder::<Runtime>::initialize_block(height, parent_hash)
    }

    fn finalize_block(height: u32) -> Hash {
        BlockBuilder::<Runtime>::finalize_block(height)
    }

    fn default_actor() -> AccountId {
        AccountId::new([1; 32])
    }

    fn get_metadata() -> RuntimeMetadataPrefixed {
        Runtime::metadata()
    }

    fn convert_account_to_origin(account: AccountId) -> RuntimeOrigin {
        Some(account).into()
    }

    fn take_snapshot(&mut self) -> Snapshot {
        let mut backend = self.ext.as_backend().clone();
        let storage = backend.backend_storage_mut().drain().into_iter().filter(|(_, (_, r))| *r > 0).collect();
        Snapshot { storage, storage_root: *backend.root() }
    }

    fn restore_snapshot(&mut self, snapshot: Snapshot) {
        self.ext = TestExternalities::from_raw_snapshot(snapshot.storage, snapshot.storage_root, Default::default());
    }
}
