//! Behaviour across crates; python3 (CPython 3.11) is the oracle.

mod hooks;
mod native_class;
mod roundtrip;
mod serde;
mod threads;
