//! The bridge's error: a message and where in the object graph it arose.

use std::fmt;

/// A conversion error between heap objects and Rust values, with the path
/// to the object that did not fit: `["users"][3].age` is the `age` field of
/// the fourth item of the dict entry `"users"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
    /// Path segments, innermost first (they are added as the error travels
    /// out of nested containers).
    path: Vec<String>,
}

impl Error {
    pub(crate) fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            path: Vec::new(),
        }
    }

    /// Records that the error happened inside `segment` (`[3]`, `.age`,
    /// `["key"]`) of the enclosing value.
    pub(crate) fn at(mut self, segment: impl Into<String>) -> Error {
        self.path.push(segment.into());
        self
    }

    /// What went wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The path from the top-level object to the one that did not fit, as
    /// in `["users"][3].age`; empty for the top-level object itself.
    pub fn path(&self) -> String {
        self.path.iter().rev().map(String::as_str).collect()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at {}: {}", self.path(), self.message)
        }
    }
}

impl std::error::Error for Error {}

impl serde::ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(msg.to_string())
    }
}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(msg.to_string())
    }
}

impl From<pyobj::Error> for Error {
    fn from(e: pyobj::Error) -> Self {
        Error::new(e.to_string())
    }
}

/// A path segment for a dict key: `["name"]` for str keys, `[repr]` else.
pub(crate) fn key_segment(heap: &pyobj::Heap, key: pyobj::Obj) -> String {
    match heap.repr(key) {
        Ok(text) if text.starts_with('\'') => {
            // Show str keys with double quotes, as the path convention has it.
            let inner = &text[1..text.len() - 1];
            format!("[\"{inner}\"]")
        }
        Ok(text) => format!("[{text}]"),
        Err(_) => "[?]".to_string(),
    }
}
