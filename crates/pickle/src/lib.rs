//! Python's pickle format, protocols 0 to 5, over the [`pyobj`] heap:
//! byte-identical to CPython 3.11's C pickler, loading everything it writes,
//! and never running code that the embedding program did not register.
//!
//! # Contents
//! - [`loads`]/[`load`] and [`Unpickler`]: bytes → objects, from a slice or
//!   any [`std::io::Read`] (never reading past STOP), with [`LoadOptions`]
//!   (Python 2 `encoding`/`errors`, `fix_imports`, [`Limits`]), a
//!   [`Resolver`] for globals ([`StrictResolver`], the default, or
//!   [`StandInResolver`]), `persistent_load` and out-of-band `buffers`.
//! - [`dumps`]/[`dump`] and [`Pickler`]: objects → bytes at any protocol,
//!   with `persistent_id`, `reducer_override`, a dispatch table,
//!   `buffer_callback`, fast mode and a memo shared across dumps.
//! - [`dis`]: `pickletools.dis`, line for line.
//! - [`sniff`]: the globals and persistent ids a pickle names, without
//!   building anything (cPickle's `noload`).
//! - [`Error`]/[`ErrorKind`]: `PicklingError`, `UnpicklingError`, the
//!   unsafe-global refusal and the heap's own errors, with the byte offset
//!   and opcode of bad input.
//!
//! # Example
//! ```
//! use pickle::{dumps, loads, DumpOptions, LoadOptions};
//! use pyobj::Heap;
//! use reduce::Registry;
//!
//! let mut heap = Heap::new();
//! let mut registry = Registry::new(&mut heap);
//! // [[1, 2], <the same list>], as Python's pickle.dumps(x, 2) writes it.
//! let bytes = b"\x80\x02]q\x00(]q\x01(K\x01K\x02eh\x01e.";
//! let outer = loads(&mut heap, &mut registry, bytes, &LoadOptions::new())?;
//! let items = heap.as_list(outer)?.to_vec();
//! assert_eq!(items[0], items[1]); // the sharing survives
//! let again = dumps(&mut heap, &registry, outer, &DumpOptions::new().protocol(2)?)?;
//! assert_eq!(again, bytes);
//! # Ok::<(), pickle::Error>(())
//! ```
//!
//! # Untrusted input
//! Loading resolves globals only through the [`Resolver`] and calls only
//! what the `reduce` registry holds with a Rust implementation; with
//! [`StandInResolver`] nothing is called at all. Nesting depth, bytes
//! allocated and memo size are bounded by [`Limits`]; declared lengths are
//! checked against the input before anything is allocated.

// Three modules may use `unsafe`: `hugepages` (one system call), `spare`
// (stores into a vector's spare capacity and its length after them) and
// `framing` (`Framer::room`, the one place that vouches for that capacity).
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod codecs;
mod compat;
pub mod dis;
mod error;
mod framing;
mod hugepages;
mod limits;
pub mod opcodes;
mod options;
mod pickler;
pub mod read;
pub mod resolve;
#[cfg(feature = "serde")]
mod serde;
mod sniff;
mod spare;
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

#[cfg(feature = "serde")]
pub use crate::serde::{from_reader, from_slice, from_slice_with, to_vec, to_writer, SerdeError};
