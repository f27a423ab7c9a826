//! The reduce protocol over the [`pyobj`] heap: turning objects into reduce
//! values and reduce values back into objects, a copyreg-like [`Registry`],
//! and `copy`/`deepcopy`.
//!
//! One mechanism serves the pickler ([`reduce()`]), the unpickler
//! ([`reconstruct`]'s functions, called opcode by opcode) and copying
//! ([`reconstruct::reconstruct`]).
//!
//! # Contents
//! - [`Registry`]: named globals (what a pickle may refer to), the dispatch
//!   table, extension codes, and the functions CPython's pickler writes
//!   (`copyreg._reconstructor`, `copyreg.__newobj__`, `_codecs.encode`, ...).
//! - [`reduce()`]: an object → [`Reduced`], in CPython's order: dispatch
//!   table, `__reduce_ex__` hook, `__reduce__` hook, default
//!   `object.__reduce_ex__`.
//! - [`reconstruct`]: calling constructors and applying state, list items
//!   and dict items.
//! - [`state`]: the default `__getstate__` and `_slotnames`.
//!
//! # Registering what pickles may name
//!
//! ```
//! use pyobj::{native_fn, ClassSpec, Heap};
//! use reduce::Registry;
//!
//! let mut heap = Heap::new();
//! let mut registry = Registry::new(&mut heap);
//!
//! // A class: pickles name it as `shop.Order`; loading creates instances.
//! let order = heap.new_class(ClassSpec::new("shop", "Order"))?;
//! registry.register_class(&mut heap, order)?;
//!
//! // A constructor: a pickle's REDUCE may call `shop.make_price(cents)`.
//! registry.register_function(&mut heap, "shop", "make_price", native_fn(|heap, args, _| {
//!     let cents = heap.as_i64(args[0])?;
//!     Ok(heap.new_float(cents as f64 / 100.0))
//! }));
//!
//! // An extension code: protocol 2+ pickles write `shop.Order` as EXT1 0x42.
//! registry.add_extension("shop", "Order", 0x42)?;
//! assert_eq!(registry.extension_code("shop", "Order"), Some(0x42));
//! assert_eq!(registry.extension(0x42), Some(("shop", "Order")));
//! # Ok::<(), reduce::Error>(())
//! ```
//!
//! Rust types become picklable classes with [`native::Picklable`] and
//! [`native::register_native`]; enums with [`stdlib::register_enum`].
//!
//! # Safety of loading
//! Only registered objects can be named, and only classes and functions with
//! a Rust implementation can be called; nothing else ever runs.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod builtins;
pub mod copy;
mod error;
mod extension;
mod names;
pub mod native;
pub mod partial;
pub mod reconstruct;
mod reduce_ex;
mod registry;
#[cfg(feature = "serde")]
pub mod serde;
pub mod standin;
pub mod state;
pub mod stdlib;
mod value;

pub use error::{Error, ErrorKind, Result};
pub use reduce_ex::reduce;
pub use registry::{DispatchTable, ReduceFn, Registry};
pub use value::{ReduceValue, Reduced};
