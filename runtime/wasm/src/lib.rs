//! Links the DDC runtime into one wasm module: its `#[no_mangle]` runtime-API entry points
//! (`Core_version`, `BlockBuilder_apply_extrinsic`, …) are this cdylib's exports.
#![no_std]

extern crate alloc;

pub use ddc_runtime::*;

/// sp-io's default handler, minus the `#[no_mangle]` that newer rustc refuses on a lang item:
/// log the message to the node, then trap.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let message = alloc::format!("{info}");
    sp_io::logging::log(sp_core::LogLevel::Error, "runtime", message.as_bytes());
    core::arch::wasm32::unreachable()
}
