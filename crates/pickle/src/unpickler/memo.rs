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

    /// MEMOIZE: stores `obj` at the next index (`len()`). Returns false,
    /// storing nothing, when that would make more than `max` entries (a
    /// store that replaces an entry is always allowed, as in `insert`'s
    /// callers).
    #[inline]
    pub(super) fn push_next(&mut self, obj: Obj, max: usize) -> bool {
        if self.filled >= max && !self.contains(self.filled as u64) {
            return false;
        }
        if self.filled == self.dense.len() {
            // No holes or sparse entries: the usual, append-only memo.
            self.dense.push(Some(obj));
            self.filled += 1;
        } else {
            self.insert(self.filled as u64, obj);
        }
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
