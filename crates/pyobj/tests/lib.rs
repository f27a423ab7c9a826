//! The pyobj integration tests: one binary, one module per area.

use oracle as support;

mod bombs;
mod class;
mod convert;
mod dict;
mod gc;
mod hash_eq;
mod repr;
mod sizes;
