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

/// Why an `.r1cs` file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum R1csError {
    #[error("not an r1cs file of BN254's scalar field")]
    NotBn254,
    #[error("malformed r1cs file: {0}")]
    Malformed(&'static str),
}

/// Reads an `.r1cs` file (as [`write_r1cs`] or circom writes it) into constraint matrices,
/// keeping every row's terms in file order. Outputs and public inputs become instance
/// variables, in wire order.
pub fn read_r1cs(bytes: &[u8]) -> Result<ConstraintMatrices<Fr>, R1csError> {
    use R1csError::Malformed;
    if bytes.len() < 12 || &bytes[..4] != b"r1cs" {
        return Err(Malformed("bad magic"));
    }
    let u32_at = |b: &[u8], p: usize| b.get(p..p + 4).map(|s| u32::from_le_bytes(s.try_into().expect("4 bytes")));
    let count = u32_at(bytes, 8).ok_or(Malformed("truncated"))?;
    let (mut header, mut body) = (None, None);
    let mut pos = 12usize;
    for _ in 0..count {
        let id = u32_at(bytes, pos).ok_or(Malformed("truncated"))?;
        let size = bytes.get(pos + 4..pos + 12).ok_or(Malformed("truncated"))?;
        let size = u64::from_le_bytes(size.try_into().expect("8 bytes")) as usize;
        let section = bytes.get(pos + 12..pos + 12 + size).ok_or(Malformed("truncated section"))?;
        match id {
            1 => header = Some(section),
            2 => body = Some(section),
            _ => {}
        }
        pos += 12 + size;
    }
    let header = header.ok_or(Malformed("no header"))?;
    if u32_at(header, 0) != Some(N8) || header.get(4..36) != Some(&Fr::MODULUS.to_bytes_le()[..]) {
        return Err(R1csError::NotBn254);
    }
    let word = |i: usize| u32_at(header, 36 + 4 * i).ok_or(Malformed("short header"));
    let (wires, outputs, public, constraints) =
        (word(0)? as usize, word(1)? as usize, word(2)? as usize, word(6)? as usize);
    let instance = 1 + outputs + public;
    if instance > wires {
        return Err(Malformed("more public wires than wires"));
    }
    let body = body.ok_or(Malformed("no constraints"))?;
    let mut pos = 0usize;
    let mut read_row = || -> Result<Vec<(Fr, usize)>, R1csError> {
        let n = u32_at(body, pos).ok_or(Malformed("truncated constraints"))? as usize;
        pos += 4;
        let mut row = Vec::with_capacity(n);
        for _ in 0..n {
            let wire = u32_at(body, pos).ok_or(Malformed("truncated constraints"))? as usize;
            let bytes = body.get(pos + 4..pos + 36).ok_or(Malformed("truncated constraints"))?;
            let coeff = Fr::from_le_bytes_mod_order(bytes);
            if coeff.into_bigint().to_bytes_le() != bytes {
                return Err(Malformed("coefficient not below the modulus"));
            }
            if wire >= wires {
                return Err(Malformed("wire out of range"));
            }
            row.push((coeff, wire));
            pos += 36;
        }
        Ok(row)
    };
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..constraints {
        a.push(read_row()?);
        b.push(read_row()?);
        c.push(read_row()?);
    }
    let nnz = |m: &Vec<Vec<(Fr, usize)>>| m.iter().map(Vec::len).sum();
    Ok(ConstraintMatrices {
        num_instance_variables: instance,
        num_witness_variables: wires - instance,
        num_constraints: constraints,
        a_num_non_zero: nnz(&a),
        b_num_non_zero: nnz(&b),
        c_num_non_zero: nnz(&c),
        a,
        b,
        c,
    })
}
