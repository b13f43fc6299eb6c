//! Phase 2 (placeholder until written).
