//! Integration tests of the reduce crate.
