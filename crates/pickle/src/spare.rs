//! Small records appended through a vector's spare capacity.
//!
//! The commonest write of a dump is a short str and its memo store: an
//! opcode and length, up to 14 bytes, and MEMOIZE or BINPUT. Written with
//! `extend_from_slice` three times, the compiler reloads the vector's
//! pointer, length and capacity after every part (a byte store may alias
//! them, as far as it knows) and checks the capacity again each time: 40
//! instructions for 17 bytes. Here the capacity is reserved once, the parts
//! are written into the spare capacity through one slice, and the length is
//! set once. Measured with callgrind on `grouped` (20,000 short strs) and on
//! a million short strs, together with the inline call site in the
//! pickler's str path: 25% and 29% fewer instructions per dump, and the
//! wall time of a `grouped` protocol 4 dump 189 → 140 µs.
//!
//! Assembling the record in a stack array and copying that in one piece
//! took fewer instructions still but ran slower (189 → 242 µs): the copy
//! reads the array right after its parts were stored, which stalls.
//!
//! A write that begins a save needs no capacity check either: the frame
//! check every save makes compares the length against a bound that also
//! keeps [`ROOM`] bytes free (see `Framer::room`), and its answer is a
//! [`Room`], which the write consumes. On `to_vec` of 100,000 records that
//! took 90.4M → 82.3M instructions (each of about 18 writes per record had
//! loaded the capacity, compared and branched right after the frame check
//! had compared and branched), 7.7 → 7.5 ms.
//!
//! This is the crate's second use of `unsafe` (after `hugepages`): the
//! unchecked stores into the spare capacity and the `set_len` after them
//! (in `write_padded` and `write_parts`, each with the capacity it needs
//! as its precondition, and in `write_int_run`, whose bound keeps 8 bytes
//! spare at every store), `Room::assume`, whose caller promises the room,
//! and `Framer::room` and `Framer::write_int_run`, the callers, whose
//! frame checks keep the promises.

use std::mem::MaybeUninit;

/// Spare capacity a [`Room`] stands for: the largest record its writes
/// take (a short str with header and memo store is at most 262 bytes).
pub(crate) const ROOM: usize = 512;

/// Proof that a buffer has [`ROOM`] bytes of spare capacity, good for one
/// write (each method consumes it). The framer hands one out from its
/// per-save check (see `Framer::room`), whose bound already keeps that much
/// capacity free, so the save's first write needs no capacity check of its
/// own.
pub(crate) struct Room<'a> {
    buffer: &'a mut Vec<u8>,
}

impl<'a> Room<'a> {
    /// # Safety
    /// `buffer` has at least [`ROOM`] bytes of spare capacity.
    #[inline(always)]
    #[allow(unsafe_code)]
    pub(crate) unsafe fn assume(buffer: &'a mut Vec<u8>) -> Self {
        debug_assert!(buffer.capacity() - buffer.len() >= ROOM);
        Room { buffer }
    }

    /// Reserves the room in `buffer`: for a write that no frame check
    /// precedes.
    #[inline(always)]
    pub(crate) fn reserve(buffer: &'a mut Vec<u8>) -> Self {
        buffer.reserve(ROOM);
        Room { buffer }
    }

    /// Appends `bytes`.
    #[inline(always)]
    pub(crate) fn put<const N: usize>(self, bytes: [u8; N]) {
        self.put_padded([], &bytes, N, []);
    }

    /// Appends `header`, the first `len` bytes of `padded` and `trailer`.
    #[inline(always)]
    #[allow(unsafe_code)]
    pub(crate) fn put_padded<const H: usize, const P: usize, const T: usize>(
        self,
        header: [u8; H],
        padded: &[u8; P],
        len: usize,
        trailer: [u8; T],
    ) {
        const { assert!(H + P + T <= ROOM) };
        // SAFETY: a `Room` holds ROOM >= H + P + T bytes of spare capacity.
        unsafe { write_padded(self.buffer, header, padded, len, trailer) }
    }

    /// Appends `header`, `payload` and `trailer`; a payload too long for the
    /// room is appended with a capacity check.
    #[inline(always)]
    #[allow(unsafe_code)]
    pub(crate) fn put_parts<const H: usize, const T: usize>(
        self,
        header: [u8; H],
        payload: &[u8],
        trailer: [u8; T],
    ) {
        const { assert!(H + T <= ROOM) };
        if payload.len() > ROOM - H - T {
            return append_parts(self.buffer, header, payload, trailer);
        }
        // SAFETY: a `Room` holds ROOM >= H + payload.len() + T bytes of
        // spare capacity, as just compared.
        unsafe { write_parts(self.buffer, header, payload, trailer) }
    }
}

/// Why [`write_int_run`] stopped.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RunEnd {
    /// At an item that is not an int of 32 bits carried in its handle, or
    /// at the end of the items.
    Done,
    /// At the length bound, before the item at the answer's position.
    Bound,
}

/// Appends the BININT1, BININT2 or BININT record of each leading item of
/// `items` that is an int carried in its handle and fits 32 bits, the
/// first unconditionally (its save's frame check is the caller's), each
/// other while the buffer's length is below `bound`; answers how many it
/// wrote and why it stopped.
///
/// A list of small ints is the commonest payload of all, and the pickler's
/// general item loop spends about 30 instructions on each: it reloads the
/// buffer's length, its bound and the options after every write (a byte
/// store may alias them, as far as the compiler knows, and the loop makes
/// calls). Here nothing but the items and the buffer is in reach, so the
/// length lives in a register and each int is one store: 12 to 16
/// instructions (pyperformance's `LIST`, 200 one-byte ints in 31 lists,
/// 20.4K → 16.3K instructions per dump with the change beside it in
/// `save_items_from`).
///
/// # Safety
/// `bound <= buffer.capacity() - 8`, and the buffer has 8 bytes of spare
/// capacity.
#[inline(never)]
#[allow(unsafe_code)]
pub(crate) unsafe fn write_int_run(
    buffer: &mut Vec<u8>,
    items: &[pyobj::Obj],
    bound: usize,
) -> (usize, RunEnd) {
    use crate::opcodes::Opcode;
    let mut len = buffer.len();
    let at = buffer.as_mut_ptr();
    let mut written = 0;
    let mut end = RunEnd::Done;
    while let Some(item) = items.get(written) {
        let Some(v) = item.as_i32_int() else {
            break;
        };
        let v = v as u32;
        // SAFETY (the three writes): the first record goes into the 8 spare
        // bytes promised, each later one at `len < bound <= capacity - 8`:
        // inside the buffer's allocation; unaligned writes of plain bytes,
        // little-endian, the record in their low bytes (a wider write's
        // other bytes are spare capacity, overwritten by what follows).
        // The bytes each record initializes past the old length are
        // covered by `set_len` below. A store of its own width per case
        // keeps the cases branches, which a run of one width predicts,
        // rather than selects computed for every int (11 instructions).
        unsafe {
            let to = at.add(len);
            if v <= 0xff {
                let record = Opcode::BININT1 as u16 | (v as u16) << 8;
                to.cast::<u16>().write_unaligned(record.to_le());
                len += 2;
            } else if v <= 0xffff {
                let record = Opcode::BININT2 as u32 | v << 8;
                to.cast::<u32>().write_unaligned(record.to_le());
                len += 3;
            } else {
                let record = Opcode::BININT as u64 | u64::from(v) << 8;
                to.cast::<u64>().write_unaligned(record.to_le());
                len += 5;
            }
        }
        written += 1;
        if len >= bound {
            // The next item's frame check is the caller's.
            end = RunEnd::Bound;
            break;
        }
    }
    // SAFETY: bytes up to `len` were initialized, as above.
    unsafe { buffer.set_len(len) };
    (written, end)
}

/// Appends `header`, `payload` and `trailer`.
#[inline(always)]
#[allow(unsafe_code)]
fn append_parts<const H: usize, const T: usize>(
    buffer: &mut Vec<u8>,
    header: [u8; H],
    payload: &[u8],
    trailer: [u8; T],
) {
    buffer.reserve(H + payload.len() + T);
    // SAFETY: just reserved.
    unsafe { write_parts(buffer, header, payload, trailer) }
}

/// # Safety
/// `buffer` has at least H + P + T bytes of spare capacity.
#[inline(always)]
#[allow(unsafe_code)]
unsafe fn write_padded<const H: usize, const P: usize, const T: usize>(
    buffer: &mut Vec<u8>,
    header: [u8; H],
    padded: &[u8; P],
    len: usize,
    trailer: [u8; T],
) {
    let len = len.min(P);
    let old = buffer.len();
    let at = buffer.spare_capacity_mut().as_mut_ptr().cast::<u8>();
    // SAFETY: the three writes end at H + P, H + P and H + len + T <= H + P
    // + T bytes past the end, inside the spare capacity the caller
    // promised; unaligned writes of byte arrays. They initialize the first
    // H + len + T bytes, which `set_len` then covers.
    unsafe {
        at.cast::<[u8; H]>().write_unaligned(header);
        at.add(H).cast::<[u8; P]>().write_unaligned(*padded);
        at.add(H + len).cast::<[u8; T]>().write_unaligned(trailer);
        buffer.set_len(old + H + len + T);
    }
}

/// # Safety
/// `buffer` has at least H + payload.len() + T bytes of spare capacity.
#[inline(always)]
#[allow(unsafe_code)]
unsafe fn write_parts<const H: usize, const T: usize>(
    buffer: &mut Vec<u8>,
    header: [u8; H],
    payload: &[u8],
    trailer: [u8; T],
) {
    let n = payload.len();
    let old = buffer.len();
    let at = buffer.spare_capacity_mut().as_mut_ptr();
    // SAFETY: the header, `n` payload bytes and the trailer end H + n + T
    // bytes past the end, inside the spare capacity the caller promised;
    // they initialize exactly those bytes (`copy_short` answers that it
    // wrote all of `middle`), which `set_len` then covers.
    unsafe {
        at.cast::<[u8; H]>().write_unaligned(header);
        let middle = std::slice::from_raw_parts_mut(at.add(H), n);
        if !copy_short(middle, payload) {
            return;
        }
        at.add(H + n).cast::<[u8; T]>().write_unaligned(trailer);
        buffer.set_len(old + H + n + T);
    }
}

/// Copies `src` into `dst` and answers whether every byte of `dst` was
/// written (false, writing nothing, if their lengths differ). Up to 32
/// bytes are moved as two overlapping chunks, which is what most strs of a
/// pickle are; a `memcpy` call for them cost more than the copy.
#[inline(always)]
fn copy_short(dst: &mut [MaybeUninit<u8>], src: &[u8]) -> bool {
    if dst.len() != src.len() {
        return false;
    }
    match src.len() {
        0 => true,
        1 => match (dst.first_mut(), src.first()) {
            (Some(d), Some(&b)) => {
                *d = MaybeUninit::new(b);
                true
            }
            _ => false,
        },
        2..=3 => copy_overlapping::<2>(dst, src),
        4..=7 => copy_overlapping::<4>(dst, src),
        8..=16 => copy_overlapping::<8>(dst, src),
        17..=32 => copy_overlapping::<16>(dst, src),
        _ => {
            dst.write_copy_of_slice(src);
            true
        }
    }
}

/// Copies the first and the last `N` bytes of `src` into `dst` (the same
/// length, from `N` to `2 * N`): every byte, and answers true; false,
/// writing nothing, for lengths outside that range.
#[inline(always)]
fn copy_overlapping<const N: usize>(dst: &mut [MaybeUninit<u8>], src: &[u8]) -> bool {
    if dst.len() != src.len() || src.len() > 2 * N {
        return false;
    }
    match (
        src.first_chunk::<N>(),
        src.last_chunk::<N>(),
        dst.split_first_chunk_mut::<N>(),
    ) {
        (Some(head), Some(tail), Some((first, _))) => {
            *first = head.map(MaybeUninit::new);
            if let Some(last) = dst.last_chunk_mut::<N>() {
                *last = tail.map(MaybeUninit::new);
                return true;
            }
            false
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{append_parts, write_int_run, Room, RunEnd, ROOM};
    use pyobj::Obj;

    /// Each int's record, as the pickler's general path writes it.
    fn record(v: i64) -> Vec<u8> {
        match v {
            0..=0xff => vec![0x4b, v as u8],
            0x100..=0xffff => vec![0x4d, v as u8, (v >> 8) as u8],
            _ => {
                let mut r = vec![0x4a];
                r.extend_from_slice(&(v as i32).to_le_bytes());
                r
            }
        }
    }

    /// A run writes every width's record, stops at the first item that is
    /// not an int of 32 bits in its handle, and stops at the bound after
    /// the first item that reaches it, leaving the buffer exactly the
    /// records written (so that Miri sees every store inside the
    /// allocation and every byte under the length initialized).
    #[test]
    #[allow(unsafe_code)]
    fn int_runs_write_each_width_and_stop_where_they_must() {
        let values = [
            0,
            7,
            255,
            256,
            65_535,
            65_536,
            -1,
            i32::MIN as i64,
            i32::MAX as i64,
        ];
        let mut items: Vec<Obj> = values.iter().map(|&v| Obj::int(v).unwrap()).collect();
        items.push(Obj::int(1 << 31).unwrap());
        items.push(Obj::int(3).unwrap());
        let expected: Vec<u8> = values.iter().flat_map(|&v| record(v)).collect();

        let mut buffer = b"ab".to_vec();
        buffer.reserve(64);
        let bound = buffer.capacity() - 8;
        // SAFETY: the bound keeps 8 bytes spare, and 64 were reserved.
        let (written, end) = unsafe { write_int_run(&mut buffer, &items, bound) };
        assert_eq!((written, end), (values.len(), RunEnd::Done));
        assert_eq!(&buffer[..2], b"ab");
        assert_eq!(&buffer[2..], &expected[..]);

        // A bound reached after the third record: three written, then Bound.
        let mut buffer = Vec::with_capacity(64);
        let bound = record(0).len() + record(7).len() + 1;
        // SAFETY: as above (64 bytes, the bound far below capacity - 8).
        let (written, end) = unsafe { write_int_run(&mut buffer, &items, bound) };
        assert_eq!((written, end), (3, RunEnd::Bound));
        assert_eq!(buffer, [record(0), record(7), record(255)].concat());
    }

    #[test]
    fn appends_header_payload_prefix_and_trailer() {
        let padded = *b"abcdefghijklmn";
        for len in [0, 1, 7, 13, 14] {
            let mut buffer = b"xy".to_vec();
            Room::reserve(&mut buffer).put_padded([0x8c, len as u8], &padded, len, [0x94]);
            let mut expected = b"xy".to_vec();
            expected.extend_from_slice(&[0x8c, len as u8]);
            expected.extend_from_slice(&padded[..len]);
            expected.push(0x94);
            assert_eq!(buffer, expected, "len {len}");
        }
    }

    #[test]
    fn appends_payloads_of_every_short_length() {
        let source: Vec<u8> = (1..=80).collect();
        for n in 0..=80 {
            let mut buffer = b"x".to_vec();
            append_parts(
                &mut buffer,
                [0x58, n as u8, 0, 0, 0],
                &source[..n],
                [0x71, 7],
            );
            let mut expected = b"x".to_vec();
            expected.extend_from_slice(&[0x58, n as u8, 0, 0, 0]);
            expected.extend_from_slice(&source[..n]);
            expected.extend_from_slice(&[0x71, 7]);
            assert_eq!(buffer, expected, "n {n}");
        }
    }

    #[test]
    fn grows_a_full_buffer_and_clamps_the_length() {
        let mut buffer = Vec::with_capacity(3);
        buffer.extend_from_slice(b"abc");
        Room::reserve(&mut buffer).put_padded([1, 2, 3, 4, 5], b"0123", 99, [9, 9]);
        assert_eq!(buffer, b"abc\x01\x02\x03\x04\x050123\x09\x09");
    }

    #[test]
    fn a_room_takes_records_of_every_size_up_to_and_past_its_own() {
        let source: Vec<u8> = (0..=255).cycle().take(3 * ROOM).collect();
        let mut buffer = Vec::new();
        let mut expected = Vec::new();
        for n in [0, 1, 17, ROOM - 3, ROOM - 2, ROOM, 3 * ROOM] {
            Room::reserve(&mut buffer).put_parts([1], &source[..n], [2, 3]);
            expected.push(1);
            expected.extend_from_slice(&source[..n]);
            expected.extend_from_slice(&[2, 3]);
            Room::reserve(&mut buffer).put([4, 5, 6]);
            expected.extend_from_slice(&[4, 5, 6]);
            Room::reserve(&mut buffer).put_padded([7], &[8, 9, 10, 11], n % 5, []);
            expected.push(7);
            expected.extend_from_slice(&[8, 9, 10, 11][..n % 5]);
        }
        assert_eq!(buffer, expected);
    }
}
