//! `float`: constructors and Python's shortest round-trip `repr`.

use crate::{Error, Heap, Obj, Object, Result};

impl Heap {
    /// A `float`.
    pub fn new_float(&mut self, value: f64) -> Obj {
        self.objects.insert(Object::Float(value))
    }

    /// The value of a `float`.
    pub fn as_float(&self, obj: Obj) -> Result<f64> {
        match self.get(obj)? {
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
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
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
        out.push_str(&magnitude.to_string());
    } else if exponent < 0 {
        out.push_str("0.");
        for _ in 0..(-exponent - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let point = exponent as usize + 1;
        if digits.len() <= point {
            out.push_str(&digits);
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
fn shortest_scientific(value: f64) -> String {
    let shortest = format!("{value:e}");
    let mantissa = shortest
        .split_once('e')
        .map_or(shortest.as_str(), |(m, _)| m);
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
    let nearest = format!("{:.*e}", digits.saturating_sub(1), value);
    if nearest != shortest && nearest.parse::<f64>().is_ok_and(|parsed| parsed == value) {
        nearest
    } else {
        shortest
    }
}
