//! `list`: a growable sequence of handles.

use thin_vec::ThinVec;

use crate::{Error, Heap, Obj, Object, Result};

impl Heap {
    /// A `list` of the given items.
    pub fn new_list(&mut self, items: Vec<Obj>) -> Obj {
        self.insert(Object::List(ThinVec::from(items)))
    }

    /// The items of a `list`.
    pub fn as_list(&self, obj: Obj) -> Result<&[Obj]> {
        match self.slot_or_int_kind(obj)? {
            Object::List(items) => Ok(items),
            other => Err(Error::type_error(format!(
                "expected list, got '{}'",
                other.type_name()
            ))),
        }
    }

    /// The items of a `list`, to change in place.
    pub fn list_mut(&mut self, obj: Obj) -> Result<&mut ThinVec<Obj>> {
        match self.get_mut_expecting(obj, "list")? {
            Object::List(items) => Ok(items),
            other => Err(Error::type_error(format!(
                "expected list, got '{}'",
                other.type_name()
            ))),
        }
    }

    /// `list.append(item)`.
    pub fn list_append(&mut self, list: Obj, item: Obj) -> Result<()> {
        self.list_mut(list)?.push(item);
        Ok(())
    }
}
