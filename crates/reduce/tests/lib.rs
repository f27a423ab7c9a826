//! The reduce integration tests: one binary, one module per area.

mod copy;
