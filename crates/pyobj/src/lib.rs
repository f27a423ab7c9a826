//! A heap of Python-compatible objects with identity.
//!
//! `pyobj` is the object model under this workspace's pickle and copy support:
//! a [`Heap`] owns every object, [`Obj`] handles name them, and Python's
//! semantics for `==`, `hash()`, `repr()` and `is` are heap methods.
//!
//! # Contents
//! - [`Heap`]: allocation, access, singletons, and [`Heap::collect`].
//! - [`Obj`]: the handle. `==` on handles is Python's `is`.
//! - [`Object`] and [`Kind`]: what a slot holds, one variant per Python type;
//!   each type's payload and constructors are in [`kinds`].
//! - [`ops`]: Python's `==` ([`Heap::eq`]), `hash()` ([`Heap::hash`]) and
//!   `repr()` ([`Heap::repr`]).
//! - [`ClassSpec`], [`Hook`], [`NativeFn`], [`NativePayload`]: classes an
//!   embedder defines, with Rust implementations of special methods and Rust
//!   values inside instances.
//! - [`Rooted`]: what keeps objects alive across a collection.
//!
//! # Example
//! ```
//! use pyobj::{ClassSpec, Heap};
//!
//! let mut heap = Heap::new();
//! let node = heap.new_class(ClassSpec::new("graph", "Node"))?;
//! let a = heap.new_instance(node)?;
//! let items = heap.new_list(vec![a]);
//! heap.setattr(a, "members", items)?;         // a cycle: a -> list -> a
//! assert!(heap.repr(items)?.starts_with("[<graph.Node object at 0x"));
//!
//! let one = heap.new_int(1);
//! let one_f = heap.new_float(1.0);
//! assert!(heap.eq(one, one_f)?);              // 1 == 1.0
//! assert_eq!(heap.hash(one)?, heap.hash(one_f)?);
//! # Ok::<(), pyobj::Error>(())
//! ```
//!
//! # Why handles and not `Rc`
//! Python object graphs are full of cycles and shared references, and pickle
//! identity is object identity. A slot map gives every object a stable,
//! `Copy`, 8-byte name whose equality is identity, lets cycles be built
//! without interior mutability, and makes a stale handle a detectable error
//! rather than a dangling pointer.
//!
//! # Why a tracing collector
//! Reference counting leaks cycles, which are normal here. [`Heap::collect`]
//! marks from explicit roots with an explicit stack and sweeps the rest, so
//! reclaiming a cyclic graph of millions of objects is one linear pass.

// One module may use `unsafe`: `chunks` (shared storage for the text of
// medium strs; its invariants are stated there and at each use).
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod atoms;
mod chunks;
pub mod convert;
mod error;
mod gc;
mod handle;
mod heap;
pub mod hooks;
mod kept_slots;
pub mod kinds;
mod native;
mod obj_table;
mod object;
pub mod ops;
pub mod trace;

pub use convert::{FromPy, ToPy};
pub use error::{Error, ErrorKind, Result};
pub use gc::{CollectStats, Rooted};
pub use handle::Obj;
pub use heap::{HashSeed, Heap, HeapConfig, ObjRef};
pub use hooks::{native_fn, Hook, HookTable, NativeFn};
pub use kinds::class::{Class, ClassSpec};
pub use kinds::complex::Complex;
pub use kinds::dict::Dict;
pub use kinds::function::Function;
pub use kinds::instance::Instance;
pub use kinds::int::Int;
pub use kinds::picklebuffer::PickleBuffer;
pub use kinds::set::Set;
pub use kinds::str::{Str, StrWidth};
pub use native::NativePayload;
pub use obj_table::{ObjTable, Vacant};
pub use object::{Kind, Object};
