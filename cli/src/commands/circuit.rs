//! `ddc circuit info`.

use crate::ShapeArgs;
use ddc_circuits::storage::compound::{circuit_info, cost_breakdown};
use std::process::ExitCode;

pub fn info(shape: ShapeArgs, json: bool) -> anyhow::Result<ExitCode> {
    let params = shape.params()?;
    let info = circuit_info(&params)?;
    let costs = cost_breakdown(&params)?;
    // The budget's measure: everything, the index derivation spread over the K challenges.
    let per_challenge = info.constraints as f64 / params.challenges as f64;
    if json {
        let v = serde_json::json!({
            "params": params,
            "constraints": info.constraints,
            "constraints_per_challenge": per_challenge.round() as u64,
            "public_inputs": info.public_inputs,
            "witnesses": info.witnesses,
            "breakdown": costs,
        });
        println!("{v}");
    } else {
        let s = params.shape();
        println!(
            "storage proof {}: depth {} ({}-ary, height {}), K = {}, {}-byte chunks",
            params.name(),
            params.depth,
            s.arity(),
            s.height(),
            params.challenges,
            params.chunk_bytes
        );
        println!("  constraints            {:>10}", info.constraints);
        println!("  per challenge          {:>10.0}   (index derivation spread over K)", per_challenge);
        println!("  each challenge         {:>10}", costs.per_challenge());
        println!("    leaf hash            {:>10}", costs.leaf_hash);
        println!(
            "    path ({} levels)     {:>10}   ({} per level: node hash {} + position check)",
            costs.height,
            costs.path_level * costs.height,
            costs.path_level,
            costs.node_hash
        );
        println!(
            "    top selection        {:>10}   (its node among the {} shared)",
            costs.top_select,
            s.arity().pow(costs.shared_levels as u32)
        );
        println!(
            "  shared top             {:>10}   ({} levels hashed once up to the root)",
            costs.shared_top, costs.shared_levels
        );
        println!(
            "  index derivation       {:>10}   (chunk_count range and all {} indices)",
            costs.index_derivation, params.challenges
        );
        println!("  public inputs          {:>10}   (root, chunk_count, seed)", info.public_inputs);
        println!("  witness variables      {:>10}", info.witnesses);
    }
    Ok(ExitCode::SUCCESS)
}
