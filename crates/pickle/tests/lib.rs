//! Integration tests of the pickle crate.
