//! What an unpickler leaves, when dropped, for the next one made on its
//! thread: its stack, mark stack and memo vectors, emptied.
//!
//! A small load was mostly fixed cost, and three of its allocations (with
//! their frees) were these vectors: about 450 of the 2,980 instructions of
//! loading pyperformance's `TUPLE` (a 20-int list and an int). A job queue
//! or cache that loads many small pickles pays exactly that. Only vectors
//! of moderate size are kept, so a thread does not hold the memory of its
//! largest load; an unpickler made while another is alive on the same
//! thread finds nothing kept and allocates its own.

use std::cell::Cell;

use pyobj::Obj;

/// Vectors with room for more entries than this are freed, not kept.
const MAX_KEPT: usize = 4096;

/// The reusable vectors of an unpickler, empty.
#[derive(Default)]
pub(super) struct Kept {
    pub(super) stack: Vec<Obj>,
    pub(super) marks: Vec<usize>,
    pub(super) memo: Vec<Option<Obj>>,
}

thread_local! {
    static KEPT: Cell<Option<Kept>> = const { Cell::new(None) };
}

impl Kept {
    /// This thread's kept vectors, or new empty ones.
    pub(super) fn take() -> Kept {
        KEPT.try_with(Cell::take).ok().flatten().unwrap_or_default()
    }

    /// Keeps `self`'s vectors, emptied, for the thread's next unpickler;
    /// any too large to keep are freed.
    pub(super) fn keep(mut self) {
        fn tidy<T>(v: &mut Vec<T>) {
            if v.capacity() > MAX_KEPT {
                *v = Vec::new();
            }
            v.clear();
        }
        tidy(&mut self.stack);
        tidy(&mut self.marks);
        tidy(&mut self.memo);
        // A thread being torn down has no store; the vectors are freed.
        let _ = KEPT.try_with(|kept| kept.set(Some(self)));
    }
}
