//! Struct shapes: the field names a struct type wrote last time, with
//! their memo fetches, so the next value of that type writes each name's
//! memo GET after one address comparison.
//!
//! Every value of a struct type names the same fields in the same order,
//! and each name is an interned str whose memo index is fixed once it has
//! been written. Looking a name up by its address in a cache and a map took
//! a third of `to_vec`'s instructions on a list of records (65 per field);
//! following the shape takes a bounds check and a comparison.
//!
//! A shape is keyed by the struct's name (or its variant's), address and
//! length, and its field count, all of which serde passes as `&'static
//! str` and `usize`. Two types that share a name and a count but not their
//! fields only cost the fast path: a field that does not match the shape
//! goes the long way (see `containers.rs`), which is always correct.
//!
//! All shapes live in one vector, each in a run of slots (one per field,
//! reserved when the shape is first met) that starts at the shape's
//! number, so a field is found with one index and one bounds check rather
//! than through a list per shape. A struct that writes more fields than it
//! announced reads the next shape's slots; its count then misses its
//! length, which sends the value to the heap route at its end.

use rustc_hash::FxHashMap;

/// A `&'static str` by identity: its address and length.
pub(super) type Address = (usize, usize);

/// Entries in [`Shapes::recent`].
const RECENT: usize = 64;

/// Where no field name has been recorded yet: no `&'static str` has this
/// address and length.
pub(super) const UNRECORDED: Address = (0, usize::MAX);

/// The identity of a `&'static str`.
#[inline]
pub(super) fn address(name: &'static str) -> Address {
    (name.as_ptr() as usize, name.len())
}

/// One field of a shape: its name, the name's memo index and the BINGET or
/// LONG_BINGET that fetches it, and the shape's field count.
#[derive(Clone, Copy, Debug)]
pub(super) struct Field {
    pub(super) name: Address,
    /// The fetch, little-endian, with its length in the top byte (see
    /// `pickler::binget`).
    pub(super) get: u64,
    pub(super) index: u32,
    /// The field count of the shape this slot belongs to.
    shape_len: u32,
}

/// The shapes met so far in one `to_vec`.
#[derive(Debug)]
pub(super) struct Shapes {
    /// Each shape's fields in a run of slots starting at its number; a run
    /// has at least one slot, so that an empty shape has a length too.
    slots: Vec<Field>,
    by_key: FxHashMap<(Address, usize), u32>,
    /// A direct-mapped cache in front of `by_key`: a struct type is met
    /// again and again, and this is one comparison.
    recent: [((Address, usize), u32); RECENT],
}

impl Shapes {
    pub(super) fn new() -> Self {
        Shapes {
            slots: Vec::new(),
            by_key: FxHashMap::default(),
            recent: [(((0, 0), usize::MAX), 0); RECENT],
        }
    }

    /// The shape number of structs named `name` with `len` fields (fewer
    /// than 2**31), or `None` past `limit` shape slots.
    #[inline]
    pub(super) fn find(&mut self, name: &'static str, len: usize, limit: u32) -> Option<u32> {
        let key = (address(name), len);
        let slot = (key.0 .0 ^ (key.0 .0 >> 6) ^ len.wrapping_mul(31)) % RECENT;
        match self.recent[slot] {
            (cached, shape) if cached == key => Some(shape),
            _ => {
                let shape = self.find_slow(key, limit)?;
                self.recent[slot] = (key, shape);
                Some(shape)
            }
        }
    }

    #[cold]
    fn find_slow(&mut self, key: (Address, usize), limit: u32) -> Option<u32> {
        if let Some(&shape) = self.by_key.get(&key) {
            return Some(shape);
        }
        let shape = u32::try_from(self.slots.len()).ok()?;
        let shape_len = u32::try_from(key.1).ok()?;
        let end = self.slots.len() + key.1.max(1);
        if end > limit as usize {
            return None;
        }
        let unrecorded = Field {
            name: UNRECORDED,
            get: 0,
            index: 0,
            shape_len,
        };
        self.slots.resize(end, unrecorded);
        self.by_key.insert(key, shape);
        Some(shape)
    }

    /// Field `position` of `shape` as recorded (its name is [`UNRECORDED`]
    /// until a value of the type writes it); past the shape's fields, a
    /// slot of another shape, or `None`.
    #[inline(always)]
    pub(super) fn field(&self, shape: u32, position: usize) -> Option<&Field> {
        self.slots.get(shape as usize + position)
    }

    /// The field count of `shape`'s structs.
    #[inline]
    pub(super) fn len(&self, shape: u32) -> Option<usize> {
        let slot = self.slots.get(shape as usize)?;
        Some(slot.shape_len as usize)
    }

    /// The fields of `shape` before `position`.
    pub(super) fn prefix(&self, shape: u32, position: usize) -> &[Field] {
        let start = shape as usize;
        self.slots.get(start..start + position).unwrap_or(&[])
    }

    /// Records field `position` of `shape`, named `name` (an interned str
    /// at memo `index`, fetched by `get`), which no value had written;
    /// false (and nothing recorded) if the shape already names it, as a
    /// struct that names one field twice does, or has no such position.
    pub(super) fn record(
        &mut self,
        shape: u32,
        position: usize,
        name: &'static str,
        index: u32,
        get: u64,
    ) -> bool {
        let start = shape as usize;
        let Some(len) = self.len(shape) else {
            return false;
        };
        if position >= len {
            return false;
        }
        let Some(run) = self.slots.get_mut(start..start + len) else {
            return false;
        };
        if run.iter().any(|f| f.name != UNRECORDED && f.index == index) {
            return false;
        }
        let slot = &mut run[position];
        if slot.name != UNRECORDED {
            return false;
        }
        slot.name = address(name);
        slot.get = get;
        slot.index = index;
        true
    }
}
