//! `bytes` and `bytearray`: constructors, accessors and their repr.

use crate::{Error, Heap, Obj, Object, Result};

impl Heap {
    /// A `bytes`. `b''` is one object per heap, as in CPython; see also
    /// [`Heap::new_bytes_shared`].
    pub fn new_bytes(&mut self, value: &[u8]) -> Obj {
        if value.is_empty() {
            return self.empty_bytes();
        }
        self.insert(Object::Bytes(value.into()))
    }

    /// A `bytes` that takes over `value`'s buffer (no copy when its capacity
    /// is its length).
    pub fn new_bytes_from_vec(&mut self, value: Vec<u8>) -> Obj {
        if value.is_empty() {
            return self.empty_bytes();
        }
        self.insert(Object::Bytes(value.into_boxed_slice()))
    }

    /// A `bytearray`.
    pub fn new_bytearray(&mut self, value: &[u8]) -> Obj {
        self.new_bytearray_from_vec(value.to_vec())
    }

    /// A `bytearray` that takes over `value`'s buffer.
    pub fn new_bytearray_from_vec(&mut self, value: Vec<u8>) -> Obj {
        self.insert(Object::ByteArray(Box::new(value)))
    }

    /// The contents of a `bytes` or `bytearray`.
    pub fn as_bytes(&self, obj: Obj) -> Result<&[u8]> {
        match self.slot_or_int_kind(obj)? {
            Object::Bytes(b) => Ok(b),
            Object::ByteArray(b) => Ok(b),
            // A view's target is always bytes or bytearray, so this recursion
            // is one level deep.
            Object::PickleBuffer(view) => self.as_bytes(view.target),
            other => Err(Error::type_error(format!(
                "a bytes-like object is required, not '{}'",
                other.type_name()
            ))),
        }
    }

    /// The contents of a `bytearray`, to change in place.
    pub fn bytearray_mut(&mut self, obj: Obj) -> Result<&mut Vec<u8>> {
        match self.get_mut_expecting(obj, "bytearray")? {
            Object::ByteArray(b) => Ok(b),
            other => Err(Error::type_error(format!(
                "expected bytearray, got '{}'",
                other.type_name()
            ))),
        }
    }
}

/// Appends `repr(b)` of a `bytes` to `out`, exactly as CPython writes it:
/// `b'...'`, in double quotes when the data holds `'` and no `"`, with the
/// chosen quote, `\`, `\t`, `\n` and `\r` backslash-escaped and every other
/// byte outside `0x20..0x7f` as `\xNN`.
///
/// ```
/// use pyobj::kinds::bytes::write_bytes_repr;
/// let mut out = String::new();
/// write_bytes_repr(&mut out, b"it's\x00\xff");
/// assert_eq!(out, r#"b"it's\x00\xff""#);
/// ```
pub fn write_bytes_repr(out: &mut String, b: &[u8]) {
    write_bytes_literal(out, b, false);
}

/// Appends `repr()` of a `bytearray` (or of an instance of a subclass named
/// `type_name`) holding `b`: `bytearray(b'...')`.
///
/// CPython's bytearray repr picks its quote like `bytes` does but escapes `'`
/// even inside double quotes (`bytearray(b"\'")`); this reproduces that.
///
/// ```
/// use pyobj::kinds::bytes::write_bytearray_repr;
/// let mut out = String::new();
/// write_bytearray_repr(&mut out, "bytearray", b"'");
/// assert_eq!(out, r#"bytearray(b"\'")"#);
/// ```
pub fn write_bytearray_repr(out: &mut String, type_name: &str, b: &[u8]) {
    out.push_str(type_name);
    out.push('(');
    write_bytes_literal(out, b, true);
    out.push(')');
}

/// The `b'...'` literal; `always_escape_single` is the bytearray quirk.
fn write_bytes_literal(out: &mut String, b: &[u8], always_escape_single: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    out.reserve(b.len() + 3);
    out.push('b');
    out.push(quote as char);
    for &byte in b {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if byte == quote || (always_escape_single && byte == b'\'') => {
                out.push('\\');
                out.push(byte as char);
            }
            0x20..=0x7e => out.push(byte as char),
            _ => {
                out.push_str("\\x");
                out.push(HEX[usize::from(byte >> 4)] as char);
                out.push(HEX[usize::from(byte & 0xf)] as char);
            }
        }
    }
    out.push(quote as char);
}
