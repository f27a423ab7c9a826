//! The pickler's memo: object → memo index, looked up for every object that
//! is not an atom.
//!
//! A handle is a slot index plus a version, so the memo is a table indexed by
//! slot, in pages of [`PAGE`] entries allocated when first touched, each entry
//! holding the version it was written for. A lookup is two array reads instead
//! of a hash and a probe; a slot reused by a newer object (between dumps that
//! share the memo) has another version, so it never hits an old entry. Memory
//! follows the slots a dump touches, not the size of the heap.

use pyobj::Obj;

/// Entries per page: 8 KiB of `(version, index)` pairs.
const PAGE: usize = 1024;

#[derive(Clone, Copy, Default)]
struct Entry {
    /// The version of the object the index was written for; 0 is never a
    /// live object's version (slot map versions of occupied slots are odd).
    version: u32,
    index: u32,
}

#[derive(Default)]
pub(crate) struct Memo {
    pages: Vec<Option<Box<[Entry; PAGE]>>>,
    len: usize,
}

/// A handle's slot index and version, as the slot map packs them.
#[inline]
fn split(obj: Obj) -> (usize, u32) {
    let id = obj.id();
    ((id & 0xffff_ffff) as usize, (id >> 32) as u32)
}

impl Memo {
    #[inline]
    pub(crate) fn get(&self, obj: Obj) -> Option<u32> {
        let (slot, version) = split(obj);
        let page = self.pages.get(slot / PAGE)?.as_ref()?;
        let entry = page[slot % PAGE];
        (entry.version == version).then_some(entry.index)
    }

    /// Records `obj` under `index`; re-recording an object replaces its index
    /// without counting it twice.
    pub(crate) fn insert(&mut self, obj: Obj, index: u32) {
        let (slot, version) = split(obj);
        let page_number = slot / PAGE;
        if self.pages.len() <= page_number {
            self.pages.resize_with(page_number + 1, || None);
        }
        let page =
            self.pages[page_number].get_or_insert_with(|| Box::new([Entry::default(); PAGE]));
        let entry = &mut page[slot % PAGE];
        if entry.version != version {
            self.len += 1;
        }
        *entry = Entry { version, index };
    }

    /// How many objects are memoized.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn clear(&mut self) {
        self.pages.clear();
        self.len = 0;
    }
}
