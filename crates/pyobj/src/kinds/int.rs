//! `int`: a machine word when it fits, a `BigInt` beyond, never both for one value.

use num_bigint::BigInt;
use num_traits::{ToPrimitive, Zero};

use crate::{Error, Heap, Obj, Object, Result};

/// The payload of an `int`.
///
/// Normalised: a value that fits in an `i64` is always `Small`, so equality of
/// payloads is equality of values and the fast path is taken whenever it can be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Int {
    /// A value in `i64` range.
    Small(i64),
    /// A value outside `i64` range.
    Big(Box<BigInt>),
}

impl Int {
    /// The normalised payload for `value`.
    pub fn from_bigint(value: BigInt) -> Int {
        match value.to_i64() {
            Some(small) => Int::Small(small),
            None => Int::Big(Box::new(value)),
        }
    }

    /// The value as a `BigInt`, whatever its size.
    pub fn to_bigint(&self) -> BigInt {
        match self {
            Int::Small(v) => BigInt::from(*v),
            Int::Big(b) => (**b).clone(),
        }
    }

    /// The value as an `i64`, if it fits.
    pub fn to_i64(&self) -> Option<i64> {
        match self {
            Int::Small(v) => Some(*v),
            Int::Big(_) => None,
        }
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> bool {
        match self {
            Int::Small(v) => *v == 0,
            Int::Big(b) => b.is_zero(),
        }
    }
}

impl std::fmt::Display for Int {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Int::Small(v) => write!(f, "{v}"),
            Int::Big(b) => write!(f, "{b}"),
        }
    }
}

impl Heap {
    /// An `int`. Nearly every machine-sized value is carried in the handle
    /// itself ([`Obj::int`]) and takes no heap slot.
    #[inline]
    pub fn new_int(&mut self, value: i64) -> Obj {
        match Obj::int(value) {
            Some(immediate) => immediate,
            None => self.insert(Object::Int(Int::Small(value))),
        }
    }

    /// An `int` of any size; stored as a machine word when it fits.
    pub fn new_bigint(&mut self, value: BigInt) -> Obj {
        match value.to_i64() {
            Some(small) => self.new_int(small),
            None => self.insert(Object::Int(Int::Big(Box::new(value)))),
        }
    }

    /// The payload of an `int` (or the 0/1 of a `bool`, as Python treats
    /// `bool` as a subclass of `int`).
    pub fn as_int(&self, obj: Obj) -> Result<Int> {
        if let Some(value) = obj.as_immediate_int() {
            return Ok(Int::Small(value));
        }
        match &*self.get(obj)? {
            Object::Int(i) => Ok(i.clone()),
            Object::Bool(b) => Ok(Int::Small(*b as i64)),
            other => Err(Error::type_error(format!(
                "expected int, got '{}'",
                other.type_name()
            ))),
        }
    }

    /// The value of an `int` (or `bool`) as `i64`; an overflow error if it does not fit.
    pub fn as_i64(&self, obj: Obj) -> Result<i64> {
        match self.as_int(obj)? {
            Int::Small(v) => Ok(v),
            Int::Big(_) => Err(Error::new(
                crate::ErrorKind::Overflow,
                "Python int too large to convert to i64",
            )),
        }
    }
}
