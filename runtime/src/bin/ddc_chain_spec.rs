//! `ddc-chain-spec RUNTIME.wasm > spec.json`: the raw dev chain spec of the DDC runtime, with the
//! dev accounts (INSECURE) funded, for chopsticks (scripts/substrate-chain.sh).

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: ddc-chain-spec RUNTIME.wasm > spec.json");
        return ExitCode::from(2);
    };
    let code = match std::fs::read(&path) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ddc-chain-spec: reading {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match ddc_runtime::chain_spec::dev_chain_spec(&code) {
        Ok(spec) => {
            let mut out = std::io::stdout().lock();
            match serde_json::to_writer(&mut out, &spec)
                .map_err(std::io::Error::from)
                .and_then(|()| out.write_all(b"\n"))
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("ddc-chain-spec: writing the spec: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Err(e) => {
            eprintln!("ddc-chain-spec: {e}");
            ExitCode::FAILURE
        }
    }
}
