//! Python's pickle format, protocols 0 to 5, over the [`pyobj`] heap.
//!
//! (Crate tour to be written as the modules land.)

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod codecs;
mod compat;
pub mod dis;
mod error;
mod framing;
mod limits;
pub mod opcodes;
mod options;
mod pickler;
pub mod read;
pub mod resolve;
mod sniff;
mod unpickler;

pub use error::{Error, ErrorKind, Result};
pub use limits::Limits;
pub use options::{
    DecodeErrors, DumpOptions, Encoding, LoadOptions, DEFAULT_PROTOCOL, HIGHEST_PROTOCOL,
};
pub use pickler::{dump, dumps, BufferCallback, PersistentId, Pickler, ReducerOverride};
pub use read::{IoRead, Read, SliceRead};
pub use resolve::{Resolver, StandInResolver, StrictResolver};
pub use sniff::{sniff, GlobalRef, Sniffed};
pub use unpickler::{load, loads, PersistentLoad, Unpickler};
