//! Map keys for the direct writer: written like any scalar, and reported as
//! the Python value they are, so that a map with two keys that are one
//! dict key in Python (`1`, `1.0` and `True`; a `char` and a one-letter
//! `String`) goes the heap route, which keeps one entry as CPython does.
//!
//! Keys have their own serializer so that values, the common case, never
//! test whether they are a key. Only scalars are keys here: a tuple key
//! (hashable in Python) or a list or dict key (not hashable) goes the heap
//! route, which knows both.

use std::hash::{Hash, Hasher};

use num_bigint::BigInt;
use num_traits::FromPrimitive;
use rustc_hash::FxHasher;
use serde::ser::{self, Impossible, Serialize};

use super::writer::{Fallback, Result, Writer};

/// What a written key is, as far as dict equality goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Key {
    /// A hash of the key's Python value: `1`, `1.0` and `True` hash alike,
    /// as they are one dict key.
    Scalar(u64),
    /// A key equal to no other (a NaN: a fresh float object is only ever
    /// equal to itself).
    Unique,
}

/// A hash of a value of one Python type family (`tag`).
fn key_hash(tag: u8, value: impl Hash) -> Key {
    let mut hasher = FxHasher::default();
    tag.hash(&mut hasher);
    value.hash(&mut hasher);
    Key::Scalar(hasher.finish())
}

/// An int key (also a bool, or a float with an integral value).
fn int_key(value: i128) -> Key {
    key_hash(b'i', value)
}

/// An int key beyond `i128` (an int that fits is always an [`int_key`]).
fn big_key(value: &BigInt) -> Key {
    key_hash(b'B', value.to_signed_bytes_le())
}

fn float_key(value: f64) -> Key {
    if value.is_nan() {
        return Key::Unique;
    }
    if value.fract() == 0.0 {
        // Equal to the int of the same value.
        const LIMIT: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0; // 2**127
        if (-LIMIT..LIMIT).contains(&value) {
            return int_key(value as i128);
        }
        if let Some(big) = BigInt::from_f64(value) {
            return big_key(&big);
        }
    }
    key_hash(b'f', value.to_bits())
}

fn str_key(value: &str) -> Key {
    key_hash(b's', value)
}

fn none_key() -> Key {
    key_hash(b'n', ())
}

/// Writes a map key through the [`Writer`] and tells which key it is.
pub(super) struct KeyWriter<'a>(pub(super) &'a mut Writer);

/// The integer widths that fit an `i128`.
macro_rules! int_keys {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<Key> {
            self.0.int(v.into())?;
            Ok(int_key(v.into()))
        }
    )*};
}

impl ser::Serializer for KeyWriter<'_> {
    type Ok = Key;
    type Error = Fallback;
    type SerializeSeq = Impossible<Key, Fallback>;
    type SerializeTuple = Impossible<Key, Fallback>;
    type SerializeTupleStruct = Impossible<Key, Fallback>;
    type SerializeTupleVariant = Impossible<Key, Fallback>;
    type SerializeMap = Impossible<Key, Fallback>;
    type SerializeStruct = Impossible<Key, Fallback>;
    type SerializeStructVariant = Impossible<Key, Fallback>;

    fn serialize_bool(self, v: bool) -> Result<Key> {
        self.0.bool(v)?;
        Ok(int_key(i128::from(v)))
    }
    int_keys!(
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_i128: i128,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64
    );
    fn serialize_u128(self, v: u128) -> Result<Key> {
        if let Ok(v) = i128::try_from(v) {
            return self.serialize_i128(v);
        }
        let big = BigInt::from(v);
        self.0.begin()?;
        self.0.bigint(&big)?;
        Ok(big_key(&big))
    }
    fn serialize_f32(self, v: f32) -> Result<Key> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<Key> {
        self.0.float(v)?;
        Ok(float_key(v))
    }
    fn serialize_char(self, v: char) -> Result<Key> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<Key> {
        if self.0.wants_bigint_text() {
            let number = self.0.bigint_str(v)?;
            return Ok(match i128::try_from(&number) {
                Ok(small) => int_key(small),
                Err(_) => big_key(&number),
            });
        }
        self.0.str(v)?;
        Ok(str_key(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Key> {
        self.0.bytes(v)?;
        Ok(key_hash(b'b', v))
    }
    fn serialize_none(self) -> Result<Key> {
        self.0.none()?;
        Ok(none_key())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Key> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Key> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Key> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<Key> {
        // A fresh str, as for a value.
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Key> {
        if name == reduce::serde::BIGINT_TOKEN {
            return self.0.bigint_newtype(|w| value.serialize(KeyWriter(w)));
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Key> {
        Err(Fallback)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(Fallback)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(Fallback)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(Fallback)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(Fallback)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(Fallback)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(Fallback)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(Fallback)
    }
}
