//! The reduce protocol over the [`pyobj`] heap: turning objects into reduce
//! values and reduce values back into objects, a copyreg-like [`Registry`],
//! and `copy`/`deepcopy`.
//!
//! One mechanism serves the pickler ([`reduce()`]), the unpickler
//! ([`reconstruct`]'s functions, called opcode by opcode) and copying.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod error;
pub mod reconstruct;
mod reduce_ex;
mod registry;
mod value;

pub use error::{Error, ErrorKind, Result};
pub use reduce_ex::reduce;
pub use registry::{DispatchTable, ReduceFn, Registry};
pub use value::{ReduceValue, Reduced};
