//! `complex`: a pair of doubles and CPython's repr forms (`(1+2j)`, `-0j`, `(nan+infj)`).

use crate::kinds::float::write_float_repr;
use crate::{Error, Heap, Obj, Object, Result};

/// The payload of a `complex`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Complex {
    /// The real part.
    pub re: f64,
    /// The imaginary part.
    pub im: f64,
}

impl Heap {
    /// A `complex`.
    pub fn new_complex(&mut self, re: f64, im: f64) -> Obj {
        self.insert(Object::Complex(Complex { re, im }))
    }

    /// The value of a `complex`.
    pub fn as_complex(&self, obj: Obj) -> Result<Complex> {
        match &*self.get(obj)? {
            Object::Complex(c) => Ok(*c),
            other => Err(Error::type_error(format!(
                "expected complex, got '{}'",
                other.type_name()
            ))),
        }
    }
}

/// `repr(z)` as CPython writes it.
///
/// A real part of +0.0 is left out (`2j`, `-0j`); otherwise both parts are
/// shown in parentheses with the imaginary part's sign (`(1-0j)`, `(-0+1j)`).
/// Each part uses the float repr without the `.0` suffix (`(1+2j)`).
///
/// ```
/// use pyobj::kinds::complex::complex_repr;
/// assert_eq!(complex_repr(1.0, 2.0), "(1+2j)");
/// assert_eq!(complex_repr(0.0, -0.0), "-0j");
/// assert_eq!(complex_repr(-0.0, 1.0), "(-0+1j)");
/// assert_eq!(complex_repr(1.5, f64::NAN), "(1.5+nanj)");
/// ```
pub fn complex_repr(re: f64, im: f64) -> String {
    let mut out = String::new();
    write_complex_repr(&mut out, re, im);
    out
}

/// Appends `repr(complex(re, im))` to `out`; see [`complex_repr`].
pub fn write_complex_repr(out: &mut String, re: f64, im: f64) {
    if re == 0.0 && re.is_sign_positive() {
        write_part(out, im);
        out.push('j');
        return;
    }
    out.push('(');
    write_part(out, re);
    // CPython always shows the imaginary part's sign, '+' included, and nan
    // gets '+' (its sign bit is not shown).
    if im.is_nan() || im.is_sign_positive() {
        out.push('+');
    }
    write_part(out, im);
    out.push_str("j)");
}

/// A complex part: the float repr with CPython's `repr` of an integral part
/// dropping the `.0` (`complex_repr` uses format code 'r' without
/// Py_DTSF_ADD_DOT_0).
fn write_part(out: &mut String, value: f64) {
    let start = out.len();
    write_float_repr(out, value);
    if out[start..].ends_with(".0") {
        out.truncate(out.len() - 2);
    }
}
