//! The unpickler's memo: index → object, dense where the pickle is dense.

use pyobj::Obj;
use rustc_hash::FxHashMap;

/// Memo indices are almost always 0, 1, 2, ... so they live in a vector;
/// an index far beyond the filled part (a hostile `LONG_BINPUT 0xffffffff`)
/// goes to a map instead, so no index can make the memo allocate a huge table.
#[derive(Debug, Default)]
pub(super) struct Memo {
    dense: Vec<Option<Obj>>,
    sparse: FxHashMap<u64, Obj>,
    filled: usize,
}

impl Memo {
    /// An empty memo whose dense part reuses `dense`, which is empty (as
    /// `kept.rs` hands it over).
    pub(super) fn with_dense(dense: Vec<Option<Obj>>) -> Memo {
        debug_assert!(dense.is_empty());
        Memo {
            dense,
            ..Memo::default()
        }
    }

    /// Takes the dense part's vector, leaving the memo empty.
    pub(super) fn take_dense(&mut self) -> Vec<Option<Obj>> {
        self.filled = 0;
        self.sparse.clear();
        std::mem::take(&mut self.dense)
    }

    /// Room for `additional` more dense entries.
    pub(super) fn reserve(&mut self, additional: usize) {
        self.dense.reserve(additional);
    }

    /// How many indices hold an object (MEMOIZE stores at this index).
    pub(super) fn len(&self) -> usize {
        self.filled
    }

    #[inline]
    pub(super) fn get(&self, index: u64) -> Option<Obj> {
        match self.dense.get(index as usize) {
            Some(slot) => *slot,
            None => self.sparse.get(&index).copied(),
        }
    }

    pub(super) fn contains(&self, index: u64) -> bool {
        self.get(index).is_some()
    }

    /// Stores `obj` at `index` unless that would make more than `max`
    /// entries (replacing an entry is always allowed). The one store path
    /// of PUT, BINPUT, LONG_BINPUT and MEMOIZE.
    #[inline]
    pub(super) fn store(&mut self, index: u64, obj: Obj, max: usize) -> bool {
        // The usual store: the next index of an append-only memo (every
        // MEMOIZE, sequential PUTs), one push.
        if index == self.dense.len() as u64 && self.filled == self.dense.len() && self.filled < max
        {
            self.dense.push(Some(obj));
            self.filled += 1;
            return true;
        }
        self.store_elsewhere(index, obj, max)
    }

    fn store_elsewhere(&mut self, index: u64, obj: Obj, max: usize) -> bool {
        if self.filled >= max && !self.contains(index) {
            return false;
        }
        self.insert(index, obj);
        true
    }

    #[inline]
    pub(super) fn insert(&mut self, index: u64, obj: Obj) {
        let i = index as usize;
        // MEMOIZE and sequential PUTs: the next index, one push.
        if i == self.dense.len() && (i as u64) == index {
            self.dense.push(Some(obj));
            self.filled += 1;
            return;
        }
        if i < self.dense.len() {
            if self.dense[i].replace(obj).is_none() {
                self.filled += 1;
            }
            return;
        }
        // Grow densely only when the index is near the filled part.
        if (i as u64) == index && i <= self.dense.len().saturating_mul(2) + 1024 {
            self.dense.resize(i + 1, None);
            self.dense[i] = Some(obj);
            self.filled += 1;
            return;
        }
        if self.sparse.insert(index, obj).is_none() {
            self.filled += 1;
        }
    }
}
