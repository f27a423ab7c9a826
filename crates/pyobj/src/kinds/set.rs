//! `set` and `frozenset`: hashed collections kept in insertion order.

use crate::kinds::dict::Dict;
use crate::{Error, Heap, Obj, Object, Result};

/// The payload of a `set` or `frozenset`.
///
/// CPython iterates a set in hash-table order; we keep insertion order
/// instead, so a set loaded from a pickle re-pickles its items in the order
/// they came, which is what makes our output byte-identical to the input.
/// The table is a [`Dict`] whose values are unused.
#[derive(Clone, Debug, Default)]
pub struct Set {
    table: Dict,
}

impl Set {
    /// An empty set payload.
    pub fn new() -> Set {
        Set::default()
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// The items in insertion order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = Obj> + '_ {
        self.table.keys()
    }

    pub(crate) fn table(&self) -> &Dict {
        &self.table
    }
}

impl Heap {
    /// A `set` of the given items (duplicates dropped, first occurrence kept).
    pub fn new_set(&mut self, items: impl IntoIterator<Item = Obj>) -> Result<Obj> {
        let set = self.build_set(items)?;
        Ok(self.insert(Object::Set(Box::new(set))))
    }

    /// A `frozenset` of the given items (duplicates dropped, first occurrence kept).
    pub fn new_frozenset(&mut self, items: impl IntoIterator<Item = Obj>) -> Result<Obj> {
        let set = self.build_set(items)?;
        Ok(self.insert(Object::FrozenSet(Box::new(set))))
    }

    fn build_set(&self, items: impl IntoIterator<Item = Obj>) -> Result<Set> {
        let mut set = Set::new();
        for item in items {
            let hash = self.hash(item)?;
            if set.table.find(self, item, hash)?.is_none() {
                set.table.insert_new(hash, item, item);
            }
        }
        Ok(set)
    }

    /// The payload of a `set` or `frozenset`.
    pub fn as_set(&self, obj: Obj) -> Result<&Set> {
        match self.slot_or_int_kind(obj)? {
            Object::Set(s) | Object::FrozenSet(s) => Ok(s),
            other => Err(Error::type_error(format!(
                "expected set or frozenset, got '{}'",
                other.type_name()
            ))),
        }
    }

    fn set_payload_mut(&mut self, obj: Obj) -> Result<&mut Set> {
        match self.get_mut_expecting(obj, "set")? {
            Object::Set(s) => Ok(s),
            other => Err(Error::type_error(format!(
                "expected set, got '{}'",
                other.type_name()
            ))),
        }
    }

    /// `set.add(item)`. Only for `set`; a `frozenset` is immutable.
    pub fn set_add(&mut self, set: Obj, item: Obj) -> Result<()> {
        let hash = self.hash(item)?;
        let payload = match self.slot_or_int_kind(set)? {
            Object::Set(s) => s,
            other => {
                return Err(Error::type_error(format!(
                    "expected set, got '{}'",
                    other.type_name()
                )))
            }
        };
        if payload.table.find(self, item, hash)?.is_none() {
            self.set_payload_mut(set)?
                .table
                .insert_new(hash, item, item);
        }
        Ok(())
    }

    /// `item in set` for a `set` or `frozenset`.
    pub fn set_contains(&self, set: Obj, item: Obj) -> Result<bool> {
        let hash = self.hash(item)?;
        Ok(self.as_set(set)?.table.find(self, item, hash)?.is_some())
    }

    /// `set.discard(item)`: whether the item was present.
    pub fn set_discard(&mut self, set: Obj, item: Obj) -> Result<bool> {
        let hash = self.hash(item)?;
        let Some(position) = self.as_set(set)?.table.find(self, item, hash)? else {
            return Ok(false);
        };
        Ok(self.set_payload_mut(set)?.table.take_at(position).is_some())
    }
}
