//! The error type of pickling and unpickling: a kind, a message, and for bad
//! pickles the byte offset and opcode where loading stopped.

use std::fmt;

use crate::opcodes::Opcode;

/// What went wrong, mirroring Python's exception classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An object cannot be pickled (`PicklingError`): which and why is in the message.
    Pickling,
    /// The data is not a valid pickle (`UnpicklingError`): bad opcode, stack
    /// underflow, MARK misuse, missing memo key, bad argument, wrong types for
    /// REDUCE/BUILD/NEWOBJ, ...
    Unpickling,
    /// The input ended before STOP (CPython: `pickle data was truncated`, or
    /// `EOFError: Ran out of input` for empty input).
    Truncated,
    /// A configured limit (nesting depth, bytes allocated, memo size) was exceeded.
    Limit,
    /// A global is not allowed: not registered under the strict resolver, or a
    /// callable the registry does not deem safe.
    Unsafe,
    /// An invalid argument to the API itself (a protocol above 5, ...).
    Value,
    /// Reading or writing failed.
    Io,
    /// An error from the object model (a `TypeError`, `KeyError`, ... while
    /// building or walking objects).
    Object(pyobj::ErrorKind),
}

/// An error from pickling or unpickling.
///
/// One pointer wide. [`Error::offset`] and [`Error::opcode`] say where in a bad
/// pickle loading stopped.
pub struct Error(Box<ErrorImpl>);

struct ErrorImpl {
    kind: ErrorKind,
    message: String,
    offset: Option<u64>,
    opcode: Option<Opcode>,
    source: Option<std::io::Error>,
}

impl Error {
    /// Makes an error without a position.
    #[cold]
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(ErrorImpl {
            kind,
            message: message.into(),
            offset: None,
            opcode: None,
            source: None,
        }))
    }

    /// Makes an error at a byte offset, while executing `opcode` if known.
    #[cold]
    pub fn at(
        kind: ErrorKind,
        message: impl Into<String>,
        offset: u64,
        opcode: Option<Opcode>,
    ) -> Error {
        Error::new(kind, message).with_position(offset, opcode)
    }

    /// Adds (or replaces) the position of an error.
    #[cold]
    pub fn with_position(mut self, offset: u64, opcode: Option<Opcode>) -> Error {
        self.0.offset = Some(offset);
        self.0.opcode = opcode;
        self
    }

    /// The kind, for matching.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The message without the position.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The byte offset in the pickle of the opcode being executed, if known.
    pub fn offset(&self) -> Option<u64> {
        self.0.offset
    }

    /// The opcode being executed, if known.
    pub fn opcode(&self) -> Option<Opcode> {
        self.0.opcode
    }
}

impl From<std::io::Error> for Error {
    #[cold]
    fn from(e: std::io::Error) -> Error {
        let mut error = Error::new(ErrorKind::Io, e.to_string());
        error.0.source = Some(e);
        error
    }
}

impl From<pyobj::Error> for Error {
    #[cold]
    fn from(e: pyobj::Error) -> Error {
        Error::new(ErrorKind::Object(e.kind()), e.message())
    }
}

impl From<reduce::Error> for Error {
    #[cold]
    fn from(e: reduce::Error) -> Error {
        let kind = match e.kind() {
            reduce::ErrorKind::Pickling => ErrorKind::Pickling,
            reduce::ErrorKind::Unsafe => ErrorKind::Unsafe,
            reduce::ErrorKind::Unpickling => ErrorKind::Unpickling,
            reduce::ErrorKind::Object(k) => ErrorKind::Object(k),
            _ => ErrorKind::Pickling,
        };
        Error::new(kind, e.to_string())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)?;
        match (self.0.offset, self.0.opcode) {
            (Some(offset), Some(op)) => write!(f, " at offset {offset} (opcode {})", op.name()),
            (Some(offset), None) => write!(f, " at offset {offset}"),
            _ => Ok(()),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({:?}, {:?}", self.0.kind, self.to_string())?;
        f.write_str(")")
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_ref().map(|e| e as _)
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
