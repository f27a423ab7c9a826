//! One file per Python type: what an object of that kind holds, its
//! constructors and accessors on [`Heap`](crate::Heap), and its own formatting.
//!
//! Rules that span kinds (`1 == 1.0`, hashing, the repr driver) live in
//! [`ops`](crate::ops).

pub mod bytes;
pub mod class;
pub mod complex;
pub mod dict;
pub mod float;
pub mod function;
pub mod instance;
pub mod int;
pub mod list;
pub mod picklebuffer;
pub(crate) mod printable;
pub mod set;
pub mod str;
pub mod tuple;
