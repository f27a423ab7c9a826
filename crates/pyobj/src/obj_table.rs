//! [`ObjTable`]: a map from handles to small `Copy` values, indexed by the
//! handle's slot instead of hashed — what identity-keyed walks (the
//! pickler's memo, deepcopy's memo) look up once per object.

use crate::Obj;

/// Entries per page. A page is zeroed when first touched, so a small walk
/// pays for a whole page: at 1,024 entries that zeroing was 60% of the
/// instructions of pickling a tuple of 20 ints. 128 costs large walks
/// nothing (a dump of a million strs took 3% fewer instructions, with eight
/// times the pages); 64 was slower on both.
const PAGE: usize = 128;

/// A page of entries, indexed by `slot % PAGE`.
type Page<V> = [Entry<V>; PAGE];

/// The pages, in a list that starts at the lowest page a walk touched
/// (`base`) rather than at page 0. Starting at page 0, the list grew with
/// the highest slot touched, so pickling a small object that sits high in
/// a heap of a million objects allocated and zeroed a 62 KB list each time
/// (3 µs for a 0.2 µs dump); the objects of one walk are usually made
/// together and sit close. A lookup costs one subtraction more.
struct Pages<V> {
    base: usize,
    pages: Vec<Option<Box<Page<V>>>>,
    /// Empty pages kept by [`ObjTable::reset`] for the next walk.
    spare: Vec<Box<Page<V>>>,
    /// The list is one empty page that [`Pages::reset`] left in place
    /// since the last walk touched only it.
    kept: bool,
}

/// The most empty pages a reset table keeps (8 KiB of `u32` values): what
/// a small walk touches, and no more, so that a table kept for reuse after
/// a large walk does not hold its memory.
const MAX_SPARE_PAGES: usize = 8;

impl<V: Copy + Default> Pages<V> {
    fn new() -> Self {
        Pages {
            base: 0,
            pages: Vec::new(),
            spare: Vec::new(),
            kept: false,
        }
    }

    /// A page with no entries: a spare one if there is one.
    #[inline]
    fn empty_page(spare: &mut Vec<Box<Page<V>>>) -> Box<Page<V>> {
        spare.pop().unwrap_or_else(new_page)
    }

    /// Forgets every entry, keeping up to [`MAX_SPARE_PAGES`] pages
    /// (cleared) and the list's room for reuse.
    fn reset(&mut self) {
        if let [Some(page)] = &mut self.pages[..] {
            // A walk that touched one page (a small dump) leaves it where
            // it is, cleared, for the next walk, which most often touches
            // the same page: moving it to the spares and back, and the list
            // growing again from empty, was 90 of the 2,050 instructions of
            // pickling a 20-int tuple. A walk that starts elsewhere gives
            // it up (`cover`).
            page.fill(Entry {
                version: 0,
                value: V::default(),
            });
            self.kept = true;
            return;
        }
        for mut page in self.pages.drain(..).flatten() {
            if self.spare.len() < MAX_SPARE_PAGES {
                page.fill(Entry {
                    version: 0,
                    value: V::default(),
                });
                self.spare.push(page);
            }
        }
        if self.pages.capacity() > 4 * MAX_SPARE_PAGES {
            self.pages = Vec::new();
        }
        self.base = 0;
    }

    /// The entry for `slot`, if its page exists.
    #[inline(always)]
    fn get(&self, slot: usize) -> Option<&Entry<V>> {
        let index = (slot / PAGE).wrapping_sub(self.base);
        let page = self.pages.get(index)?.as_ref()?;
        Some(&page[slot % PAGE])
    }

    /// The entry for `slot`, making its page if needed.
    #[inline(always)]
    fn entry_mut(&mut self, slot: usize) -> &mut Entry<V> {
        let mut index = (slot / PAGE).wrapping_sub(self.base);
        if index >= self.pages.len() {
            index = self.cover(slot / PAGE);
        }
        // In bounds: `cover` extended the list to `index`.
        let Pages { pages, spare, .. } = self;
        let page = pages[index].get_or_insert_with(|| Self::empty_page(spare));
        &mut page[slot % PAGE]
    }

    /// Extends the list to cover page `number` (downwards by at least its
    /// length, so that a walk going down costs amortized constant time);
    /// returns its index.
    #[cold]
    fn cover(&mut self, number: usize) -> usize {
        if std::mem::take(&mut self.kept) {
            // The page the last walk left in place: if this walk has not
            // used it, it is elsewhere; spare the page and start the list
            // here (looking at a page once per walk, not the list growing
            // to span both places).
            let unused = matches!(&self.pages[..], [Some(page)]
                if page.iter().all(|entry| entry.version == 0));
            if unused {
                if let Some(page) = self.pages.pop().flatten() {
                    if self.spare.len() < MAX_SPARE_PAGES {
                        self.spare.push(page);
                    }
                }
            }
        }
        if self.pages.is_empty() {
            self.base = number;
        }
        if number >= self.base {
            self.pages.resize_with(number - self.base + 1, || None);
            return number - self.base;
        }
        let base = number.min(self.base.saturating_sub(self.pages.len()));
        let mut pages = Vec::with_capacity(self.base - base + self.pages.len());
        pages.resize_with(self.base - base, || None);
        pages.append(&mut self.pages);
        self.pages = pages;
        self.base = base;
        number - base
    }
}

#[derive(Clone, Copy)]
struct Entry<V> {
    /// The version of the object the value was stored for; 0 is never a
    /// live object's version (slot map versions of occupied slots are odd).
    version: u32,
    value: V,
}

/// A map from [`Obj`] to `V`, keyed by identity.
///
/// A handle is a slot index plus a version, so the table is an array
/// indexed by slot, in pages of 128 entries allocated when first touched,
/// each entry remembering the version it was written for. A lookup is two
/// array reads, with no hashing; a slot reused by a newer object has
/// another version, so it never sees an old entry. Memory follows the slots
/// used, not the size of the heap (1 KiB per touched page of `u32` values).
///
/// ```
/// use pyobj::{Heap, ObjTable};
/// let mut heap = Heap::new();
/// let (a, b) = (heap.new_list(vec![]), heap.new_list(vec![]));
/// let mut seen: ObjTable<u32> = ObjTable::new();
/// assert_eq!(seen.insert(a, 7), None);
/// assert_eq!(seen.get(a), Some(7));
/// assert_eq!(seen.get(b), None);
/// assert_eq!(seen.len(), 1);
/// let five = heap.new_int(5); // carried in its handle: kept aside
/// assert_eq!(seen.insert(five, 9), None);
/// assert_eq!(seen.get(five), Some(9));
/// ```
pub struct ObjTable<V> {
    pages: Pages<V>,
    /// Ints carried in their handles have no slot; the few walks that key
    /// them (most skip ints) find them here.
    immediates: hashbrown::HashMap<Obj, V, rustc_hash::FxBuildHasher>,
    len: usize,
}

impl<V> std::fmt::Debug for ObjTable<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjTable").field("len", &self.len).finish()
    }
}

impl<V: Copy + Default> Default for ObjTable<V> {
    fn default() -> Self {
        ObjTable::new()
    }
}

impl<V: Copy + Default> ObjTable<V> {
    /// An empty table; allocates nothing until the first insert.
    pub fn new() -> Self {
        ObjTable {
            pages: Pages::new(),
            immediates: Default::default(),
            len: 0,
        }
    }

    /// The value stored for `obj`.
    #[inline]
    pub fn get(&self, obj: Obj) -> Option<V> {
        let Some(slot) = obj.slot_index() else {
            return self.immediates.get(&obj).copied();
        };
        let version = obj.slot_version();
        let entry = self.pages.get(slot)?;
        (entry.version == version).then_some(entry.value)
    }

    /// Stores `value` for `obj`, returning the value it replaces.
    // Forced: as a call, its prologue and epilogue were over half of its
    // cost (16 of 27 instructions per memo store).
    #[inline(always)]
    pub fn insert(&mut self, obj: Obj, value: V) -> Option<V> {
        let Some(slot) = obj.slot_index() else {
            let previous = self.immediates.insert(obj, value);
            self.len += previous.is_none() as usize;
            return previous;
        };
        let version = obj.slot_version();
        let entry = self.pages.entry_mut(slot);
        let previous = (entry.version == version).then_some(entry.value);
        if previous.is_none() {
            self.len += 1;
        }
        *entry = Entry { version, value };
        previous
    }

    /// The value stored for `obj`, or the place to store one: one probe
    /// where [`get`](ObjTable::get) then [`insert`](ObjTable::insert) make
    /// two. The pickler's memo asks this of every str it meets; a hit costs
    /// what `get` costs.
    ///
    /// ```
    /// use pyobj::{Heap, ObjTable};
    /// let mut heap = Heap::new();
    /// let a = heap.new_list(vec![]);
    /// let mut memo: ObjTable<u32> = ObjTable::new();
    /// match memo.probe(a) {
    ///     Ok(_) => unreachable!("empty table"),
    ///     Err(vacant) => vacant.insert(0),
    /// }
    /// assert_eq!(memo.probe(a).ok(), Some(0));
    /// assert_eq!(memo.len(), 1);
    /// ```
    #[inline(always)]
    pub fn probe(&mut self, obj: Obj) -> Result<V, Vacant<'_, V>> {
        let ObjTable {
            pages,
            immediates,
            len,
        } = self;
        let Some(slot) = obj.slot_index() else {
            return match immediates.get(&obj) {
                Some(&value) => Ok(value),
                None => Err(Vacant(Place::Immediate {
                    immediates,
                    len,
                    obj,
                })),
            };
        };
        let version = obj.slot_version();
        if let Some(entry) = pages.get(slot) {
            if entry.version == version {
                return Ok(entry.value);
            }
        }
        Err(Vacant(Place::Slot {
            pages,
            len,
            slot,
            version,
        }))
    }

    /// How many objects have a value.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no object has a value.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Forgets every value, keeping a few cleared pages so that the next
    /// walk of a small graph allocates nothing: for a table reused across
    /// many small walks (a dump's memo), where allocating and zeroing its
    /// first page was a fifth of pickling a 20-int tuple. Slower than
    /// [`clear`](ObjTable::clear) by the clearing of the pages kept.
    ///
    /// ```
    /// use pyobj::{Heap, ObjTable};
    /// let mut heap = Heap::new();
    /// let a = heap.new_list(vec![]);
    /// let mut memo: ObjTable<u32> = ObjTable::new();
    /// memo.insert(a, 3);
    /// memo.reset();
    /// assert_eq!((memo.get(a), memo.len()), (None, 0));
    /// ```
    pub fn reset(&mut self) {
        if self.len == 0 {
            // Nothing stored, so no page was made (a dump of one atom).
            return;
        }
        self.pages.reset();
        self.immediates.clear();
        self.len = 0;
    }

    /// Forgets every value (and frees the pages).
    pub fn clear(&mut self) {
        self.pages = Pages::new();
        self.immediates.clear();
        self.len = 0;
    }
}

/// Where [`ObjTable::probe`] found no value: [`Vacant::insert`] stores
/// one there without looking the object up again.
pub struct Vacant<'a, V>(Place<'a, V>);

impl<V> std::fmt::Debug for Vacant<'_, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vacant")
    }
}

enum Place<'a, V> {
    Slot {
        pages: &'a mut Pages<V>,
        len: &'a mut usize,
        slot: usize,
        version: u32,
    },
    Immediate {
        immediates: &'a mut hashbrown::HashMap<Obj, V, rustc_hash::FxBuildHasher>,
        len: &'a mut usize,
        obj: Obj,
    },
}

impl<V: Copy + Default> Vacant<'_, V> {
    /// How many objects the table holds (the next memo index).
    #[inline(always)]
    pub fn table_len(&self) -> usize {
        match &self.0 {
            Place::Slot { len, .. } | Place::Immediate { len, .. } => **len,
        }
    }

    /// Stores `value` for the object probed.
    // Not `ObjTable::insert`: the probe already decoded the handle and
    // found no value, and skipping both again is 2–3% of a dump of short
    // strs (callgrind; going through `insert`, or a store shared with it
    // that looks at the previous value, measured 2–3% more).
    #[inline(always)]
    pub fn insert(self, value: V) {
        match self.0 {
            Place::Slot {
                pages,
                len,
                slot,
                version,
            } => {
                *pages.entry_mut(slot) = Entry { version, value };
                *len += 1;
            }
            Place::Immediate {
                immediates,
                len,
                obj,
            } => {
                immediates.insert(obj, value);
                *len += 1;
            }
        }
    }
}

/// A page with no entries (once per 128 slots touched). Fixed-size, so
/// lookups index it by `slot % PAGE` without a bounds check (6% fewer
/// instructions dumping short strs).
#[cold]
fn new_page<V: Copy + Default>() -> Box<Page<V>> {
    Box::new(
        [Entry {
            version: 0,
            value: V::default(),
        }; PAGE],
    )
}

#[cfg(test)]
mod tests {
    use super::ObjTable;
    use crate::Heap;

    /// `probe` then `Vacant::insert` agrees with `get`/`insert` for slot
    /// objects on several pages (some made by the insert), for ints carried
    /// in their handles, and for a slot reused by a newer object.
    #[test]
    fn probe_agrees_with_get_and_insert() {
        let mut heap = Heap::new();
        let objects: Vec<_> = (0..3000).map(|_| heap.new_list(vec![])).collect();
        let ints: Vec<_> = [0i64, -1, 1 << 40, -(1 << 61)]
            .into_iter()
            .map(|v| heap.new_int(v))
            .collect();
        let mut probed: ObjTable<u32> = ObjTable::new();
        let mut plain: ObjTable<u32> = ObjTable::new();
        for (i, &obj) in objects.iter().chain(&ints).enumerate().step_by(3) {
            let len = probed.len();
            match probed.probe(obj) {
                Ok(_) => panic!("{i} found before it was stored"),
                Err(vacant) => {
                    assert_eq!(vacant.table_len(), len);
                    vacant.insert(i as u32);
                }
            }
            plain.insert(obj, i as u32);
        }
        assert_eq!(probed.len(), plain.len());
        for &obj in objects.iter().chain(&ints) {
            assert_eq!(probed.get(obj), plain.get(obj));
            assert_eq!(probed.probe(obj).ok(), plain.get(obj));
        }
        // A dropped object's slot, reused, has a new version: no old entry.
        let old = objects[0];
        drop(objects);
        heap.collect();
        let reused = (0..4000)
            .map(|_| heap.new_list(vec![]))
            .find(|obj| obj.slot_index() == old.slot_index())
            .expect("the freed slot is reused");
        assert_eq!(probed.get(reused), None);
        assert!(probed.probe(reused).is_err());
    }

    /// Pages are listed from the lowest one touched: a walk that starts
    /// high and goes down (and one that jumps both ways) finds every value
    /// it stored and none it did not.
    #[test]
    fn values_survive_the_page_list_growing_down_and_up() {
        let mut heap = Heap::new();
        let objects: Vec<_> = (0..5000).map(|_| heap.new_list(vec![])).collect();
        let order: Vec<usize> = (0..5000)
            .rev()
            .step_by(7)
            .chain((0..5000).step_by(11))
            .chain([4999, 0, 2500, 129, 128, 127])
            .collect();
        let mut table: ObjTable<u32> = ObjTable::new();
        for &i in &order {
            table.insert(objects[i], i as u32);
        }
        for (i, &obj) in objects.iter().enumerate() {
            let stored = order.contains(&i).then_some(i as u32);
            assert_eq!(table.get(obj), stored, "object {i}");
        }
    }

    /// A reset table has no values, however many pages it touched, and
    /// stores and finds values again on the pages it kept and new ones.
    #[test]
    fn a_reset_table_forgets_everything_and_works_again() {
        let mut heap = Heap::new();
        let objects: Vec<_> = (0..3000).map(|_| heap.new_list(vec![])).collect();
        let five = heap.new_int(5);
        let mut table: ObjTable<u32> = ObjTable::new();
        for round in 0..3u32 {
            for (i, &obj) in objects.iter().enumerate().skip(round as usize) {
                table.insert(obj, i as u32 + round);
            }
            table.insert(five, round);
            for (i, &obj) in objects.iter().enumerate() {
                let stored = (i >= round as usize).then_some(i as u32 + round);
                assert_eq!(table.get(obj), stored, "round {round}, object {i}");
            }
            assert_eq!(table.get(five), Some(round));
            table.reset();
            assert_eq!(table.len(), 0);
            assert!(objects.iter().all(|&obj| table.get(obj).is_none()));
            assert_eq!(table.get(five), None);
        }
    }

    /// Small walks in a row, as a kept memo sees them: the one page a walk
    /// touched stays in place for the next, which may use it, use it and go
    /// elsewhere (its values there must survive), or start elsewhere (far
    /// off, so that a list spanning both would be long).
    #[test]
    fn a_page_kept_in_place_serves_the_next_walks_wherever_they_go() {
        let mut heap = Heap::new();
        let objects: Vec<_> = (0..40_000).map(|_| heap.new_list(vec![])).collect();
        let walks: [&[usize]; 6] = [
            &[3, 7],
            &[5, 9],
            &[11, 300, 12],
            &[39_000, 39_001],
            &[39_002, 2, 39_003],
            &[20_000],
        ];
        let mut table: ObjTable<u32> = ObjTable::new();
        for (walk, picks) in walks.iter().enumerate() {
            for (value, &i) in picks.iter().enumerate() {
                assert_eq!(table.insert(objects[i], value as u32), None, "walk {walk}");
            }
            for (i, &obj) in objects.iter().enumerate() {
                let stored = picks.iter().position(|&p| p == i).map(|v| v as u32);
                assert_eq!(table.get(obj), stored, "walk {walk}, object {i}");
            }
            assert_eq!(table.len(), picks.len());
            table.reset();
            assert!(objects.iter().all(|&obj| table.get(obj).is_none()));
        }
    }
}
