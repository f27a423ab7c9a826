//! `float`: constructors and Python's shortest round-trip `repr`.

use std::fmt::Write;

use crate::{Error, Heap, Obj, Object, Result};

impl Heap {
    /// A `float`.
    pub fn new_float(&mut self, value: f64) -> Obj {
        self.insert(Object::Float(value))
    }

    /// The value of a `float`.
    pub fn as_float(&self, obj: Obj) -> Result<f64> {
        match &*self.get(obj)? {
            Object::Float(f) => Ok(*f),
            other => Err(Error::type_error(format!(
                "expected float, got '{}'",
                other.type_name()
            ))),
        }
    }
}

/// `repr(x)` for a float, exactly as CPython writes it: the shortest digits
/// that round-trip, positional for decimal exponents from -4 to 15 and
/// scientific (`1e+16`, `1e-05`) outside, `.0` added to integral values,
/// `nan`, `inf`, `-inf`.
///
/// ```
/// use pyobj::kinds::float::float_repr;
/// assert_eq!(float_repr(0.1), "0.1");
/// assert_eq!(float_repr(1e16), "1e+16");
/// assert_eq!(float_repr(1e-5), "1e-05");
/// assert_eq!(float_repr(-0.0), "-0.0");
/// assert_eq!(float_repr(123.0), "123.0");
/// ```
pub fn float_repr(value: f64) -> String {
    let mut out = String::new();
    write_float_repr(&mut out, value);
    out
}

/// Appends `repr(value)` to `out`; see [`float_repr`].
///
/// Allocates nothing but `out`'s growth: protocol 0 pickles and `repr` of
/// float-heavy data call this once per float.
pub fn write_float_repr(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str("nan");
        return;
    }
    if value.is_infinite() {
        out.push_str(if value > 0.0 { "inf" } else { "-inf" });
        return;
    }
    let sci = shortest_scientific(value);
    let sci = sci.as_str();
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa),
    };
    // At most 17 significant digits: the mantissa without its point.
    let mut digit_buf = [0u8; 24];
    let mut count = 0;
    for b in mantissa.bytes().filter(u8::is_ascii_digit) {
        digit_buf[count] = b;
        count += 1;
    }
    let digits = std::str::from_utf8(&digit_buf[..count]).unwrap_or("0");
    if negative {
        out.push('-');
    }
    // CPython's float_repr_style 'short' switches to exponent notation when
    // the decimal point position falls outside (-4, 16].
    if !(-4..16).contains(&exponent) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exponent < 0 { '-' } else { '+' });
        let magnitude = exponent.unsigned_abs();
        if magnitude < 10 {
            out.push('0');
        }
        let _ = write!(out, "{magnitude}");
    } else if exponent < 0 {
        out.push_str("0.");
        for _ in 0..(-exponent - 1) {
            out.push('0');
        }
        out.push_str(digits);
    } else {
        let point = exponent as usize + 1;
        if digits.len() <= point {
            out.push_str(digits);
            for _ in digits.len()..point {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
}

/// A `fmt::Write` into a fixed stack buffer, for formatting a float without
/// allocating; the longest `{:e}` of an f64 is 24 bytes.
struct StackText {
    buf: [u8; 40],
    len: usize,
}

impl StackText {
    fn new() -> StackText {
        StackText {
            buf: [0; 40],
            len: 0,
        }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if end > self.buf.len() {
            return Err(std::fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// The shortest round-tripping digits of a finite `value` as `d.ddde<exp>`,
/// chosen as CPython's dtoa chooses them.
///
/// Rust's `{:e}` finds the shortest digit count that round-trips, but when
/// the value lies exactly halfway between the two nearest strings of that
/// length it rounds the last digit up (97482315388243.625 gives `...63`),
/// where CPython's dtoa rounds half to even (`...62`). Rust's fixed-precision
/// formatting is correctly rounded half to even, so reformatting at the same
/// digit count gives the nearest string; it is used whenever it round-trips,
/// which it does on every tie (both neighbours of a tie are equally near).
/// A tie needs two different strings of the shortest length that read back
/// as the same double, which cannot happen below 16 digits (any two
/// 15-digit decimals give different doubles: `DBL_DIG` is 15), so shorter
/// results skip the second formatting.
fn shortest_scientific(value: f64) -> StackText {
    let mut shortest = StackText::new();
    let _ = write!(shortest, "{value:e}");
    let text = shortest.as_str();
    let mantissa = text.split_once('e').map_or(text, |(m, _)| m);
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
    if digits < 16 {
        return shortest;
    }
    let mut nearest = StackText::new();
    let _ = write!(nearest, "{:.*e}", digits.saturating_sub(1), value);
    if nearest.as_str() != text
        && nearest
            .as_str()
            .parse::<f64>()
            .is_ok_and(|parsed| parsed == value)
    {
        nearest
    } else {
        shortest
    }
}
