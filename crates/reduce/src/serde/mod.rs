//! Serde over heap objects (the `serde` feature): any `Serialize` value
//! becomes heap objects, and any `Deserialize` type is read from them,
//! without losing what the heap keeps (shared objects are read as many times
//! as they are reached; cycles are an error, not a stack overflow).
//!
//! | Rust (serde data model) | heap object |
//! |---|---|
//! | `bool`, integers, floats | `bool`, `int` (any size), `float` |
//! | `char`, `String`, `&str` | `str` |
//! | bytes (`serde_bytes`, [`Bytes`]) | `bytes` (and `bytearray` when reading) |
//! | `None` / `Some(v)`, `()`, unit structs | `None` / `v`, `None`, `None` |
//! | sequences (`Vec`, sets…) | `list` (and `tuple`, `set`, `frozenset` when reading) |
//! | tuples, tuple structs | `tuple` (and `list` when reading) |
//! | maps | `dict` |
//! | structs | `dict` of field names, or an instance of a class given to [`Serializer::class_for`]; read from dicts and from instances' `__dict__` and slots |
//! | enum unit variants | the variant name as a `str` |
//! | other enum variants | `{"Variant": value}`, as `serde_json` writes them |
//! | [`BigInt`](num_bigint::BigInt) with [`bigint`] | `int` of any size |
//!
//! ```
//! use pyobj::Heap;
//! use reduce::serde::{from_object, to_object};
//! #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
//! struct User { name: String, age: u8, tags: Vec<String> }
//!
//! let mut heap = Heap::new();
//! let ada = User { name: "Ada".into(), age: 36, tags: vec!["math".into()] };
//! let obj = to_object(&mut heap, &ada)?;
//! assert_eq!(heap.repr(obj)?, "{'name': 'Ada', 'age': 36, 'tags': ['math']}");
//! assert_eq!(from_object::<User>(&heap, obj)?, ada);
//! # Ok::<(), reduce::serde::Error>(())
//! ```

mod de;
mod error;
mod ser;

pub use de::{from_object, Deserializer};
pub use error::Error;
pub use ser::{to_object, Serializer};

/// Bytes that serialize as a Python `bytes` object (serde's `Vec<u8>`
/// is a sequence of ints, as in `serde_json`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bytes(pub Vec<u8>);

impl serde::Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
        }
        deserializer.deserialize_byte_buf(Visitor)
    }
}

/// The newtype name by which [`bigint`] asks this module's serializer and
/// deserializer for an `int` of any size, spelled as decimal text (public
/// for `pickle`'s direct writer, which must understand the same request).
#[doc(hidden)]
pub const BIGINT_TOKEN: &str = "$reduce::serde::BigInt";

/// `#[serde(with = "reduce::serde::bigint")]` for a
/// [`BigInt`](num_bigint::BigInt) field: an `int` of any size on the heap.
///
/// ```
/// use num_bigint::BigInt;
/// use pyobj::Heap;
/// use reduce::serde::{from_object, to_object};
/// #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
/// struct Big(#[serde(with = "reduce::serde::bigint")] BigInt);
///
/// let mut heap = Heap::new();
/// let value = Big("123456789012345678901234567890".parse().unwrap());
/// let obj = to_object(&mut heap, &value)?;
/// assert_eq!(heap.repr(obj)?, "123456789012345678901234567890");
/// assert_eq!(from_object::<Big>(&heap, obj)?, value);
/// # Ok::<(), reduce::serde::Error>(())
/// ```
pub mod bigint {
    use num_bigint::BigInt;

    /// Serializes `value` as an `int` (through this module's serializer;
    /// other serializers see its decimal text).
    pub fn serialize<S: serde::Serializer>(value: &BigInt, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(super::BIGINT_TOKEN, &value.to_string())
    }

    /// Reads an `int` of any size (or its decimal text).
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BigInt, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = BigInt;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an int")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<BigInt, E> {
                Ok(v.into())
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<BigInt, E> {
                Ok(v.into())
            }
            fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<BigInt, E> {
                Ok(v.into())
            }
            fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<BigInt, E> {
                Ok(v.into())
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<BigInt, E> {
                v.parse()
                    .map_err(|_| E::custom(format!("not an integer: {v:?}")))
            }
        }
        d.deserialize_newtype_struct(super::BIGINT_TOKEN, Visitor)
    }
}
