//! What [`dumps`](super::dumps) keeps between calls on one thread: its
//! whole in-memory pickler, with the output buffer, the memo's pages and
//! the task stack.
//!
//! Pickling a small object is mostly fixed cost. Allocating those three
//! and freeing them again was over a quarter of the instructions of
//! pickling pyperformance's `TUPLE` (a 20-int list and an int): the 4 KiB
//! output buffer is too large for glibc's per-thread cache, so each dump
//! took `malloc`'s and `free`'s slow paths, and the memo's first page was
//! allocated and zeroed. A job queue or cache that pickles many small
//! values pays exactly that. CPython avoids part of it with pymalloc's
//! free lists; here each thread keeps one set, reset (the memo's pages
//! cleared, at most a few kept) after each dump.
//!
//! A small result is copied out of the kept buffer into a vector of its
//! exact size (for which the allocator's cache is fast); a larger one takes
//! the buffer itself, as before, and the next dump starts a new one. A dump
//! made while another is in progress on the same thread (from a hook) finds
//! nothing kept and allocates its own.

use std::cell::Cell;
use std::io;

use pyobj::ObjTable;

use super::Pickler;
use crate::framing::{Framer, INITIAL_CAPACITY};
use crate::DumpOptions;

/// Results up to this size are copied out, and the buffer kept: within
/// glibc's per-thread cache (1,032 bytes), where allocating the copy is
/// cheap.
const COPY_OUT_MAX: usize = 1024;

/// A task stack, reduce-tail stack or fast-mode set that grew past this
/// (deep nesting) is not kept.
const MAX_KEPT: usize = 1024;

/// The in-memory pickler `dumps` uses, kept whole: making and dropping
/// its fields (and moving the memo in and out of it) was a third of a
/// dump of `None`.
type Kept = Box<Pickler<io::Sink>>;

thread_local! {
    static KEPT: Cell<Option<Kept>> = const { Cell::new(None) };
}

/// This thread's kept pickler set to `options`, or a new one. Boxed, so
/// that taking and keeping it moves a pointer.
pub(super) fn take(options: DumpOptions) -> Kept {
    match KEPT.try_with(Cell::take).ok().flatten() {
        Some(mut pickler) => {
            pickler.options = options;
            if pickler.framer.buffer_capacity() < INITIAL_CAPACITY {
                // The last result took the buffer with it.
                pickler.framer =
                    Framer::in_memory_with(io::sink(), Vec::with_capacity(INITIAL_CAPACITY));
            }
            pickler
        }
        None => Box::new(Pickler::with_parts(
            Framer::in_memory_with(io::sink(), Vec::with_capacity(INITIAL_CAPACITY)),
            options,
            ObjTable::new(),
            // Room for a few levels of nesting: growing from empty took
            // two reallocations in a dump of a small tuple.
            Vec::with_capacity(16),
        )),
    }
}

/// The result of a finished dump: a copy of a small one (the buffer is
/// kept), or the buffer itself.
pub(super) fn output(pickler: &mut Pickler<io::Sink>) -> Vec<u8> {
    pickler.framer.output_copied_up_to(COPY_OUT_MAX)
}

/// Resets `pickler` (memo, stacks, buffer) and keeps it for the thread's
/// next dump.
pub(super) fn keep(mut pickler: Kept) {
    pickler.framer.reset_in_memory();
    pickler.memo.reset();
    fn tidy<T>(v: &mut Vec<T>) {
        if v.capacity() > MAX_KEPT {
            *v = Vec::new();
        }
        v.clear();
    }
    tidy(&mut pickler.tasks);
    tidy(&mut pickler.tails);
    if pickler.in_progress.capacity() > MAX_KEPT {
        pickler.in_progress = Default::default();
    }
    pickler.in_progress.clear();
    pickler.scratch.clear();
    // A thread being torn down has no store; the pickler is dropped.
    let _ = KEPT.try_with(|kept| kept.set(Some(pickler)));
}
