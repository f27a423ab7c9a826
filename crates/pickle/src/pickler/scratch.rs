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
//! the buffer itself, as before, and the next dump starts a new one, with
//! room for what the last one wrote (up to 4 MiB): growing a buffer from
//! 4 KiB to a few hundred KiB copied it again at each doubling, 6% of a
//! dump of `grouped` at protocol 2 (131 → 123 µs with the room made at
//! once). A result that turns out much smaller than such a buffer gives
//! the rest back, and a small one drops it (the next buffer is small
//! again), so neither the results nor the thread hold more than they
//! would have. A dump made while another is in progress on the same thread
//! (from a hook) finds nothing kept and allocates its own.

use std::cell::Cell;
use std::io;

use pyobj::ObjTable;

use super::Pickler;
use crate::framing::{Framer, INITIAL_CAPACITY};
use crate::hugepages::LARGE_PAYLOAD;
use crate::spare::ROOM;
use crate::DumpOptions;

/// Results up to this size are copied out, and the buffer kept: within
/// glibc's per-thread cache (1,032 bytes), where allocating the copy is
/// cheap.
const COPY_OUT_MAX: usize = 1024;

/// The most room a new buffer is given for what the last dump wrote. Below
/// `hugepages::LARGE_PAYLOAD`, so that a buffer about to receive a large
/// payload still reserves it in huge pages.
const PRESIZE_MAX: usize = LARGE_PAYLOAD;

/// A task stack, reduce-tail stack or fast-mode set that grew past this
/// (deep nesting) is not kept.
const MAX_KEPT: usize = 1024;

/// The in-memory pickler `dumps` uses, kept whole: making and dropping
/// its fields (and moving the memo in and out of it) was a third of a
/// dump of `None`.
type Kept = Box<Pickler<io::Sink>>;

thread_local! {
    static KEPT: Cell<Option<Kept>> = const { Cell::new(None) };
    /// The capacity of the next buffer made after a result took the last.
    static NEXT_CAPACITY: Cell<usize> = const { Cell::new(INITIAL_CAPACITY) };
}

/// The capacity of a new buffer made after a result took the last one.
fn next_capacity() -> usize {
    NEXT_CAPACITY
        .try_with(Cell::get)
        .unwrap_or(INITIAL_CAPACITY)
}

fn set_next_capacity(capacity: usize) {
    let _ = NEXT_CAPACITY.try_with(|next| next.set(capacity));
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
                    Framer::in_memory_with(io::sink(), Vec::with_capacity(next_capacity()));
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
#[inline]
pub(super) fn output(pickler: &mut Pickler<io::Sink>) -> Vec<u8> {
    let framer = &mut pickler.framer;
    if framer.buffer_len() <= COPY_OUT_MAX && framer.buffer_capacity() <= 4 * INITIAL_CAPACITY {
        return framer.output_copied_up_to(COPY_OUT_MAX);
    }
    output_sizing_next_buffer(pickler)
}

/// [`output`] of a result that takes the buffer, or of a small one in a
/// buffer made for a large one: sizes the thread's next buffer, and gives
/// back what a result does not use of room made for a larger one.
#[cold]
#[inline(never)]
fn output_sizing_next_buffer(pickler: &mut Pickler<io::Sink>) -> Vec<u8> {
    let mut output = pickler.framer.output_copied_up_to(COPY_OUT_MAX);
    if output.len() > COPY_OUT_MAX {
        // The buffer went with the result: the next starts with room for as
        // much again, and a little more.
        let room = output.len() + output.len() / 8 + 2 * ROOM;
        set_next_capacity(room.clamp(INITIAL_CAPACITY, PRESIZE_MAX));
        if output.capacity() > INITIAL_CAPACITY && output.capacity() / 2 > output.len() {
            // Room made for a larger result than this one (a buffer that
            // grew by doubling is never more than twice its contents).
            output.shrink_to_fit();
        }
    } else {
        // A small result in a buffer made for a large one: the thread keeps
        // a small buffer again.
        pickler.framer = Framer::in_memory_with(io::sink(), Vec::with_capacity(INITIAL_CAPACITY));
        set_next_capacity(INITIAL_CAPACITY);
    }
    output
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
