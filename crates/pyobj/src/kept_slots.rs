//! What a dropped heap leaves for the next one made on its thread: its slot
//! storage, emptied.
//!
//! A heap made per message or per request wrote every object of its first
//! load into storage that no recent work had touched, and that cost more
//! than the instructions: loading `grouped` (20,000 strs) into a new heap
//! took 0.50 ms against 0.39 ms into a heap that had loaded it before and
//! been collected, with the same instruction counts within 6%, no page
//! faults, and no change when the storage was reserved before the clock
//! started. A new heap that takes over the emptied storage of the last one
//! loads at the second speed.
//!
//! Only storage of up to [`MAX_KEPT_SLOTS`] slots (4 MiB) is kept, so a
//! thread holds at most that after its heaps are gone; a heap made while
//! another heap's storage is in use finds nothing kept and allocates its
//! own. Emptying advances every slot's version, so a handle of the dropped
//! heap is stale in the next one rather than naming one of its objects.

use std::cell::Cell;

use slotmap::SlotMap;

use crate::handle::SlotKey;
use crate::Object;

/// Storage with room for more slots than this is freed, not kept: as much
/// as a load reserves up front (`HEAP_PRESIZE` in the pickle crate).
pub(crate) const MAX_KEPT_SLOTS: usize = 1 << 17;

thread_local! {
    static KEPT: Cell<Option<SlotMap<SlotKey, Object>>> = const { Cell::new(None) };
}

/// The thread's kept slot storage, empty, if there is one.
pub(crate) fn take() -> Option<SlotMap<SlotKey, Object>> {
    KEPT.try_with(Cell::take).ok().flatten()
}

/// Empties `objects` and keeps it for the thread's next heap, unless it is
/// too large to keep (then it is freed).
pub(crate) fn keep(mut objects: SlotMap<SlotKey, Object>) {
    if objects.capacity() > MAX_KEPT_SLOTS {
        return;
    }
    objects.clear();
    // A thread being torn down has no store; the storage is freed.
    let _ = KEPT.try_with(|kept| kept.set(Some(objects)));
}

#[cfg(test)]
mod tests {
    use crate::Heap;

    #[test]
    fn the_next_heap_on_the_thread_reuses_the_storage_and_old_handles_are_stale() {
        let mut first = Heap::new();
        first.reserve(10_000);
        let old: Vec<_> = (0..1000).map(|i| first.new_str(&format!("s{i}"))).collect();
        let capacity = first.objects.capacity();
        drop(first);
        let mut second = Heap::new();
        assert_eq!(second.objects.capacity(), capacity);
        let new: Vec<_> = (0..1000)
            .map(|i| second.new_str(&format!("t{i}")))
            .collect();
        for (i, &obj) in new.iter().enumerate() {
            assert_eq!(second.as_str(obj).unwrap(), format!("t{i}"));
        }
        // Every slot the first heap used is reused with a newer version.
        for &obj in &old {
            assert!(second.get(obj).is_err());
        }
        assert_eq!(second.collect().freed, 1000);
    }

    #[test]
    fn large_storage_is_freed_not_kept() {
        drop(super::take());
        let mut big = Heap::new();
        big.reserve(super::MAX_KEPT_SLOTS + 1);
        assert!(big.objects.capacity() > super::MAX_KEPT_SLOTS);
        drop(big);
        assert!(super::take().is_none());
        let small = Heap::new();
        drop(small);
        assert!(super::take().is_some());
    }
}
