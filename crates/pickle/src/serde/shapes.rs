//! Struct shapes: the field names a struct type wrote last time, with
//! their memo indexes, so the next value of that type writes each name's
//! memo GET after one address comparison.
//!
//! Every value of a struct type names the same fields in the same order,
//! and each name is an interned str whose memo index is fixed once it has
//! been written. Looking a name up by its address in a cache and a map took
//! a third of `to_vec`'s instructions on a list of records (65 per field);
//! following the shape takes a comparison and a bounds check.
//!
//! A shape is keyed by the struct's name (or its variant's), address and
//! length, and its field count, all of which serde passes as `&'static
//! str` and `usize`. Two types that share a name and a count but not their
//! fields only cost the fast path: a field that does not match the shape
//! goes the long way (see `writer.rs`), which is always correct.

use rustc_hash::FxHashMap;

/// A `&'static str` by identity: its address and length.
pub(super) type Address = (usize, usize);

/// Entries in [`Shapes::recent`].
const RECENT: usize = 64;

/// The identity of a `&'static str`.
#[inline]
pub(super) fn address(name: &'static str) -> Address {
    (name.as_ptr() as usize, name.len())
}

/// One field of a shape: its name and the name's memo index.
#[derive(Clone, Copy, Debug)]
pub(super) struct Field {
    pub(super) name: Address,
    pub(super) index: u32,
}

/// The shapes met so far in one `to_vec`.
#[derive(Debug)]
pub(super) struct Shapes {
    /// Field lists, indexed by shape number; grown as values of the type
    /// first write each position.
    fields: Vec<Vec<Field>>,
    /// Field counts, indexed by shape number.
    lens: Vec<usize>,
    by_key: FxHashMap<(Address, usize), u32>,
    /// A direct-mapped cache in front of `by_key`: a struct type is met
    /// again and again, and this is one comparison.
    recent: [((Address, usize), u32); RECENT],
}

impl Shapes {
    pub(super) fn new() -> Self {
        Shapes {
            fields: Vec::new(),
            lens: Vec::new(),
            by_key: FxHashMap::default(),
            recent: [(((0, 0), usize::MAX), 0); RECENT],
        }
    }

    /// The shape number of structs named `name` with `len` fields.
    #[inline]
    pub(super) fn find(&mut self, name: &'static str, len: usize) -> u32 {
        let key = (address(name), len);
        let slot = (key.0 .0 ^ (key.0 .0 >> 6) ^ len.wrapping_mul(31)) % RECENT;
        match self.recent[slot] {
            (cached, shape) if cached == key => shape,
            _ => {
                let shape = self.find_slow(key);
                self.recent[slot] = (key, shape);
                shape
            }
        }
    }

    #[cold]
    fn find_slow(&mut self, key: (Address, usize)) -> u32 {
        let next = self.fields.len() as u32;
        let shape = *self.by_key.entry(key).or_insert(next);
        if shape == next {
            self.fields.push(Vec::new());
            self.lens.push(key.1);
        }
        shape
    }

    /// The field count of `shape`'s structs.
    #[inline]
    pub(super) fn len(&self, shape: u32) -> usize {
        self.lens.get(shape as usize).copied().unwrap_or(usize::MAX)
    }

    /// Field `position` of `shape`, if a value of the type has written it.
    #[inline]
    pub(super) fn field(&self, shape: u32, position: usize) -> Option<Field> {
        self.fields.get(shape as usize)?.get(position).copied()
    }

    /// The fields of `shape` before `position`.
    pub(super) fn prefix(&self, shape: u32, position: usize) -> &[Field] {
        let fields = self
            .fields
            .get(shape as usize)
            .map_or(&[][..], Vec::as_slice);
        fields.get(..position).unwrap_or(fields)
    }

    /// Records field `position` of `shape`, which no value had written;
    /// false (and nothing recorded) if the shape already names it, as a
    /// struct that names one field twice does.
    pub(super) fn record(&mut self, shape: u32, position: usize, field: Field) -> bool {
        let Some(fields) = self.fields.get_mut(shape as usize) else {
            return false;
        };
        if fields.len() != position || fields.iter().any(|f| f.index == field.index) {
            return false;
        }
        fields.push(field);
        true
    }
}
