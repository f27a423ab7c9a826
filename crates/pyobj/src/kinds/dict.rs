//! `dict`: insertion-ordered entries plus a `hashbrown` index, with CPython's key semantics.

use hashbrown::HashTable;
use thin_vec::ThinVec;

use crate::{Error, ErrorKind, Heap, Int, Obj, Object, Result};

/// One key/value pair with the key's Python hash, kept so the index can be
/// rebuilt and probes can skip keys whose hashes differ without touching the heap.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    pub(crate) hash: i64,
    pub(crate) key: Obj,
    pub(crate) value: Obj,
}

/// Distinct keys with one hash that a lookup compares before giving up.
/// Python's hash of ints (and so of tuples of ints) is not keyed: a pickle
/// can hold thousands of different ints that all hash to 0
/// (`k * (2**61 - 1)`), and every insert would compare against all of them
/// — quadratic time, as in CPython. Real data never comes near this many
/// full 64-bit collisions in one table, so past it the operation fails
/// instead (a value error naming the cause).
const MAX_SAME_HASH: usize = 2048;

/// Small dicts (most instance `__dict__`s and keyword maps) are searched by
/// scanning their entries' hashes; the index table is built only past this
/// size. Sixteen, not eight: filling a dict of nine to sixteen keys by
/// scanning costs at most 120 hash comparisons, where building the index
/// cost two allocations and a rehash (pyperformance's `MICRO_DICT`, a
/// hundred 10-key dicts: 391K -> 305K instructions per load).
const INDEX_THRESHOLD: usize = 16;

/// The payload of a `dict`.
///
/// Like CPython's compact dict: a dense vector of entries in insertion order
/// and, past sixteen entries, an index from hash to entry
/// position. Key comparison needs the heap, so lookups are done by [`Heap`]
/// methods that hash and compare keys, then touch the table.
///
/// The payload is two pointers (16 bytes), so it lives inside the heap slot
/// with no box of its own: a small dict costs its slot and one allocation
/// (the entries, length and capacity in a `ThinVec`), like CPython's. Only
/// indexed dicts can have holes (removed entries awaiting compaction); small
/// ones close the gap on removal, so their length is the entry count.
#[derive(Clone, Debug, Default)]
pub struct Dict {
    entries: ThinVec<Option<Entry>>,
    index: Option<Box<Index>>,
}

/// The hash index of a large dict, and how many of its entries are holes.
#[derive(Clone, Debug)]
struct Index {
    table: HashTable<usize>,
    holes: usize,
}

impl Dict {
    /// An empty dict payload.
    pub fn new() -> Dict {
        Dict::default()
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.entries.len() - self.index.as_ref().map_or(0, |i| i.holes)
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The items in insertion order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (Obj, Obj)> + '_ {
        self.entries.iter().flatten().map(|e| (e.key, e.value))
    }

    /// The keys in insertion order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = Obj> + '_ {
        self.entries.iter().flatten().map(|e| e.key)
    }

    /// The values in insertion order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = Obj> + '_ {
        self.entries.iter().flatten().map(|e| e.value)
    }

    /// Keys and values interleaved, in order (`[k0, v0, k1, v1, ...]`): the
    /// form [`Heap::dict_set_pairs`] takes and a pickle's SETITEMS writes.
    pub fn flat_items(&self) -> Vec<Obj> {
        let mut flat = Vec::with_capacity(2 * self.len());
        for (key, value) in self.iter() {
            flat.push(key);
            flat.push(value);
        }
        flat
    }

    /// How many entry slots the dict has: its length plus the holes that
    /// removals leave in a large dict until it is compacted.
    pub fn slot_count(&self) -> usize {
        self.entries.len()
    }

    /// The key and value in entry slot `i` (insertion order), or `None` for
    /// a hole or past the end. Without holes (`slot_count() == len()`) slot
    /// `i` is the `i`-th item, which lets a reader walk the dict by index
    /// without holding an iterator.
    #[inline]
    pub fn slot(&self, i: usize) -> Option<(Obj, Obj)> {
        self.entries
            .get(i)
            .copied()
            .flatten()
            .map(|e| (e.key, e.value))
    }

    pub(crate) fn entries(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.entries.iter().flatten()
    }

    fn push(&mut self, entry: Entry) {
        let position = self.entries.len();
        self.entries.push(Some(entry));
        match &mut self.index {
            // A full index is rebuilt from the entries rather than left to
            // hashbrown's resize, which visits entries in bucket order and so
            // reads their stored hashes at random; reading them in entry order
            // made loading a 1M-key dict measurably faster (docs/performance.md).
            Some(index) if index.table.len() == index.table.capacity() => self.rebuild_index(),
            Some(index) => {
                let entries = &self.entries;
                index
                    .table
                    .insert_unique(entry.hash as u64, position, |&i| {
                        entries[i].map_or(0, |e| e.hash as u64)
                    });
            }
            None if self.entries.len() > INDEX_THRESHOLD => self.rebuild_index(),
            None => {}
        }
    }

    fn remove_at(&mut self, position: usize) -> Option<Entry> {
        let Some(index) = &mut self.index else {
            // Small: close the gap (at most INDEX_THRESHOLD entries move).
            return if position < self.entries.len() {
                self.entries.remove(position)
            } else {
                None
            };
        };
        let entry = self.entries[position].take()?;
        index.holes += 1;
        if let Ok(found) = index
            .table
            .find_entry(entry.hash as u64, |&i| i == position)
        {
            found.remove();
        }
        // Compact once holes outnumber live entries, so iteration and memory
        // stay proportional to the live size (CPython resizes similarly).
        if self.len() * 2 < self.entries.len() {
            self.entries.retain(Option::is_some);
            self.index = None;
            self.rebuild_index();
        }
        Some(entry)
    }

    /// Builds the index from the entries, or drops it (closing any holes)
    /// when the dict is small.
    fn rebuild_index(&mut self) {
        if self.entries.len() <= INDEX_THRESHOLD {
            if self.index.take().is_some_and(|i| i.holes > 0) {
                self.entries.retain(Option::is_some);
            }
            return;
        }
        self.build_index();
    }

    /// Makes room for `additional` more entries and, if the dict will then
    /// be past the scanning size, indexes it now: a batch of keys that
    /// ends large (a pickle's SETITEMS) is not scanned up to the threshold
    /// first (the scans were 3% of loading three 33-key dicts).
    fn prepare_for(&mut self, additional: usize) {
        self.entries.reserve(additional);
        if self.index.is_none() && self.entries.len() + additional > INDEX_THRESHOLD {
            self.build_index();
        }
    }

    /// Builds the index from the entries, whatever their number.
    fn build_index(&mut self) {
        let entries = &self.entries;
        let rehash = |&i: &usize| entries[i].map_or(0, |e| e.hash as u64);
        // Room to double before the next rebuild, as a resize would leave,
        // or for every entry reserved (a batch of SETITEMS reserves its
        // pairs): a 32-key dict loaded in one batch was indexed twice.
        let mut table = HashTable::with_capacity((entries.len() * 2).max(entries.capacity()));
        let mut holes = 0;
        for (position, entry) in entries.iter().enumerate() {
            match entry {
                Some(e) => {
                    table.insert_unique(e.hash as u64, position, rehash);
                }
                None => holes += 1,
            }
        }
        self.index = Some(Box::new(Index { table, holes }));
    }

    /// The position of `key`, given its hash: identity first, then Python `==`,
    /// as CPython's lookup does.
    pub(crate) fn find(&self, heap: &Heap, key: Obj, hash: i64) -> Result<Option<usize>> {
        self.find_with(hash, |stored| keys_equal(heap, stored, key))
    }

    /// The position of the first entry with hash `hash` whose key satisfies
    /// `matches`. Probes without collecting candidates first, so a lookup
    /// allocates nothing (measured 2026-11-22: collecting into a Vec made a
    /// 100k-key lookup loop three times slower).
    fn find_with(
        &self,
        hash: i64,
        mut matches: impl FnMut(Obj) -> Result<bool>,
    ) -> Result<Option<usize>> {
        match &self.index {
            Some(index) => {
                let mut same_hash = 0;
                for &position in index.table.iter_hash(hash as u64) {
                    if let Some(entry) = self.entries[position] {
                        if entry.hash == hash {
                            if matches(entry.key)? {
                                return Ok(Some(position));
                            }
                            same_hash += 1;
                            if same_hash > MAX_SAME_HASH {
                                return Err(Error::value_error(format!(
                                    "more than {MAX_SAME_HASH} different keys of one dict or set share a hash; refused as hash flooding"
                                )));
                            }
                        }
                    }
                }
            }
            None => {
                for (position, entry) in self.entries.iter().enumerate() {
                    if let Some(entry) = entry {
                        if entry.hash == hash && matches(entry.key)? {
                            return Ok(Some(position));
                        }
                    }
                }
            }
        }
        Ok(None)
    }

    /// Adds an entry for a key known to be absent.
    pub(crate) fn insert_new(&mut self, hash: i64, key: Obj, value: Obj) {
        self.push(Entry { hash, key, value });
    }

    /// Replaces the value at `position`.
    pub(crate) fn set_value_at(&mut self, position: usize, value: Obj) {
        if let Some(entry) = self.entries[position].as_mut() {
            entry.value = value;
        }
    }

    /// The entry at `position`, if live.
    pub(crate) fn entry_at(&self, position: usize) -> Option<Entry> {
        self.entries[position]
    }

    /// Removes the entry at `position`.
    pub(crate) fn take_at(&mut self, position: usize) -> Option<Entry> {
        self.remove_at(position)
    }

    /// Removes every item.
    pub fn clear(&mut self) {
        *self = Dict::default();
    }
}

/// Key equality as CPython's lookup does it: identity first, then `==`.
/// Same-kind strs and ints, the usual keys, are compared here directly
/// rather than through the general iterative `==`.
#[inline]
fn keys_equal(heap: &Heap, stored: Obj, key: Obj) -> Result<bool> {
    if stored == key {
        return Ok(true);
    }
    match (&*heap.get(stored)?, &*heap.get(key)?) {
        (Object::Str(a), Object::Str(b)) => Ok(a == b),
        (Object::Int(Int::Small(a)), Object::Int(Int::Small(b))) => Ok(a == b),
        _ => heap.eq(stored, key),
    }
}

impl Heap {
    /// An empty `dict`.
    pub fn new_dict(&mut self) -> Obj {
        self.insert(Object::Dict(Dict::default()))
    }

    /// A `dict` of the given pairs; later duplicates of a key replace the value
    /// and keep the first key object's position, as `dict(pairs)` does.
    pub fn new_dict_from(&mut self, pairs: impl IntoIterator<Item = (Obj, Obj)>) -> Result<Obj> {
        let dict = self.new_dict();
        for (key, value) in pairs {
            self.dict_set(dict, key, value)?;
        }
        Ok(dict)
    }

    /// The payload of a `dict`.
    pub fn as_dict(&self, obj: Obj) -> Result<&Dict> {
        match self.slot_or_int_kind(obj)? {
            Object::Dict(d) => Ok(d),
            other => Err(Error::type_error(format!(
                "expected dict, got '{}'",
                other.type_name()
            ))),
        }
    }

    fn dict_payload_mut(&mut self, obj: Obj) -> Result<&mut Dict> {
        match self.get_mut_expecting(obj, "dict")? {
            Object::Dict(d) => Ok(d),
            other => Err(Error::type_error(format!(
                "expected dict, got '{}'",
                other.type_name()
            ))),
        }
    }

    /// The position of `key` in `dict`'s entries, given its hash.
    fn dict_find(&self, dict: Obj, key: Obj, hash: i64) -> Result<Option<usize>> {
        self.as_dict(dict)?.find(self, key, hash)
    }

    /// `dict[key] = value`. The key must be hashable.
    pub fn dict_set(&mut self, dict: Obj, key: Obj, value: Obj) -> Result<()> {
        let hash = self.hash(key)?;
        match self.dict_find(dict, key, hash)? {
            Some(position) => self.dict_payload_mut(dict)?.set_value_at(position, value),
            None => self.dict_payload_mut(dict)?.insert_new(hash, key, value),
        }
        Ok(())
    }

    /// `dict[k] = v` for each `k, v` of `pairs`, which holds keys and values
    /// interleaved (`[k0, v0, k1, v1, ...]`, as a pickle's SETITEMS leaves
    /// them on its stack; an odd last item is ignored). Room for every pair
    /// is made first, so a dict filled from empty grows its entry vector once
    /// instead of doubling its way up (measured: 17% of loading many small
    /// dicts went to those reallocations).
    ///
    /// ```
    /// use pyobj::Heap;
    /// let mut heap = Heap::new();
    /// let d = heap.new_dict();
    /// let (a, b, one, two) = (heap.new_str("a"), heap.new_str("b"), heap.new_int(1), heap.new_int(2));
    /// heap.dict_set_pairs(d, &[a, one, b, two, a, two])?;
    /// assert_eq!(heap.repr(d)?, "{'a': 2, 'b': 2}");
    /// # Ok::<(), pyobj::Error>(())
    /// ```
    pub fn dict_set_pairs(&mut self, dict: Obj, pairs: &[Obj]) -> Result<()> {
        // The payload is taken out of its slot for the whole batch, so each
        // pair costs one probe and no slot lookups of the dict; keys are
        // compared through the heap meanwhile, which never needs this
        // dict (a dict is unhashable, so no key can contain it). It goes
        // back on every path, errors included.
        let mut payload = std::mem::take(self.dict_payload_mut(dict)?);
        payload.prepare_for(pairs.len() / 2);
        let result = pairs.chunks_exact(2).try_for_each(|pair| {
            let (key, value) = (pair[0], pair[1]);
            let hash = self.hash(key)?;
            match payload.find(self, key, hash)? {
                Some(position) => payload.set_value_at(position, value),
                None => payload.insert_new(hash, key, value),
            }
            Ok(())
        });
        *self.dict_payload_mut(dict)? = payload;
        result
    }

    /// `dict.get(key)`: the value, or `None` if the key is absent.
    pub fn dict_get(&self, dict: Obj, key: Obj) -> Result<Option<Obj>> {
        let hash = self.hash(key)?;
        let position = self.dict_find(dict, key, hash)?;
        let payload = self.as_dict(dict)?;
        Ok(position.and_then(|p| payload.entry_at(p)).map(|e| e.value))
    }

    /// `dict[key]`: the value, or a key error naming the key.
    pub fn dict_getitem(&self, dict: Obj, key: Obj) -> Result<Obj> {
        match self.dict_get(dict, key)? {
            Some(value) => Ok(value),
            None => Err(Error::new(ErrorKind::Key, self.repr(key)?)),
        }
    }

    /// `dict.pop(key, None)`: removes the key, returning its value if present.
    pub fn dict_remove(&mut self, dict: Obj, key: Obj) -> Result<Option<Obj>> {
        let hash = self.hash(key)?;
        let Some(position) = self.dict_find(dict, key, hash)? else {
            return Ok(None);
        };
        Ok(self
            .dict_payload_mut(dict)?
            .take_at(position)
            .map(|e| e.value))
    }

    /// Makes `dst` a dict with `src`'s keys, in order and with their stored
    /// hashes, and `values` (one per key, in order) — the fast path of
    /// copying a dict whose keys are kept: nothing is hashed or compared.
    ///
    /// # Errors
    /// A type error if either is not a dict, a value error if `values` has
    /// the wrong length.
    pub fn dict_fill_like(&mut self, dst: Obj, src: Obj, values: &[Obj]) -> Result<()> {
        let mut payload = self.as_dict(src)?.clone();
        if payload.len() != values.len() {
            return Err(Error::value_error(format!(
                "dict has {} keys but {} values were given",
                payload.len(),
                values.len()
            )));
        }
        for (entry, &value) in payload.entries.iter_mut().flatten().zip(values) {
            entry.value = value;
        }
        *self.dict_payload_mut(dst)? = payload;
        Ok(())
    }

    /// [`Heap::dict_fill_like`] with the values taken from a flat
    /// `[key, value, key, value, ...]` slice (the keys are not looked at).
    ///
    /// # Errors
    /// As for [`Heap::dict_fill_like`].
    pub fn dict_fill_like_pairs(&mut self, dst: Obj, src: Obj, pairs: &[Obj]) -> Result<()> {
        let mut payload = self.as_dict(src)?.clone();
        if payload.len() * 2 != pairs.len() {
            return Err(Error::value_error(format!(
                "dict has {} keys but {} key/value items were given",
                payload.len(),
                pairs.len()
            )));
        }
        for (entry, pair) in payload
            .entries
            .iter_mut()
            .flatten()
            .zip(pairs.chunks_exact(2))
        {
            entry.value = pair[1];
        }
        *self.dict_payload_mut(dst)? = payload;
        Ok(())
    }

    /// `len(dict)`.
    pub fn dict_len(&self, dict: Obj) -> Result<usize> {
        Ok(self.as_dict(dict)?.len())
    }

    /// `dict.get(key)` for a `str` key given as Rust text, without allocating it.
    pub fn dict_get_str(&self, dict: Obj, key: &str) -> Result<Option<Obj>> {
        let hash = self.hash_str_bytes(key.as_bytes());
        let payload = self.as_dict(dict)?;
        let position = payload.find_with(hash, |stored| {
            Ok(matches!(self.slot(stored), Some(Object::Str(s)) if s.as_surrogatepass_bytes() == key.as_bytes()))
        })?;
        Ok(position.and_then(|p| payload.entry_at(p)).map(|e| e.value))
    }
}
