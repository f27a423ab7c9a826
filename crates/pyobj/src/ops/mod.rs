//! Operations that cut across kinds: Python's `==`, `hash()` and `repr()`.
//!
//! Each is a method on [`Heap`](crate::Heap) returning `Result`, because in
//! Python each can fail (unhashable types, nesting too deep) and each needs to
//! look through handles.

pub mod eq;
pub mod hash;
pub mod repr;
