//! INT, LONG, LONG1, LONG4 and FLOAT: the numbers whose arguments need parsing.

use num_bigint::{BigInt, Sign};
use num_traits::Num;
use pyobj::Heap;

use super::Unpickler;
use crate::read::Read;
use crate::{Error, ErrorKind, Result};

/// CPython refuses int ↔ str conversions above this many digits.
const MAX_STR_DIGITS: usize = 4300;

impl<R: Read> Unpickler<R> {
    /// INT: C `strtol` semantics (base 0), `I00`/`I01` as the bools.
    pub(super) fn load_int(&mut self, heap: &mut Heap) -> Result<()> {
        let line = self.read_line()?;
        if let Some(value) = small_decimal(line) {
            return self.push_new(heap.new_int(value));
        }
        let line = line.to_vec();
        if line == b"00" {
            return self.push(heap.bool(false));
        }
        if line == b"01" {
            return self.push(heap.bool(true));
        }
        let value = parse_int_base0(&line).ok_or_else(|| {
            Error::new(
                ErrorKind::Object(pyobj::ErrorKind::Value),
                "could not convert string to int",
            )
        })?;
        self.charge(line.len() as u64)?;
        self.push_new(heap.new_bigint(value))
    }

    /// LONG: an optional trailing `L`, then Python `int(text, 0)`.
    pub(super) fn load_long(&mut self, heap: &mut Heap) -> Result<()> {
        let line = self.read_line()?;
        if let Some(value) = small_decimal(line.strip_suffix(b"L").unwrap_or(line)) {
            return self.push_new(heap.new_int(value));
        }
        let mut line = line.to_vec();
        if line.last() == Some(&b'L') {
            line.pop();
        }
        let value = parse_int_base0(&line).ok_or_else(|| {
            Error::new(
                ErrorKind::Object(pyobj::ErrorKind::Value),
                format!(
                    "invalid literal for int() with base 10: {}",
                    super::python_bytes_text_repr(&line)
                ),
            )
        })?;
        self.charge(line.len() as u64)?;
        self.push_new(heap.new_bigint(value))
    }

    pub(super) fn load_long4(&mut self, heap: &mut Heap) -> Result<()> {
        let n = self.read_u32()? as i32;
        if n < 0 {
            return Err(Error::new(
                ErrorKind::Unpickling,
                "LONG pickle has negative byte count",
            ));
        }
        self.load_long_bytes(heap, n as u64)
    }

    /// LONG1/LONG4 payload: little-endian two's complement.
    pub(super) fn load_long_bytes(&mut self, heap: &mut Heap, n: u64) -> Result<()> {
        let bytes = self.read_payload(n)?;
        let value = if bytes.is_empty() {
            BigInt::from(0)
        } else {
            BigInt::from_signed_bytes_le(bytes)
        };
        self.push_new(heap.new_bigint(value))
    }

    /// FLOAT: `PyOS_string_to_double` on the line — no surrounding spaces,
    /// no underscores; overflow is an error.
    pub(super) fn load_float(&mut self, heap: &mut Heap) -> Result<()> {
        let line = self.read_line()?;
        // What protocol 0 writes (`repr(x)` of a finite float) parses on the
        // spot; anything else takes the checked path below.
        let plain = !line.is_empty()
            && line
                .iter()
                .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e'));
        if plain {
            if let Some(value) = std::str::from_utf8(line)
                .ok()
                .and_then(|t| t.parse::<f64>().ok())
                .filter(|v| v.is_finite())
            {
                return self.push_new(heap.new_float(value));
            }
        }
        let line = line.to_vec();
        let text = std::str::from_utf8(&line).unwrap_or("");
        // CPython quotes the raw text, newline included, without escaping.
        let shown = || format!("'{}\n'", String::from_utf8_lossy(&line));
        let valid = !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        let value: f64 = match text.parse() {
            Ok(v) if valid => v,
            _ => {
                return Err(Error::new(
                    ErrorKind::Object(pyobj::ErrorKind::Value),
                    format!("could not convert string to float: {}", shown()),
                ))
            }
        };
        if value.is_infinite() && !text.to_ascii_lowercase().contains("inf") {
            return Err(Error::new(
                ErrorKind::Object(pyobj::ErrorKind::Overflow),
                format!("value too large to convert to float: {}", shown()),
            ));
        }
        self.push_new(heap.new_float(value))
    }
}

/// The usual INT/LONG text, an optional `-` and up to 18 decimal digits
/// without a leading zero, read without the general parser's allocations.
#[inline]
fn small_decimal(line: &[u8]) -> Option<i64> {
    let (negative, digits) = match line.split_first()? {
        (b'-', rest) => (true, rest),
        _ => (false, line),
    };
    // A leading zero means octal to strtol ("010" is 8): the general path.
    if digits.len() > 18 || (digits.first() == Some(&b'0') && digits.len() > 1) {
        return None;
    }
    let value = i64::try_from(super::plain_decimal(digits)?).ok()?;
    Some(if negative { -value } else { value })
}

/// Python's `int(text, 0)` (and what C `strtol` with base 0 accepts):
/// optional sign, `0x`/`0o`/`0b` prefixes, a leading `0` meaning octal for
/// strtol, underscores between digits, surrounding whitespace.
fn parse_int_base0(line: &[u8]) -> Option<BigInt> {
    let text = std::str::from_utf8(line).ok()?.trim();
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = digits.to_ascii_lowercase();
    let (radix, body) = if let Some(rest) = lower.strip_prefix("0x") {
        (16, rest.to_string())
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (8, rest.to_string())
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (2, rest.to_string())
    } else if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|b| b.is_ascii_digit())
    {
        // strtol base 0: a leading zero means octal ("010" is 8).
        (8, lower[1..].to_string())
    } else {
        (10, lower.clone())
    };
    let body = body.trim_start_matches('_');
    if body.is_empty() || body.ends_with('_') || body.contains("__") {
        return None;
    }
    let clean: String = body.chars().filter(|c| *c != '_').collect();
    if radix == 10 && clean.len() > MAX_STR_DIGITS {
        return None;
    }
    let magnitude = BigInt::from_str_radix(&clean, radix).ok()?;
    if magnitude.sign() == Sign::Minus {
        return None;
    }
    Some(if negative { -magnitude } else { magnitude })
}
