//! `tuple`: an immutable sequence of handles.

use crate::{Error, Heap, Obj, Object, Result};

impl Heap {
    /// A `tuple` of the given items. The empty tuple is a singleton, as in CPython.
    pub fn new_tuple(&mut self, items: Vec<Obj>) -> Obj {
        if items.is_empty() {
            return self.empty_tuple;
        }
        self.insert(Object::Tuple(items.into_boxed_slice()))
    }

    /// The items of a `tuple`.
    pub fn as_tuple(&self, obj: Obj) -> Result<&[Obj]> {
        match self.slot_or_int_kind(obj)? {
            Object::Tuple(items) => Ok(items),
            other => Err(Error::type_error(format!(
                "expected tuple, got '{}'",
                other.type_name()
            ))),
        }
    }

    /// The items of a `tuple`, to fill in place.
    ///
    /// Tuples are immutable in Python, but building a recursive tuple (as
    /// unpickling does) needs to patch an item after the tuple has a handle.
    pub fn tuple_mut(&mut self, obj: Obj) -> Result<&mut [Obj]> {
        match self.get_mut_expecting(obj, "tuple")? {
            Object::Tuple(items) => Ok(items),
            other => Err(Error::type_error(format!(
                "expected tuple, got '{}'",
                other.type_name()
            ))),
        }
    }
}
