//! The STRING family (Python 2 `str`, decoded by the `encoding` option),
//! the UNICODE family, and the BYTES family.

use pyobj::{Heap, Str};

use super::Unpickler;
use crate::codecs::{escape_decode, raw_unicode_escape_decode};
use crate::hugepages::{copy_large, LARGE_PAYLOAD};
use crate::read::Read;
use crate::{DecodeErrors, Encoding, Error, ErrorKind, Result};

fn value_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Object(pyobj::ErrorKind::Value), message)
}

impl<R: Read> Unpickler<R> {
    /// STRING: a quoted, backslash-escaped Python 2 string literal.
    pub(super) fn load_string(&mut self, heap: &mut Heap) -> Result<()> {
        let line = self.read_line()?.to_vec();
        let quoted = line.len() >= 2
            && (line[0] == b'\'' || line[0] == b'"')
            && line[line.len() - 1] == line[0];
        if !quoted {
            return Err(Error::new(
                ErrorKind::Unpickling,
                "the STRING opcode argument must be quoted",
            ));
        }
        let raw = escape_decode(&line[1..line.len() - 1])?;
        self.charge(raw.len() as u64)?;
        self.push_python2_str(heap, &raw)
    }

    /// BINSTRING / SHORT_BINSTRING.
    pub(super) fn load_binstring(&mut self, heap: &mut Heap, n: u64) -> Result<()> {
        let raw = self.read_payload(n)?.to_vec();
        self.push_python2_str(heap, &raw)
    }

    fn push_python2_str(&mut self, heap: &mut Heap, raw: &[u8]) -> Result<()> {
        let obj = match self.options.encoding {
            // CPython makes these with `PyBytes_FromStringAndSize`, which
            // shares one-byte values (BINBYTES' bytes are read into a new
            // object, so they are not shared).
            Encoding::Bytes => heap.new_bytes_shared(raw),
            encoding => {
                let text = decode(raw, encoding, self.options.errors)?;
                heap.new_str_from(text)
            }
        };
        self.push_new(obj)
    }

    /// BINBYTES / SHORT_BINBYTES / BINBYTES8, and BYTEARRAY8.
    pub(super) fn load_bytes(&mut self, heap: &mut Heap, n: u64, bytearray: bool) -> Result<()> {
        let bytes = self.read_payload(n)?;
        // A large payload goes into huge pages first (see `hugepages`), and
        // the object takes that buffer over.
        let obj = match (bytearray, bytes.len() >= LARGE_PAYLOAD) {
            (true, true) => heap.new_bytearray_from_vec(copy_large(bytes)),
            (true, false) => heap.new_bytearray(bytes),
            (false, true) => heap.new_bytes_from_vec(copy_large(bytes)),
            (false, false) => heap.new_bytes(bytes),
        };
        self.push_new(obj)
    }

    /// UNICODE: raw-unicode-escape text on one line.
    pub(super) fn load_unicode(&mut self, heap: &mut Heap) -> Result<()> {
        let line = self.read_line()?;
        let consumed = line.len() as u64;
        let text = raw_unicode_escape_decode(line)?;
        self.charge(consumed)?;
        self.push_new(heap.new_str_from(text))
    }

    /// BINUNICODE / SHORT_BINUNICODE / BINUNICODE8: UTF-8, surrogates allowed.
    pub(super) fn load_binunicode(&mut self, heap: &mut Heap, n: u64) -> Result<()> {
        let bytes = self.read_payload(n)?;
        let text = if bytes.len() >= LARGE_PAYLOAD {
            // Into huge pages, as a large bytes payload (see `hugepages`).
            heap.new_str_utf8_vec(copy_large(bytes))?
        } else {
            heap.new_str_utf8(bytes)?
        };
        self.push_new(text)
    }
}

/// Decodes a Python 2 `str` with the `encoding`/`errors` options.
fn decode(raw: &[u8], encoding: Encoding, errors: DecodeErrors) -> Result<Str> {
    let (name, limit) = match encoding {
        Encoding::Ascii => ("ascii", 0x80),
        Encoding::Latin1 => return Ok(Str::from_code_points(raw.iter().map(|&b| b as u32))?),
        Encoding::Utf8 => ("utf-8", 0),
        Encoding::Bytes => ("bytes", 0x100),
    };
    if encoding == Encoding::Utf8 {
        if let Ok(s) = std::str::from_utf8(raw) {
            return Ok(Str::from(s));
        }
    }
    let mut points = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let (cp, len) = if encoding == Encoding::Utf8 {
            utf8_char(&raw[i..]).unwrap_or((u32::MAX, 1))
        } else {
            let b = raw[i];
            (
                if (b as u32) < limit {
                    b as u32
                } else {
                    u32::MAX
                },
                1,
            )
        };
        if cp != u32::MAX {
            points.push(cp);
            i += len;
            continue;
        }
        let b = raw[i];
        match errors {
            DecodeErrors::Strict => {
                let reason = if encoding == Encoding::Utf8 {
                    "invalid start byte"
                } else {
                    "ordinal not in range(128)"
                };
                return Err(value_error(format!(
                    "'{name}' codec can't decode byte {b:#04x} in position {i}: {reason}"
                )));
            }
            DecodeErrors::Replace => points.push(0xFFFD),
            DecodeErrors::Ignore => {}
            DecodeErrors::SurrogateEscape => points.push(0xDC00 + b as u32),
            DecodeErrors::BackslashReplace => {
                points.extend(format!("\\x{b:02x}").chars().map(|c| c as u32))
            }
        }
        i += 1;
    }
    Ok(Str::from_code_points(points)?)
}

/// One UTF-8 character (no surrogates) at the start of `bytes`.
fn utf8_char(bytes: &[u8]) -> Option<(u32, usize)> {
    let len = match bytes.first()? {
        0x00..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let s = std::str::from_utf8(bytes.get(..len)?).ok()?;
    Some((s.chars().next()? as u32, len))
}
