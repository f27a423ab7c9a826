//! The two text codecs protocol 0 needs, as CPython implements them:
//! `escape_decode` (STRING's quoted literals) and `raw-unicode-escape`
//! (UNICODE lines). The unpickler and the disassembler share them.

use pyobj::Str;

use crate::{Error, ErrorKind, Result};

fn value_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Object(pyobj::ErrorKind::Value), message)
}

/// Python's `codecs.escape_decode`: the escapes of a bytes literal.
pub(crate) fn escape_decode(body: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let Some(&c) = body.get(i) else {
            return Err(value_error("Trailing \\ in string"));
        };
        i += 1;
        match c {
            b'\n' => {}
            b'\\' => out.push(b'\\'),
            b'\'' => out.push(b'\''),
            b'"' => out.push(b'"'),
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'0'..=b'7' => {
                let mut value = (c - b'0') as u32;
                for _ in 0..2 {
                    match body.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            value = value * 8 + (d - b'0') as u32;
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push(value as u8);
            }
            b'x' => {
                let hex = body.get(i..i + 2).and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) if hex.is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit())) => {
                        out.push(v);
                        i += 2;
                    }
                    _ => {
                        return Err(value_error(format!(
                            "invalid \\x escape at position {start}"
                        )))
                    }
                }
            }
            other => {
                // Unknown escapes are kept as written.
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

/// `raw-unicode-escape`: only `\uXXXX` and `\UXXXXXXXX` are escapes (an odd
/// run of backslashes before `u`), every other byte is a Latin-1 code point.
pub(crate) fn raw_unicode_escape_decode(bytes: &[u8]) -> Result<Str> {
    // Plain ASCII without escapes is the same text in UTF-8.
    if bytes.is_ascii() && !bytes.contains(&b'\\') {
        return Ok(Str::from_utf8_surrogatepass(bytes)?);
    }
    let mut points = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\\' && matches!(bytes.get(i + 1), Some(b'u' | b'U')) {
            // Only a backslash that is not itself escaped starts an escape.
            let run = bytes[..i].iter().rev().take_while(|&&c| c == b'\\').count();
            if run % 2 == 0 {
                let width = if bytes[i + 1] == b'u' { 4 } else { 8 };
                let digits = bytes.get(i + 2..i + 2 + width);
                let value = digits
                    .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|d| std::str::from_utf8(d).ok())
                    .and_then(|d| u32::from_str_radix(d, 16).ok());
                match value {
                    Some(cp) if cp <= 0x10FFFF => {
                        points.push(cp);
                        i += 2 + width;
                        continue;
                    }
                    Some(_) => {
                        return Err(value_error(format!(
                            "'rawunicodeescape' codec can't decode bytes in position {}-{}: \\Uxxxxxxxx out of range",
                            i,
                            i + 1 + width
                        )))
                    }
                    None => {
                        let end = i + 1 + bytes[i + 2..].iter().take(width).take_while(|d| d.is_ascii_hexdigit()).count();
                        return Err(value_error(format!(
                            "'rawunicodeescape' codec can't decode bytes in position {}-{}: truncated \\{}{} escape",
                            i,
                            end,
                            bytes[i + 1] as char,
                            "X".repeat(width)
                        )))
                    }
                }
            }
        }
        points.push(b as u32);
        i += 1;
    }
    Ok(Str::from_code_points(points)?)
}
