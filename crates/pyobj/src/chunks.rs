//! Shared chunks for the bytes of medium-sized strs.
//!
//! A str of 15 to 63 bytes (longer than fits inline, shorter than a boxed
//! slice is worth) used to own one heap allocation. Loading pyperformance's
//! `DICT_GROUP` (three profile dicts of 20-odd-byte keys and values) made a
//! hundred of them per load, and a fifth of the load's instructions were
//! glibc `malloc`'s slow path: its per-thread cache holds seven blocks of a
//! size, so a load after the previous heap was freed sorts its unsorted
//! bins for nearly every str. CPython avoids the same cost with pymalloc's
//! pools; this is ours, shaped to the one use.
//!
//! A [`Chunks`] (one per heap) hands out room in 16 KiB chunks by bumping
//! an offset: a copy and a few instructions per str, packed at byte
//! granularity. Each chunk counts the [`ChunkBytes`] pointing into it and
//! is freed when the last is dropped, so memory held by unreachable strs is
//! reclaimed as it is for any other object — a chunk at a time, like
//! pymalloc's pools: one live str keeps its 16 KiB chunk.
//!
//! The count is atomic because a [`Str`](crate::Str) is `Send` and `Sync`
//! (clones of one str may be dropped on different threads). Handing a str
//! out touches no atomic: a chunk starts with a count of [`BIAS`], more
//! than the strs it can hold, and when the allocator moves on it subtracts
//! the bias less the number it handed out, leaving exactly the live count.
//! Until then the count cannot reach zero, however many strs are dropped.
//!
//! Layout: a chunk is aligned to its size, so a [`ChunkBytes`] is one
//! pointer (to its length byte, followed by the text) and finds its chunk's
//! header by masking. That keeps `Str`'s representation at 16 bytes.
//!
//! Each thread keeps one free chunk for its next allocator rather than
//! freeing it (see [`Spare`]).
//!
//! This module is the crate's one use of `unsafe`: the chunk's raw
//! allocation, the writes into it, the reads of a str's bytes from it, and
//! the `Send`/`Sync` claims. The invariants, relied on by each:
//! - a chunk is a live allocation of [`CHUNK_SIZE`] bytes aligned to
//!   [`CHUNK_SIZE`], its first bytes a [`Header`], for as long as its count
//!   is nonzero;
//! - a `ChunkBytes` points inside its chunk, at a length byte `n` followed
//!   by `n` initialised bytes that are never written again;
//! - every `ChunkBytes` (handed out or cloned) holds one count, and the
//!   allocator holds the rest of the bias until it retires the chunk.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::cell::Cell;
use std::ptr::NonNull;
use std::sync::atomic::{fence, AtomicUsize, Ordering};

/// Bytes per chunk, and its alignment.
pub(crate) const CHUNK_SIZE: usize = 16 * 1024;

/// The most text one [`ChunkBytes`] holds: its length is one byte.
pub(crate) const MAX_LEN: usize = u8::MAX as usize;

/// A fresh chunk's count: more than the number of strs it can hold (each
/// takes at least its length byte), so it stays above zero while the
/// allocator still hands out from it.
const BIAS: usize = CHUNK_SIZE;

/// The start of every chunk.
#[repr(C)]
struct Header {
    /// Live `ChunkBytes` in this chunk, plus the allocator's bias while it
    /// is the current one.
    refs: AtomicUsize,
}

/// Where the text starts: after the header, which is one word.
const FIRST: usize = std::mem::size_of::<Header>();

fn layout() -> Layout {
    // Size and alignment are the same nonzero power of two.
    Layout::from_size_align(CHUNK_SIZE, CHUNK_SIZE).unwrap_or_else(|_| unreachable!())
}

/// Drops `count` references to the chunk at `header`, freeing it when
/// they were the last. Release then acquire, as `Arc` does: every use of
/// the chunk's bytes happens before its memory is freed or reused.
///
/// # Safety
/// `header` is a live chunk and the caller holds `count` of its references.
#[allow(unsafe_code)]
unsafe fn release(header: NonNull<Header>, count: usize) {
    // SAFETY: the chunk is live while the caller holds references to it.
    let refs = unsafe { &header.as_ref().refs };
    if refs.fetch_sub(count, Ordering::Release) == count {
        fence(Ordering::Acquire);
        // No references are left, so nothing reads the chunk any more.
        keep_spare(header);
    }
}

/// One free chunk per thread, kept for the thread's next allocator instead
/// of being freed. A heap's first str of medium length otherwise costs an
/// aligned allocation (glibc's `posix_memalign`, about 760 instructions:
/// 2% of loading pyperformance's `DICT` into a fresh heap), and programs
/// that make a heap per request free one chunk and allocate the next each
/// time.
struct Spare(Cell<Option<NonNull<Header>>>);

impl Spare {
    /// Keeps `chunk` (free: no references) if the thread keeps none yet,
    /// and frees it otherwise.
    fn keep_or_free(&self, chunk: NonNull<Header>) {
        if self.0.get().is_none() {
            self.0.set(Some(chunk));
        } else {
            free(chunk);
        }
    }
}

impl Drop for Spare {
    fn drop(&mut self) {
        if let Some(chunk) = self.0.take() {
            free(chunk);
        }
    }
}

thread_local! {
    static SPARE: Spare = const { Spare(Cell::new(None)) };
}

/// Keeps or frees a chunk no reference points into.
fn keep_spare(chunk: NonNull<Header>) {
    // While the thread is torn down its slot is gone: free the chunk.
    if SPARE.try_with(|spare| spare.keep_or_free(chunk)).is_err() {
        free(chunk);
    }
}

/// The thread's kept chunk, if any.
fn take_spare() -> Option<NonNull<Header>> {
    SPARE.try_with(|spare| spare.0.take()).ok().flatten()
}

/// Frees a chunk no reference points into.
#[allow(unsafe_code)]
fn free(chunk: NonNull<Header>) {
    // SAFETY: callers pass chunks with no references left (nothing reads
    // them); every chunk was allocated with this layout.
    unsafe { dealloc(chunk.as_ptr().cast(), layout()) };
}

/// Text of at most [`MAX_LEN`] bytes in a shared chunk: a thin,
/// reference-counted handle, like an `Arc<[u8]>` that costs no allocation
/// of its own.
pub(crate) struct ChunkBytes {
    /// The length byte; the text follows it.
    at: NonNull<u8>,
}

// SAFETY: the bytes are immutable once handed out, and the count that keeps
// them alive is atomic, as in `Arc<[u8]>`.
#[allow(unsafe_code)]
unsafe impl Send for ChunkBytes {}
#[allow(unsafe_code)]
unsafe impl Sync for ChunkBytes {}

impl ChunkBytes {
    fn header(&self) -> NonNull<Header> {
        let chunk = self.at.as_ptr().map_addr(|at| at & !(CHUNK_SIZE - 1));
        // The chunk's address is nonzero (it holds `at`) and aligned.
        NonNull::new(chunk.cast::<Header>()).unwrap_or_else(|| unreachable!())
    }

    /// The text.
    #[inline]
    #[allow(unsafe_code)]
    pub(crate) fn bytes(&self) -> &[u8] {
        // SAFETY: `at` points at a length byte followed by that many
        // initialised, never-again-written bytes of a chunk this handle
        // keeps alive.
        unsafe {
            let len = usize::from(*self.at.as_ptr());
            std::slice::from_raw_parts(self.at.as_ptr().add(1), len)
        }
    }
}

impl Clone for ChunkBytes {
    #[allow(unsafe_code)]
    fn clone(&self) -> ChunkBytes {
        // SAFETY: this handle keeps the chunk alive.
        let refs = unsafe { &self.header().as_ref().refs };
        // As in `Arc`: a new reference is made from an existing one, so no
        // ordering is needed; a count near overflow means references are
        // being leaked on purpose, and continuing would free a chunk in use.
        if refs.fetch_add(1, Ordering::Relaxed) > isize::MAX as usize {
            std::process::abort();
        }
        ChunkBytes { at: self.at }
    }
}

impl Drop for ChunkBytes {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        // SAFETY: this handle holds one reference to a live chunk.
        unsafe { release(self.header(), 1) }
    }
}

/// The allocator: the current chunk, how much of it is used, and how many
/// handles it has given out from it.
pub(crate) struct Chunks {
    current: Option<NonNull<Header>>,
    used: usize,
    handed_out: usize,
}

// SAFETY: `Chunks` is only used through `&mut` (by the heap that owns it);
// the chunk it points to is shared with handles only through the atomic
// count and bytes that are written before they are handed out.
#[allow(unsafe_code)]
unsafe impl Send for Chunks {}
#[allow(unsafe_code)]
unsafe impl Sync for Chunks {}

impl Default for Chunks {
    fn default() -> Self {
        Chunks {
            current: None,
            used: CHUNK_SIZE,
            handed_out: 0,
        }
    }
}

impl std::fmt::Debug for Chunks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chunks")
            .field("used", &self.used)
            .field("handed_out", &self.handed_out)
            .finish()
    }
}

impl Chunks {
    /// A copy of `text` (at most [`MAX_LEN`] bytes, or `None`).
    #[inline]
    #[allow(unsafe_code)]
    pub(crate) fn copy(&mut self, text: &[u8]) -> Option<ChunkBytes> {
        if text.len() > MAX_LEN {
            return None;
        }
        let need = 1 + text.len();
        if self.used + need > CHUNK_SIZE {
            self.start_chunk();
        }
        let header = self.current?;
        // SAFETY: `used + need` is within the chunk (checked above; a fresh
        // chunk has room for `MAX_LEN + 1` bytes after its header), and
        // the bytes from `used` on have not been handed out.
        let at = unsafe {
            let at = header.as_ptr().cast::<u8>().add(self.used);
            at.write(text.len() as u8);
            std::ptr::copy_nonoverlapping(text.as_ptr(), at.add(1), text.len());
            NonNull::new_unchecked(at)
        };
        self.used += need;
        self.handed_out += 1;
        Some(ChunkBytes { at })
    }

    /// Retires the current chunk and starts a fresh one.
    #[cold]
    #[allow(unsafe_code)]
    fn start_chunk(&mut self) {
        self.retire();
        let header = match take_spare() {
            Some(spare) => spare,
            None => {
                // SAFETY: the layout has a nonzero size.
                let chunk = unsafe { alloc(layout()) };
                let Some(header) = NonNull::new(chunk.cast::<Header>()) else {
                    handle_alloc_error(layout());
                };
                header
            }
        };
        // SAFETY: a chunk (fresh, or kept with no references left) aligned
        // for, and larger than, a header; nothing else points into it.
        unsafe {
            header.as_ptr().write(Header {
                refs: AtomicUsize::new(BIAS),
            })
        };
        self.current = Some(header);
        self.used = FIRST;
        self.handed_out = 0;
    }

    /// Gives up the allocator's bias on the current chunk, leaving its
    /// count at the number of live handles (and freeing it if none are).
    #[allow(unsafe_code)]
    fn retire(&mut self) {
        if let Some(header) = self.current.take() {
            // SAFETY: the allocator holds `BIAS - handed_out` references:
            // the bias, less the one each handle it gave out took over.
            unsafe { release(header, BIAS - self.handed_out) };
        }
        self.used = CHUNK_SIZE;
    }
}

impl Drop for Chunks {
    fn drop(&mut self) {
        self.retire();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Enough strs for several chunks; fewer under Miri, which is slow.
    const MANY: u32 = if cfg!(miri) { 1_000 } else { 10_000 };

    #[test]
    fn handles_keep_their_text_across_chunks_and_outlive_the_allocator() {
        let mut chunks = Chunks::default();
        let texts: Vec<Vec<u8>> = (0..MANY as usize / 3)
            .map(|i| (0..(i % 256)).map(|j| (i * 7 + j) as u8).collect())
            .collect();
        let handles: Vec<ChunkBytes> = texts.iter().map(|t| chunks.copy(t).unwrap()).collect();
        let clones: Vec<ChunkBytes> = handles.iter().step_by(3).cloned().collect();
        drop(chunks);
        for (text, handle) in texts.iter().zip(&handles) {
            assert_eq!(handle.bytes(), &text[..]);
        }
        drop(handles);
        for (text, clone) in texts.iter().step_by(3).zip(&clones) {
            assert_eq!(clone.bytes(), &text[..]);
        }
    }

    #[test]
    fn a_freed_chunk_is_kept_for_the_threads_next_allocator() {
        let first = {
            let mut chunks = Chunks::default();
            let handle = chunks.copy(b"kept for the next heap").unwrap();
            handle.header()
        };
        // Allocator and handle are gone: the chunk went to the spare slot.
        let mut chunks = Chunks::default();
        let handle = chunks.copy(b"in the same chunk again").unwrap();
        assert_eq!(handle.header(), first);
        assert_eq!(handle.bytes(), b"in the same chunk again");
    }

    #[test]
    fn text_longer_than_a_length_byte_is_refused() {
        let mut chunks = Chunks::default();
        assert!(chunks.copy(&[b'x'; MAX_LEN + 1]).is_none());
        assert_eq!(
            chunks.copy(&[b'x'; MAX_LEN]).unwrap().bytes().len(),
            MAX_LEN
        );
        assert_eq!(chunks.copy(b"").unwrap().bytes(), b"");
    }

    #[test]
    fn handles_dropped_on_other_threads_free_their_chunks_once() {
        let mut chunks = Chunks::default();
        let handles: Vec<ChunkBytes> = (0..MANY)
            .map(|i| chunks.copy(format!("{i:040}").as_bytes()).unwrap())
            .collect();
        let clones: Vec<ChunkBytes> = handles.to_vec();
        std::thread::scope(|scope| {
            scope.spawn(move || drop(handles));
            scope.spawn(move || {
                for clone in &clones {
                    assert_eq!(clone.bytes().len(), 40);
                }
                drop(clones)
            });
        });
    }
}
