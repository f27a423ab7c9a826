//! The error type of the reduce protocol and reconstruction.

use std::fmt;

/// What went wrong, for matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An object cannot be reduced (Python's `PicklingError` or the `TypeError`
    /// that `object.__reduce_ex__` raises), or a reduce value is malformed.
    Pickling,
    /// The data given to reconstruct an object is malformed (Python's
    /// `UnpicklingError`, e.g. a BUILD state that is not a dictionary).
    Unpickling,
    /// A global is not registered, or a callable is not allowed to be called
    /// (the "safe constructor" rule).
    Unsafe,
    /// An error from the object model (type, value, key, attribute, ...).
    Object(pyobj::ErrorKind),
}

/// An error from the reduce protocol: a kind to match on and a message.
pub struct Error(Box<ErrorImpl>);

struct ErrorImpl {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// Makes an error.
    #[cold]
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(ErrorImpl {
            kind,
            message: message.into(),
        }))
    }

    /// The kind, for matching.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    #[cold]
    pub(crate) fn pickling(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Pickling, message)
    }
}

impl From<pyobj::Error> for Error {
    fn from(e: pyobj::Error) -> Error {
        Error::new(ErrorKind::Object(e.kind()), e.message())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({:?}, {:?})", self.0.kind, self.0.message)
    }
}

impl std::error::Error for Error {}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
