use ddc_circuits::storage::{compound::circuit_info, StorageParams};
fn main() {
    for (d, c) in [(30u32, 1024usize), (30, 32), (20, 1024), (20, 32)] {
        let p = StorageParams::new(d, 32, c).unwrap();
        let i = circuit_info(&p).unwrap();
        println!(
            "d{d} c{c}: {} constraints, {} per challenge, {} witnesses",
            i.constraints,
            i.constraints / 32,
            i.witnesses
        );
    }
}
