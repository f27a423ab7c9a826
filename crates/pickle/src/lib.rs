//! Python's pickle format, protocols 0 to 5, over the [`pyobj`] heap.
//!
//! (Crate tour to be written as the modules land.)

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod buffers;
mod compat;
pub mod dis;
mod error;
mod framing;
mod limits;
mod memo;
pub mod opcodes;
mod options;
mod persistent;
pub mod pickler;
mod read;
mod resolve;
pub mod unpickler;
mod write;

pub use error::{Error, ErrorKind, Result};
pub use limits::Limits;
pub use options::{
    DecodeErrors, DumpOptions, Encoding, GlobalPolicy, LoadOptions, DEFAULT_PROTOCOL,
    HIGHEST_PROTOCOL,
};
