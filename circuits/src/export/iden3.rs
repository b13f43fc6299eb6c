//! iden3's binary formats for a constraint system (`.r1cs`) and an assignment (`.wtns`), as circom
//! writes them and snarkjs reads them: the input of a phase-2 ceremony (`snarkjs groth16 setup`),
//! and an independent check of our constraints and witnesses (`snarkjs wtns check`).
//!
//! Both are `magic, version, section count`, then sections `(type u32, size u64, bytes)`, all
//! little-endian; field elements are `n8 = 32` bytes in standard (not Montgomery) form. Wires are
//! arkworks' variable indices: wire 0 the constant one, then the public inputs, then the
//! witnesses; every public input counts as a public input of `main` (no outputs, no private
//! inputs), and wire `i` carries label `i`.

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use ark_relations::r1cs::ConstraintMatrices;
use std::io::{self, Write};

const N8: u32 = 32;

fn field(out: &mut Vec<u8>, x: &Fr) {
    out.extend_from_slice(&x.into_bigint().to_bytes_le());
}

fn modulus(out: &mut Vec<u8>) {
    out.extend_from_slice(&Fr::MODULUS.to_bytes_le());
}

fn write_file(w: &mut impl Write, magic: &[u8; 4], version: u32, sections: &[(u32, Vec<u8>)]) -> io::Result<()> {
    w.write_all(magic)?;
    w.write_all(&version.to_le_bytes())?;
    w.write_all(&(sections.len() as u32).to_le_bytes())?;
    for (kind, bytes) in sections {
        w.write_all(&kind.to_le_bytes())?;
        w.write_all(&(bytes.len() as u64).to_le_bytes())?;
        w.write_all(bytes)?;
    }
    Ok(())
}

/// The constraint system `a · b = c` of `m` as an `.r1cs` file (version 1: header, constraints,
/// wire-to-label map).
pub fn write_r1cs(w: &mut impl Write, m: &ConstraintMatrices<Fr>) -> io::Result<()> {
    let wires = (m.num_instance_variables + m.num_witness_variables) as u32;
    let mut header = N8.to_le_bytes().to_vec();
    modulus(&mut header);
    for n in [wires, 0, m.num_instance_variables as u32 - 1, 0] {
        header.extend_from_slice(&n.to_le_bytes());
    }
    header.extend_from_slice(&(wires as u64).to_le_bytes());
    header.extend_from_slice(&(m.num_constraints as u32).to_le_bytes());

    let mut constraints = Vec::new();
    for i in 0..m.num_constraints {
        for row in [&m.a[i], &m.b[i], &m.c[i]] {
            constraints.extend_from_slice(&(row.len() as u32).to_le_bytes());
            for (coeff, wire) in row {
                constraints.extend_from_slice(&(*wire as u32).to_le_bytes());
                field(&mut constraints, coeff);
            }
        }
    }
    let labels: Vec<u8> = (0..wires as u64).flat_map(u64::to_le_bytes).collect();
    write_file(w, b"r1cs", 1, &[(1, header), (2, constraints), (3, labels)])
}

/// The full assignment `[1, public.., witness..]` as a `.wtns` file (version 2).
pub fn write_wtns(w: &mut impl Write, full: &[Fr]) -> io::Result<()> {
    let mut header = N8.to_le_bytes().to_vec();
    modulus(&mut header);
    header.extend_from_slice(&(full.len() as u32).to_le_bytes());
    let mut values = Vec::with_capacity(full.len() * N8 as usize);
    full.iter().for_each(|x| field(&mut values, x));
    write_file(w, b"wtns", 2, &[(1, header), (2, values)])
}
