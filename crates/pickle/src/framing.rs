//! The writer's framer: output buffering, protocol-4 FRAME headers, and
//! large payloads written outside frames, exactly where CPython puts them.

use std::io;

use crate::hugepages::{reserve_large, LARGE_PAYLOAD, TAIL_ROOM};
use crate::opcodes::Opcode;
use crate::spare::{write_int_run, Room, RunEnd, ROOM};
use crate::Result;

/// CPython closes a frame once its payload reaches this size.
pub(crate) const FRAME_SIZE_TARGET: usize = 64 * 1024;
/// Frames with fewer payload bytes are dropped (their header removed).
const FRAME_SIZE_MIN: usize = 4;
/// FRAME opcode plus its 8-byte length.
const FRAME_HEADER_SIZE: usize = 9;
/// The buffer's first capacity, CPython's `WRITE_BUF_SIZE`: a small pickle
/// is written without growing it (growing it from empty took four
/// reallocations, most of the time of dumping a tuple of 20 ints).
pub(crate) const INITIAL_CAPACITY: usize = 4096;

/// Buffers output and inserts FRAME headers.
#[derive(Debug)]
pub(crate) struct Framer<W> {
    sink: W,
    buffer: Vec<u8>,
    framing: bool,
    /// Where the open frame's reserved header starts in `buffer`.
    frame_start: Option<usize>,
    /// The buffer length at which the open frame is full (`usize::MAX`
    /// with no frame open), or, before protocol 4's framing, at which the
    /// buffer is handed to the sink: the per-save check is one comparison.
    commit_at: usize,
    /// The per-save check's bound: `commit_at`, or less so that a save that
    /// passes it finds [`ROOM`] bytes of spare capacity (see
    /// [`Framer::room`]). Invariant: `check_at <= capacity - ROOM` for the
    /// buffer's current capacity, which only grows between
    /// [`Framer::rearm`]s (the one place that replaces the buffer,
    /// `take_output`, rearms).
    check_at: usize,
    /// The buffer is the output (`dumps`, `to_vec`): it is never handed to
    /// the sink, so committed frames stay where they were written instead
    /// of being copied out. Set by [`Framer::in_memory`].
    keep: bool,
}

impl<W: io::Write> Framer<W> {
    pub(crate) fn new(sink: W) -> Self {
        Framer::with_buffer(sink, Vec::with_capacity(INITIAL_CAPACITY), false)
    }

    fn with_buffer(sink: W, buffer: Vec<u8>, keep: bool) -> Self {
        let mut framer = Framer {
            sink,
            buffer,
            framing: false,
            frame_start: None,
            commit_at: if keep { usize::MAX } else { FRAME_SIZE_TARGET },
            check_at: 0,
            keep,
        };
        framer.rearm();
        framer
    }

    /// A framer whose buffer is the whole output, taken at the end with
    /// [`Framer::take_output`]. Writing frames out to a `Vec` sink copied
    /// every byte of the pickle once more (a tenth of a dump of short strs).
    #[cfg(feature = "serde")]
    pub(crate) fn in_memory(sink: W) -> Self {
        Framer::in_memory_with(sink, Vec::with_capacity(INITIAL_CAPACITY))
    }

    /// An in-memory framer (see `in_memory`) writing into `buffer` (empty;
    /// its capacity is kept), which [`take_output`](Framer::take_output)
    /// gives back.
    pub(crate) fn in_memory_with(sink: W, buffer: Vec<u8>) -> Self {
        debug_assert!(buffer.is_empty());
        Framer::with_buffer(sink, buffer, true)
    }

    /// The buffer's capacity (an in-memory framer's output goes there).
    pub(crate) fn buffer_capacity(&self) -> usize {
        self.buffer.capacity()
    }

    /// How many bytes the buffer holds.
    pub(crate) fn buffer_len(&self) -> usize {
        self.buffer.len()
    }

    /// The output of an in-memory framer, as a copy of its exact size when
    /// it is at most `copy_max` bytes (the buffer is then kept, cleared),
    /// or else the buffer itself (as [`take_output`](Framer::take_output)).
    /// Clearing keeps the capacity, so the per-save bound stays valid.
    pub(crate) fn output_copied_up_to(&mut self, copy_max: usize) -> Vec<u8> {
        if self.buffer.len() <= copy_max {
            let output = self.buffer.clone();
            self.buffer.clear();
            output
        } else {
            self.take_output()
        }
    }

    /// Makes an in-memory framer as new (no frame open, whatever a failed
    /// dump left), keeping its buffer's capacity.
    pub(crate) fn reset_in_memory(&mut self) {
        debug_assert!(self.keep);
        self.buffer.clear();
        self.framing = false;
        self.frame_start = None;
        self.set_commit_at(usize::MAX);
    }

    /// The output of an in-memory framer.
    pub(crate) fn take_output(&mut self) -> Vec<u8> {
        let output = std::mem::take(&mut self.buffer);
        self.rearm();
        output
    }

    /// Sets the bound at which a save must commit, and the check's bound
    /// with it.
    #[inline]
    fn set_commit_at(&mut self, at: usize) {
        self.commit_at = at;
        self.rearm();
    }

    /// Recomputes `check_at` from `commit_at` and the buffer's capacity.
    #[inline]
    fn rearm(&mut self) {
        let roomy_until = self.buffer.capacity().saturating_sub(ROOM);
        self.check_at = self.commit_at.min(roomy_until);
    }

    pub(crate) fn into_inner(self) -> W {
        self.sink
    }

    pub(crate) fn sink_mut(&mut self) -> &mut W {
        &mut self.sink
    }

    /// Turns framing on for the rest of this dump (after PROTO, protocol 4+).
    pub(crate) fn start_framing(&mut self) {
        self.framing = true;
        if self.frame_start.is_none() {
            self.open_frame();
        }
    }

    /// Reserves the next frame's header. Frames are opened as soon as the
    /// previous one closes, not by the next write, so that writes need no
    /// check: a frame that stays empty (or under [`FRAME_SIZE_MIN`] bytes)
    /// loses its header when it closes, which is what CPython's lazy
    /// opening gives.
    #[cold]
    fn open_frame(&mut self) {
        let start = self.buffer.len();
        self.frame_start = Some(start);
        self.buffer.extend_from_slice(&[0; FRAME_HEADER_SIZE]);
        self.set_commit_at(start + FRAME_HEADER_SIZE + FRAME_SIZE_TARGET);
    }

    #[inline]
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// Writes an integer in decimal (protocol 0's INT, PUT and GET), without
    /// an intermediate string.
    pub(crate) fn write_decimal(&mut self, value: i64) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut rest = value.unsigned_abs();
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if value < 0 {
            self.buffer.push(b'-');
        }
        self.buffer.extend_from_slice(&digits[at..]);
    }

    #[inline]
    pub(crate) fn write_byte(&mut self, byte: u8) {
        self.buffer.push(byte);
    }

    /// CPython's check at the start of every save(): a frame that has grown
    /// to the target size is committed.
    #[inline]
    pub(crate) fn maybe_commit(&mut self) -> Result<()> {
        self.room().map(drop)
    }

    /// [`Framer::maybe_commit`], answering with [`ROOM`] bytes of spare
    /// capacity for the save's first write: the one comparison that
    /// decides whether a frame is full also stands for the capacity check
    /// of that write.
    #[inline]
    #[allow(unsafe_code)]
    pub(crate) fn room(&mut self) -> Result<Room<'_>> {
        if self.buffer.len() >= self.check_at {
            self.check_slow()?;
        }
        // SAFETY: either the check passed, so `len < check_at <= capacity -
        // ROOM` (the invariant on `check_at`), or `check_slow` has just
        // reserved ROOM bytes.
        Ok(unsafe { Room::assume(&mut self.buffer) })
    }

    /// Writes the leading ints of `items` that their handles carry and
    /// that fit 32 bits (BININT1, BININT2 or BININT, protocol 1 and up),
    /// each after the frame check a save begins with; answers how many.
    #[allow(unsafe_code)]
    pub(crate) fn write_int_run(&mut self, items: &[pyobj::Obj]) -> Result<usize> {
        let mut done = 0;
        while let Some(rest) = items.get(done..).filter(|rest| !rest.is_empty()) {
            // The first item's frame check (the run makes the others).
            self.maybe_commit()?;
            // SAFETY: the check leaves ROOM >= 8 bytes spare, and keeps
            // `check_at <= capacity - ROOM` (its invariant).
            let (written, end) = unsafe { write_int_run(&mut self.buffer, rest, self.check_at) };
            done += written;
            if end == RunEnd::Done {
                break;
            }
        }
        Ok(done)
    }

    /// Room for a write that is not the start of a save (no frame check).
    #[inline]
    pub(crate) fn spare_room(&mut self) -> Room<'_> {
        Room::reserve(&mut self.buffer)
    }

    /// [`Framer::room`]'s rare half, out of line so that the check inlined
    /// into every save is a comparison and a branch: commits a full frame,
    /// makes room, and sets the next bound.
    #[cold]
    #[inline(never)]
    fn check_slow(&mut self) -> Result<()> {
        if self.buffer.len() >= self.commit_at {
            self.commit()?;
        }
        self.buffer.reserve(ROOM);
        self.rearm();
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        if self.framing {
            self.close_frame()?;
            self.open_frame();
            return Ok(());
        }
        // Without frames the buffer is handed on in the same steps, so it
        // stays small and warm instead of growing to the whole pickle
        // (measured: a protocol 2 dump of `grouped` took three times as
        // long as protocol 4's, mostly in page faults of the growing
        // buffer), and a dump to a file holds at most a frame's worth in
        // memory.
        self.flush_buffer()?;
        self.set_commit_at(self.unframed_commit_at());
        Ok(())
    }

    /// Closes the open frame: fills in its header, or drops the header of a
    /// tiny frame; then hands everything buffered to the sink.
    fn close_frame(&mut self) -> Result<()> {
        self.set_commit_at(usize::MAX);
        if let Some(start) = self.frame_start.take() {
            let payload = self.buffer.len() - start - FRAME_HEADER_SIZE;
            if payload >= FRAME_SIZE_MIN {
                self.buffer[start] = Opcode::FRAME as u8;
                self.buffer[start + 1..start + FRAME_HEADER_SIZE]
                    .copy_from_slice(&(payload as u64).to_le_bytes());
            } else {
                self.buffer.drain(start..start + FRAME_HEADER_SIZE);
            }
        }
        self.flush_buffer()
    }

    /// Writes an opcode header and its payload; a large payload goes
    /// outside any frame.
    #[inline]
    pub(crate) fn write_large(&mut self, header: &Header, payload: &[u8]) -> Result<()> {
        let outside_frames = self.framing && payload.len() >= FRAME_SIZE_TARGET;
        if outside_frames {
            self.close_frame()?;
            if !self.keep {
                header.push_to(&mut self.buffer);
                self.flush_buffer()?;
                self.sink.write_all(payload)?;
                self.open_frame();
                return Ok(());
            }
            // In memory the payload follows in the buffer, outside any frame.
        }
        self.reserve_payload(9 + payload.len());
        header.push_to(&mut self.buffer);
        self.buffer.extend_from_slice(payload);
        if outside_frames {
            self.open_frame();
        }
        Ok(())
    }

    /// Room for a payload: a large one in an output buffer goes into huge
    /// pages, with room after it (see `hugepages`).
    fn reserve_payload(&mut self, len: usize) {
        if self.keep && len >= LARGE_PAYLOAD {
            if self.buffer.capacity() - self.buffer.len() < len {
                reserve_large(&mut self.buffer, len + TAIL_ROOM);
            }
        } else {
            self.buffer.reserve(len);
        }
    }

    /// `commit_at` outside frames: the buffer goes to the sink every frame's
    /// worth, or, when it is the output, never.
    fn unframed_commit_at(&self) -> usize {
        if self.keep {
            usize::MAX
        } else {
            FRAME_SIZE_TARGET
        }
    }

    fn flush_buffer(&mut self) -> Result<()> {
        if self.keep {
            return Ok(());
        }
        if !self.buffer.is_empty() {
            self.sink.write_all(&self.buffer)?;
            self.buffer.clear();
        }
        Ok(())
    }

    /// Ends a dump: commits the last frame and flushes.
    pub(crate) fn finish(&mut self) -> Result<()> {
        self.close_frame()?;
        self.framing = false;
        self.set_commit_at(self.unframed_commit_at());
        self.sink.flush()?;
        Ok(())
    }
}

/// An opcode and its little-endian length (1, 4 or 8 bytes), built on the
/// stack, for the payloads [`Framer::write_large`] places: long strs, bytes
/// and bytearrays. Its bytes are copied with sizes known at compile time.
/// (Short strs and their memo stores take `spare::Room::put_parts`, which
/// does not assemble the header in memory first.)
pub(crate) struct Header {
    bytes: [u8; 9],
    len: u8,
}

impl Header {
    #[inline]
    pub(crate) fn new<const N: usize>(op: Opcode, length: [u8; N]) -> Header {
        const { assert!(N == 1 || N == 4 || N == 8) };
        let mut bytes = [0u8; 9];
        bytes[0] = op as u8;
        if let Some(dst) = bytes.get_mut(1..=N) {
            dst.copy_from_slice(&length);
        }
        Header {
            bytes,
            len: 1 + N as u8,
        }
    }

    #[inline]
    fn push_to(&self, buffer: &mut Vec<u8>) {
        // The three lengths `new` makes, each copied with a constant size.
        match self.len {
            2 => buffer.extend_from_slice(&self.bytes[..2]),
            5 => buffer.extend_from_slice(&self.bytes[..5]),
            _ => buffer.extend_from_slice(&self.bytes),
        }
    }
}
