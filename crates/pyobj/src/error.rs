//! The one error type of the object model, with kinds an embedder can match on.

use std::fmt;

/// What went wrong, in the vocabulary of Python's built-in exceptions.
///
/// Matching on the kind is the supported way to tell errors apart; the message
/// is for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An operation was applied to an object of the wrong type (Python's `TypeError`),
    /// including hashing an unhashable object.
    Type,
    /// A mapping had no such key (`KeyError`).
    Key,
    /// A sequence index was out of range (`IndexError`).
    Index,
    /// An argument had the right type but a bad value (`ValueError`).
    Value,
    /// A number did not fit where it had to go (`OverflowError`).
    Overflow,
    /// An object had no such attribute (`AttributeError`).
    Attribute,
    /// Nesting went deeper than the heap's configured limit (`RecursionError`).
    Recursion,
    /// An allocation budget was exceeded (`MemoryError`).
    Memory,
    /// A handle referred to an object that has been collected, or to another heap.
    StaleHandle,
    /// A class could not be created: bad bases, inconsistent MRO, slot conflicts.
    Class,
    /// An embedder's hook or native function failed for its own reasons.
    Native,
}

/// An error from the object model: a kind to match on and a message for people.
///
/// The struct is one pointer wide so `Result<T, Error>` stays small on hot paths.
pub struct Error(Box<ErrorImpl>);

struct ErrorImpl {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// Makes an error of `kind` with a message that says what to fix.
    ///
    /// Embedders' hooks use this to report their own failures.
    ///
    /// ```
    /// use pyobj::{Error, ErrorKind};
    /// let e = Error::new(ErrorKind::Value, "temperature below absolute zero");
    /// assert_eq!(e.kind(), ErrorKind::Value);
    /// assert_eq!(e.to_string(), "ValueError: temperature below absolute zero");
    /// ```
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

    /// The message without the kind's Python name in front.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    #[cold]
    pub(crate) fn type_error(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Type, message)
    }

    #[cold]
    pub(crate) fn value_error(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Value, message)
    }

    #[cold]
    pub(crate) fn stale() -> Error {
        Error::new(
            ErrorKind::StaleHandle,
            "handle refers to an object that was collected or belongs to another heap",
        )
    }

    #[cold]
    pub(crate) fn recursion(what: &str) -> Error {
        Error::new(
            ErrorKind::Recursion,
            format!("maximum recursion depth exceeded while {what}"),
        )
    }

    #[cold]
    pub(crate) fn unhashable(type_name: &str) -> Error {
        Error::type_error(format!("unhashable type: '{type_name}'"))
    }
}

impl ErrorKind {
    /// The name of the Python exception this kind stands for.
    pub fn python_name(self) -> &'static str {
        match self {
            ErrorKind::Type => "TypeError",
            ErrorKind::Key => "KeyError",
            ErrorKind::Index => "IndexError",
            ErrorKind::Value => "ValueError",
            ErrorKind::Overflow => "OverflowError",
            ErrorKind::Attribute => "AttributeError",
            ErrorKind::Recursion => "RecursionError",
            ErrorKind::Memory => "MemoryError",
            ErrorKind::StaleHandle => "StaleHandleError",
            ErrorKind::Class => "TypeError",
            ErrorKind::Native => "NativeError",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.kind.python_name(), self.0.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({:?}, {:?})", self.0.kind, self.0.message)
    }
}

impl std::error::Error for Error {}

/// The result type of every fallible operation in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
