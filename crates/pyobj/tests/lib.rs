//! The pyobj integration tests: one binary, one module per area.

mod support;

mod repr;
mod hash_eq;
