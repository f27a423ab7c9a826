//! What [`dumps`](super::dumps) keeps between calls on one thread: the
//! output buffer, the memo's pages and the task stack.
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

use pyobj::ObjTable;

use super::Task;
use crate::framing::INITIAL_CAPACITY;

/// Results up to this size are copied out, and the buffer kept: within
/// glibc's per-thread cache (1,032 bytes), where allocating the copy is
/// cheap.
const COPY_OUT_MAX: usize = 1024;

/// A task stack that grew past this (deep nesting) is not kept.
const MAX_KEPT_TASKS: usize = 1024;

/// The reusable parts of a pickler.
pub(super) struct Scratch {
    pub(super) buffer: Vec<u8>,
    pub(super) memo: ObjTable<u32>,
    pub(super) tasks: Vec<Task>,
}

thread_local! {
    static KEPT: Cell<Option<Box<Scratch>>> = const { Cell::new(None) };
}

impl Scratch {
    fn new() -> Box<Scratch> {
        Box::new(Scratch {
            buffer: Vec::with_capacity(INITIAL_CAPACITY),
            memo: ObjTable::new(),
            // Room for a few levels of nesting: growing from empty took two
            // reallocations in a dump of a small tuple.
            tasks: Vec::with_capacity(16),
        })
    }

    /// This thread's kept scratch, or a new one. Boxed, so that taking
    /// and keeping it moves a pointer, not the parts.
    pub(super) fn take() -> Box<Scratch> {
        let mut scratch = KEPT
            .try_with(Cell::take)
            .ok()
            .flatten()
            .unwrap_or_else(Scratch::new);
        if scratch.buffer.capacity() < INITIAL_CAPACITY {
            // The last result took the buffer with it.
            scratch.buffer = Vec::with_capacity(INITIAL_CAPACITY);
        }
        scratch
    }

    /// The result of a dump whose output is in `self.buffer`: a copy of a
    /// small one, or the buffer itself.
    pub(super) fn output(&mut self) -> Vec<u8> {
        if self.buffer.len() <= COPY_OUT_MAX {
            let output = self.buffer.clone();
            self.buffer.clear();
            output
        } else {
            std::mem::take(&mut self.buffer)
        }
    }

    /// Resets this scratch and keeps it for the thread's next dump.
    pub(super) fn keep(mut self: Box<Self>) {
        self.buffer.clear();
        self.memo.reset();
        if self.tasks.capacity() > MAX_KEPT_TASKS {
            self.tasks = Vec::with_capacity(16);
        }
        self.tasks.clear();
        // A thread being torn down has no store; the scratch is dropped.
        let _ = KEPT.try_with(|kept| kept.set(Some(self)));
    }
}
