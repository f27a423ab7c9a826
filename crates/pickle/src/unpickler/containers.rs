//! Tuple, list, dict, set and frozenset builders; APPEND(S), SETITEM(S), ADDITEMS.

use pyobj::{Heap, Object};
use reduce::{reconstruct, Registry};

use super::Unpickler;
use crate::read::Read;
use crate::{Error, ErrorKind, Result};

impl<R: Read> Unpickler<R> {
    pub(super) fn load_tuple_n(&mut self, heap: &mut Heap, n: usize) -> Result<()> {
        if self.stack.len() < self.fence() + n {
            return Err(self.underflow());
        }
        let items = self.stack.split_off(self.stack.len() - n);
        self.push_new(heap.new_tuple(items))
    }

    pub(super) fn load_tuple(&mut self, heap: &mut Heap) -> Result<()> {
        let items = self.marker()?;
        self.charge(8 * items.len() as u64)?;
        self.push_new(heap.new_tuple(items))
    }

    pub(super) fn load_list(&mut self, heap: &mut Heap) -> Result<()> {
        let items = self.marker()?;
        self.charge(8 * items.len() as u64)?;
        self.push_new(heap.new_list(items))
    }

    pub(super) fn load_dict(&mut self, heap: &mut Heap) -> Result<()> {
        let items = self.marker()?;
        if items.len() % 2 != 0 {
            return Err(Error::new(
                ErrorKind::Unpickling,
                "odd number of items for DICT",
            ));
        }
        self.charge(24 * items.len() as u64)?;
        let dict = heap.new_dict();
        heap.dict_set_pairs(dict, &items)?;
        self.push_new(dict)
    }

    pub(super) fn load_frozenset(&mut self, heap: &mut Heap) -> Result<()> {
        let items = self.marker()?;
        self.charge(24 * items.len() as u64)?;
        let set = heap.new_frozenset(items)?;
        self.push_new(set)
    }

    pub(super) fn load_append(&mut self, heap: &mut Heap, registry: &mut Registry) -> Result<()> {
        let value = self.pop()?;
        let target = self.top()?;
        self.charge(8)?;
        // Anything but a list (a stale handle too) takes the general path,
        // which raises what CPython raises.
        match heap.get_mut(target) {
            Ok(Object::List(items)) => items.push(value),
            _ => reconstruct::append_items(heap, registry, target, &[value])?,
        }
        Ok(())
    }

    pub(super) fn load_appends(&mut self, heap: &mut Heap, registry: &mut Registry) -> Result<()> {
        let mark = self.pop_mark()?;
        let target = self.below_mark(mark)?;
        self.charge(8 * (self.stack.len() - mark) as u64)?;
        let items = &self.stack[mark..];
        if !items.is_empty() {
            match heap.get_mut(target) {
                Ok(Object::List(list)) => list.extend_from_slice(items),
                _ => reconstruct::append_items(heap, registry, target, items)?,
            }
        }
        self.stack.truncate(mark);
        Ok(())
    }

    pub(super) fn load_setitem(&mut self, heap: &mut Heap, registry: &mut Registry) -> Result<()> {
        let value = self.pop()?;
        let key = self.pop()?;
        let target = self.top()?;
        self.charge(24)?;
        if heap.kind(target)? == pyobj::Kind::Dict {
            heap.dict_set(target, key, value)?;
        } else {
            reconstruct::set_items(heap, registry, target, &[(key, value)])?;
        }
        Ok(())
    }

    pub(super) fn load_setitems(&mut self, heap: &mut Heap, registry: &mut Registry) -> Result<()> {
        let mark = self.pop_mark()?;
        let target = self.below_mark(mark)?;
        let n = self.stack.len() - mark;
        if !n.is_multiple_of(2) {
            return Err(Error::new(
                ErrorKind::Unpickling,
                "odd number of items for SETITEMS",
            ));
        }
        self.charge(24 * n as u64)?;
        let items = &self.stack[mark..];
        if heap.kind(target)? == pyobj::Kind::Dict {
            heap.dict_set_pairs(target, items)?;
        } else {
            let pairs: Vec<_> = items.chunks_exact(2).map(|p| (p[0], p[1])).collect();
            reconstruct::set_items(heap, registry, target, &pairs)?;
        }
        self.stack.truncate(mark);
        Ok(())
    }

    pub(super) fn load_additems(&mut self, heap: &mut Heap, registry: &mut Registry) -> Result<()> {
        let mark = self.pop_mark()?;
        let target = self.below_mark(mark)?;
        self.charge(24 * (self.stack.len() - mark) as u64)?;
        let items = &self.stack[mark..];
        if heap.kind(target)? == pyobj::Kind::Set {
            for &item in items {
                heap.set_add(target, item)?;
            }
        } else {
            reconstruct::add_items(heap, registry, target, items)?;
        }
        self.stack.truncate(mark);
        Ok(())
    }
}
