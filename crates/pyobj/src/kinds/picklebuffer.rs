//! `pickle.PickleBuffer`: a view of a bytes-like object that protocol 5 may
//! send out of band.
//!
//! CPython's `PickleBuffer` wraps any object exporting the buffer protocol;
//! here the exporters are `bytes` and `bytearray`. The view is read-only when
//! its target is `bytes`, or when it was made read-only explicitly (what the
//! unpickler's `READONLY_BUFFER` does to a writable buffer, and what
//! `memoryview.toreadonly()` gives in Python).

use crate::{Error, Heap, Obj, Object, Result};

/// The payload of a `pickle.PickleBuffer`.
#[derive(Clone, Copy, Debug)]
pub struct PickleBuffer {
    pub(crate) target: Obj,
    pub(crate) readonly: bool,
}

impl PickleBuffer {
    /// The `bytes` or `bytearray` object the view exposes.
    pub fn target(&self) -> Obj {
        self.target
    }

    /// Whether the view refuses writes (Python's `memoryview(pb).readonly`).
    pub fn readonly(&self) -> bool {
        self.readonly
    }
}

impl Heap {
    /// `pickle.PickleBuffer(target)` for a `bytes` (read-only view) or
    /// `bytearray` (writable view) object.
    ///
    /// ```
    /// use pyobj::Heap;
    /// let mut heap = Heap::new();
    /// let data = heap.new_bytearray(b"abc");
    /// let view = heap.new_picklebuffer(data)?;
    /// assert!(!heap.as_picklebuffer(view)?.readonly());
    /// assert_eq!(heap.picklebuffer_bytes(view)?, b"abc");
    /// # Ok::<(), pyobj::Error>(())
    /// ```
    ///
    /// # Errors
    /// A type error if `target` is not bytes-like, as Python's
    /// "a bytes-like object is required".
    pub fn new_picklebuffer(&mut self, target: Obj) -> Result<Obj> {
        let readonly = match &*self.get(target)? {
            Object::Bytes(_) => true,
            Object::ByteArray(_) => false,
            // A view of a view exposes the same memory with the same rights.
            Object::PickleBuffer(inner) => {
                let inner = *inner;
                return Ok(self.insert(Object::PickleBuffer(inner)));
            }
            other => {
                return Err(Error::type_error(format!(
                    "a bytes-like object is required, not '{}'",
                    other.type_name()
                )))
            }
        };
        Ok(self.insert(Object::PickleBuffer(PickleBuffer { target, readonly })))
    }

    /// A read-only view of the same memory as `buffer` (a `bytes`, `bytearray`
    /// or `PickleBuffer`): `buffer` itself if it is already read-only, as
    /// `memoryview(buffer).toreadonly()` is only needed for writable ones.
    ///
    /// # Errors
    /// A type error if `buffer` is not bytes-like.
    pub fn readonly_view(&mut self, buffer: Obj) -> Result<Obj> {
        let target = match &*self.get(buffer)? {
            Object::Bytes(_) => return Ok(buffer),
            Object::PickleBuffer(view) if view.readonly => return Ok(buffer),
            Object::PickleBuffer(view) => view.target,
            Object::ByteArray(_) => buffer,
            other => {
                return Err(Error::type_error(format!(
                    "a bytes-like object is required, not '{}'",
                    other.type_name()
                )))
            }
        };
        Ok(self.insert(Object::PickleBuffer(PickleBuffer {
            target,
            readonly: true,
        })))
    }

    /// The payload of a `PickleBuffer`.
    ///
    /// # Errors
    /// A type error for any other kind.
    pub fn as_picklebuffer(&self, obj: Obj) -> Result<&PickleBuffer> {
        match self.slot_or_int_kind(obj)? {
            Object::PickleBuffer(view) => Ok(view),
            other => Err(Error::type_error(format!(
                "expected PickleBuffer, got '{}'",
                other.type_name()
            ))),
        }
    }

    /// The bytes a `PickleBuffer` exposes (`bytes(pb.raw())`).
    ///
    /// # Errors
    /// A type error if `obj` is not a `PickleBuffer` over bytes-like memory.
    pub fn picklebuffer_bytes(&self, obj: Obj) -> Result<&[u8]> {
        let target = self.as_picklebuffer(obj)?.target;
        self.as_bytes(target)
    }
}
