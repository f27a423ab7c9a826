//! `from_slice` / `to_vec` for serde types (the `serde` feature): pickles
//! read straight into Rust structs and written from them, through the heap,
//! so shared references in the pickle are read as many times as they are
//! reached rather than refused.

use std::fmt;

use pyobj::Heap;
use reduce::Registry;
use serde::{de::DeserializeOwned, Serialize};

mod containers;
mod keys;
mod shapes;
#[cfg(test)]
mod tests;
mod writer;

use crate::{dumps, DumpOptions, LoadOptions, StandInResolver, Unpickler};

/// What can go wrong between pickle bytes and a serde type.
#[derive(Debug)]
pub enum SerdeError {
    /// The bytes are not a pickle this crate can load (or the value cannot
    /// be pickled).
    Pickle(crate::Error),
    /// The loaded objects do not fit the Rust type, with the path to the
    /// object that does not (`["users"][3].age`).
    Value(reduce::serde::Error),
}

impl fmt::Display for SerdeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SerdeError::Pickle(e) => e.fmt(f),
            SerdeError::Value(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for SerdeError {}

impl From<crate::Error> for SerdeError {
    fn from(e: crate::Error) -> Self {
        SerdeError::Pickle(e)
    }
}

impl From<reduce::serde::Error> for SerdeError {
    fn from(e: reduce::serde::Error) -> Self {
        SerdeError::Value(e)
    }
}

/// Reads a `T` from a pickle. Unknown classes load as stand-ins, so
/// instances of Python classes read into structs through their attributes;
/// nothing from the pickle is ever called.
///
/// ```
/// #[derive(serde::Deserialize, Debug, PartialEq)]
/// struct Config { name: String, retries: u8, ratio: f64 }
///
/// // pickle.dumps({"name": "db", "retries": 3, "ratio": 0.5}, 4)
/// let bytes = b"\x80\x04\x95.\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x04name\x94\x8c\x02db\x94\x8c\x07retries\x94K\x03\x8c\x05ratio\x94G?\xe0\x00\x00\x00\x00\x00\x00u.";
/// let config: Config = pickle::from_slice(bytes)?;
/// assert_eq!(config, Config { name: "db".into(), retries: 3, ratio: 0.5 });
/// # Ok::<(), pickle::SerdeError>(())
/// ```
///
/// # Errors
/// [`SerdeError::Pickle`] for bad or truncated bytes, [`SerdeError::Value`]
/// when the value does not fit `T`.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, SerdeError> {
    from_slice_with(bytes, &LoadOptions::new())
}

/// [`from_slice`] with load options (encoding of Python 2 strings, limits).
///
/// # Errors
/// As [`from_slice`].
pub fn from_slice_with<T: DeserializeOwned>(
    bytes: &[u8],
    options: &LoadOptions,
) -> Result<T, SerdeError> {
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);
    let obj = Unpickler::from_slice(bytes, options.clone())
        .resolver(Box::new(StandInResolver))
        .load(&mut heap, &mut registry)?;
    Ok(reduce::serde::from_object(&heap, obj)?)
}

/// Reads a `T` from the next pickle in `reader` (which is not read past
/// the pickle's STOP).
///
/// # Errors
/// As [`from_slice`], plus I/O errors.
pub fn from_reader<T: DeserializeOwned, R: std::io::Read>(reader: R) -> Result<T, SerdeError> {
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);
    let obj = Unpickler::new(crate::IoRead::new(reader), LoadOptions::new())
        .resolver(Box::new(StandInResolver))
        .load(&mut heap, &mut registry)?;
    Ok(reduce::serde::from_object(&heap, obj)?)
}

/// Pickles `value` at `protocol` (structs as dicts; see
/// [`reduce::serde`] for the mapping): the bytes CPython writes for the same
/// dicts and lists.
///
/// The bytes are written straight from the Rust value, without making heap
/// objects; the few values that need Python semantics to pickle (maps whose
/// keys are equal in Python, such as `1` and `true`, or are tuples; bytes
/// below protocol 3; maps of unknown length) go through the heap instead,
/// with the same result. See the `writer` module for the rules.
///
/// ```
/// #[derive(serde::Serialize)]
/// struct Config { name: String, retries: u8 }
/// let bytes = pickle::to_vec(&Config { name: "db".into(), retries: 3 }, 2)?;
/// assert_eq!(bytes, b"\x80\x02}q\x00(X\x04\x00\x00\x00nameq\x01X\x02\x00\x00\x00dbq\x02X\x07\x00\x00\x00retriesq\x03K\x03u.");
/// # Ok::<(), pickle::SerdeError>(())
/// ```
///
/// # Errors
/// [`SerdeError::Value`] if `value`'s `Serialize` fails (with the path to
/// the failing field), [`SerdeError::Pickle`] for a bad protocol.
pub fn to_vec<T: Serialize + ?Sized>(value: &T, protocol: i32) -> Result<Vec<u8>, SerdeError> {
    let options = DumpOptions::new().protocol(protocol)?;
    if let Ok(bytes) = writer::to_vec(value, options.protocol) {
        return Ok(bytes);
    }
    to_vec_via_heap(value, &options)
}

/// The heap route: objects first, then the pickler. It reports errors with
/// their path, and handles the values the direct writer leaves to it.
fn to_vec_via_heap<T: Serialize + ?Sized>(
    value: &T,
    options: &DumpOptions,
) -> Result<Vec<u8>, SerdeError> {
    let mut heap = Heap::new();
    let registry = Registry::new(&mut heap);
    let obj = reduce::serde::to_object(&mut heap, value)?;
    Ok(dumps(&mut heap, &registry, obj, options)?)
}

/// Pickles `value` at `protocol` to `writer` (the bytes of [`to_vec`],
/// written once complete).
///
/// # Errors
/// As [`to_vec`], plus I/O errors.
pub fn to_writer<T: Serialize + ?Sized, W: std::io::Write>(
    value: &T,
    protocol: i32,
    mut writer: W,
) -> Result<(), SerdeError> {
    let bytes = to_vec(value, protocol)?;
    writer
        .write_all(&bytes)
        .map_err(|e| SerdeError::Pickle(e.into()))
}
