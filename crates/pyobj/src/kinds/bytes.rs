//! `bytes` and `bytearray`: constructors, accessors and their repr.

use thin_vec::ThinVec;

use crate::{Error, Heap, Obj, Object, Result};

impl Heap {
    /// A `bytes`.
    pub fn new_bytes(&mut self, value: &[u8]) -> Obj {
        self.objects.insert(Object::Bytes(value.into()))
    }

    /// A `bytearray`.
    pub fn new_bytearray(&mut self, value: &[u8]) -> Obj {
        self.objects
            .insert(Object::ByteArray(ThinVec::from(value)))
    }

    /// The contents of a `bytes` or `bytearray`.
    pub fn as_bytes(&self, obj: Obj) -> Result<&[u8]> {
        match self.get(obj)? {
            Object::Bytes(b) => Ok(b),
            Object::ByteArray(b) => Ok(b),
            other => Err(Error::type_error(format!(
                "a bytes-like object is required, not '{}'",
                other.type_name()
            ))),
        }
    }

    /// The contents of a `bytearray`, to change in place.
    pub fn bytearray_mut(&mut self, obj: Obj) -> Result<&mut ThinVec<u8>> {
        match self.get_mut(obj)? {
            Object::ByteArray(b) => Ok(b),
            other => Err(Error::type_error(format!(
                "expected bytearray, got '{}'",
                other.type_name()
            ))),
        }
    }
}
