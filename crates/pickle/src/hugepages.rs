//! Buffers for large payloads, backed by transparent huge pages where Linux
//! offers them.
//!
//! Copying a 100 MB payload into fresh memory is mostly page faults, not
//! copying: 25,600 faults of 4 KiB pages, each zeroed by the kernel before
//! the copy overwrites it. On the machine `docs/performance.md` describes, a
//! fresh 100 MB copy took 49 ms with 4 KiB pages and 12 ms once the range was
//! advised for 2 MiB pages, while CPython's `pickle.loads` of the same bytes
//! took 43 ms. Linux lets a program ask for huge pages on memory it owns with
//! `madvise(MADV_HUGEPAGE)`, honoured when
//! `/sys/kernel/mm/transparent_hugepage/enabled` is `always` or `madvise`
//! (the common defaults) and ignored otherwise.
//!
//! Only buffers that are about to be filled from end to end get the advice
//! (a payload being copied in, an output buffer taking a payload), so
//! resident memory is what it would be with small pages, plus at most one
//! huge page of the room an output buffer keeps after its payload.
//!
//! This module is the crate's one use of `unsafe` (the crate denies it
//! elsewhere): the `madvise` call, whose invariant is stated where it is
//! made. On other systems the advice is a no-op.

use std::mem::MaybeUninit;

/// Payloads at least this long are copied into advised buffers (smaller ones
/// cannot fill a 2 MiB page often enough to matter).
pub(crate) const LARGE_PAYLOAD: usize = 4 << 20;

/// Room left after a large payload in an output buffer (`dumps`, `to_vec`):
/// address space only, faulted in as written. Growing a buffer of huge
/// pages later moves it (mremap) to an address where they must be split,
/// which cost more than the huge pages saved (56 ms against 45 for a 100 MB
/// payload and one more byte).
pub(crate) const TAIL_ROOM: usize = 1 << 20;

/// Reserves room for exactly `additional` more bytes, asking for huge pages
/// under the reserved (not yet written) part.
pub(crate) fn reserve_large(buf: &mut Vec<u8>, additional: usize) {
    buf.reserve_exact(additional);
    advise_huge_pages(buf.spare_capacity_mut());
}

/// A copy of `payload` in a buffer of exactly its length, backed by huge
/// pages where offered.
pub(crate) fn copy_large(payload: &[u8]) -> Vec<u8> {
    let mut buf = Vec::new();
    reserve_large(&mut buf, payload.len());
    buf.extend_from_slice(payload);
    buf
}

/// Asks the kernel to back the whole 2 MiB pages inside `spare` with huge
/// pages.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn advise_huge_pages(spare: &mut [MaybeUninit<u8>]) {
    const HUGE_PAGE: usize = 2 << 20;
    let start = spare.as_mut_ptr() as usize;
    let first = start.next_multiple_of(HUGE_PAGE);
    let end = (start + spare.len()) / HUGE_PAGE * HUGE_PAGE;
    if end > first {
        // SAFETY: [first, end) lies inside `spare`, memory this process owns
        // (exclusively, through the `&mut`) and has not initialised. The
        // advice changes only how the kernel backs the range, never its
        // contents, mapping or validity; if it is refused (transparent huge
        // pages off) the range stays as it was. The return value is ignored
        // for that reason.
        unsafe {
            libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_spare: &mut [MaybeUninit<u8>]) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_copies_and_writes_keep_every_byte() {
        let payload: Vec<u8> = (0..LARGE_PAYLOAD * 2 + 12_345)
            .map(|i| (i * 7 + i / 4096) as u8)
            .collect();
        let copy = copy_large(&payload);
        assert_eq!(copy, payload);
        assert_eq!(copy.capacity(), payload.len());

        let mut out = b"head".to_vec();
        reserve_large(&mut out, payload.len() + TAIL_ROOM);
        out.extend_from_slice(&payload);
        out.extend_from_slice(b"tail");
        assert_eq!(&out[..4], b"head");
        assert_eq!(&out[4..4 + payload.len()], &payload[..]);
        assert_eq!(&out[4 + payload.len()..], b"tail");
    }
}
