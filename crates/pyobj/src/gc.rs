//! Reclamation: explicit roots and a mark-and-sweep collection that walks the
//! object graph with an explicit stack, so cycles and deep nesting are fine.

use std::sync::{Arc, Weak};

use crate::trace::for_each_child;
use crate::{Heap, Obj};

/// A handle the collector treats as a root for as long as this value lives.
///
/// Handles are plain `Copy` keys, so the heap cannot see which ones an
/// embedder still holds; a `Rooted` says so. Dropping it (and every clone)
/// releases the root; it needs no access to the heap, so it can live in any
/// struct.
///
/// ```
/// use pyobj::Heap;
/// let mut heap = Heap::new();
/// let baseline = heap.live_count();
/// let kept = {
///     let s = heap.new_str("kept");
///     heap.root(s)
/// };
/// let _dropped = heap.new_str("dropped");
/// heap.collect();
/// assert_eq!(heap.live_count(), baseline + 1);
/// assert_eq!(heap.as_str(kept.get())?, "kept");
/// drop(kept);
/// heap.collect();
/// assert_eq!(heap.live_count(), baseline);
/// # Ok::<(), pyobj::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Rooted {
    obj: Obj,
    _token: Arc<()>,
}

impl Rooted {
    /// The rooted handle.
    pub fn get(&self) -> Obj {
        self.obj
    }
}

/// The heap's side of [`Rooted`]: one weak token per root, pruned at collection.
#[derive(Debug, Default)]
pub(crate) struct Roots {
    entries: Vec<(Obj, Weak<()>)>,
}

/// What a collection did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CollectStats {
    /// Objects reclaimed.
    pub freed: usize,
    /// Objects still live afterwards.
    pub live: usize,
}

impl Heap {
    /// Keeps `obj` (and everything reachable from it) alive across
    /// collections until the returned guard and all its clones are dropped.
    pub fn root(&mut self, obj: Obj) -> Rooted {
        let token = Arc::new(());
        self.roots.entries.push((obj, Arc::downgrade(&token)));
        Rooted { obj, _token: token }
    }

    /// Reclaims every object not reachable from a live [`Rooted`] handle or
    /// from the heap's own singletons and built-in classes.
    ///
    /// Handles to reclaimed objects become stale: using one is an error, and it
    /// never aliases a newer object.
    pub fn collect(&mut self) -> CollectStats {
        self.collect_with(&[])
    }

    /// Like [`Heap::collect`], also keeping everything reachable from `extra_roots`.
    pub fn collect_with(&mut self, extra_roots: &[Obj]) -> CollectStats {
        self.roots
            .entries
            .retain(|(_, token)| token.strong_count() > 0);
        let mut marks = MarkBits::new(self.objects.capacity() + 1);
        let mut stack: Vec<Obj> = Vec::new();
        stack.extend([self.none, self.true_, self.false_, self.empty_tuple]);
        stack.extend(self.builtins.all());
        stack.extend(self.roots.entries.iter().map(|(obj, _)| *obj));
        stack.extend_from_slice(extra_roots);
        while let Some(obj) = stack.pop() {
            let Some(object) = self.slot(obj) else {
                continue;
            };
            if !marks.set(obj) {
                continue;
            }
            for_each_child(object, |child| {
                if child.is_slot() && !marks.get(child) {
                    stack.push(child);
                }
            });
        }
        let before = self.objects.len();
        self.objects.retain(|key, _| marks.get(key.into()));
        self.interned.retain(|_, obj| marks.get(*obj));
        let live = self.objects.len();
        CollectStats {
            freed: before - live,
            live,
        }
    }
}

/// One bit per slot index, indexed by the handle's slot (not its version: a
/// live handle's version always matches its slot's).
struct MarkBits {
    words: Vec<u64>,
}

impl MarkBits {
    fn new(slots: usize) -> MarkBits {
        MarkBits {
            words: vec![0; slots.div_ceil(64) + 1],
        }
    }

    /// The mark's index; an int carried in its handle has no slot and
    /// is never marked or swept (its index is past every slot's).
    fn index(obj: Obj) -> usize {
        obj.slot_index().unwrap_or(usize::MAX)
    }

    fn get(&self, obj: Obj) -> bool {
        let i = Self::index(obj);
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Marks `obj`; false if it was already marked.
    fn set(&mut self, obj: Obj) -> bool {
        let i = Self::index(obj);
        if i / 64 >= self.words.len() {
            self.words.resize(i / 64 + 1, 0);
        }
        let word = &mut self.words[i / 64];
        let bit = 1 << (i % 64);
        let fresh = *word & bit == 0;
        *word |= bit;
        fresh
    }
}
