//! Input for the unpickler: a sealed `Read` with two implementations —
//! `SliceRead` lends bytes straight from a slice, `IoRead` reads exactly what
//! each opcode needs from any `std::io::Read`, so it never consumes bytes past
//! STOP and several pickles written one after another load one by one.

use std::io;

use crate::{Error, ErrorKind, Result};

mod private {
    pub trait Sealed {}
}

/// A source of pickle bytes. Sealed: use [`SliceRead`] or [`IoRead`].
pub trait Read: private::Sealed {
    /// The next byte, or `None` at the end of input.
    fn next_byte(&mut self) -> Result<Option<u8>>;

    /// Exactly `n` bytes, borrowed from the input or copied into `scratch`.
    /// A short input is [`ErrorKind::Truncated`]. `n` is never trusted for
    /// allocation: an I/O reader grows `scratch` only as bytes arrive.
    fn read_bytes<'s>(&'s mut self, n: u64, scratch: &'s mut Vec<u8>) -> Result<&'s [u8]>;

    /// Exactly `N` bytes by value: an opcode's fixed-size argument.
    fn read_array<const N: usize>(&mut self) -> Result<[u8; N]>;

    /// A line including its `\n`, at most `max` bytes long; a line without
    /// `\n` at the end of input is truncated data.
    fn read_line<'s>(&'s mut self, max: usize, scratch: &'s mut Vec<u8>) -> Result<&'s [u8]>;

    /// Whether at least `n` more bytes are available (FRAME's check); an I/O
    /// reader cannot know without reading, so it answers `true`.
    fn has_at_least(&self, n: u64) -> bool;

    /// Bytes consumed so far: the offset of the next byte.
    fn offset(&self) -> u64;

    /// How many bytes are known to remain (0 when the reader cannot tell):
    /// a hint for sizing, never trusted as a promise.
    fn remaining_hint(&self) -> usize {
        0
    }
}

#[cold]
pub(crate) fn truncated() -> Error {
    Error::new(ErrorKind::Truncated, "pickle data was truncated")
}

/// Reads from a byte slice without copying.
#[derive(Debug)]
pub struct SliceRead<'a> {
    data: &'a [u8],
    position: usize,
}

impl<'a> SliceRead<'a> {
    /// Reads `data` from its start.
    pub fn new(data: &'a [u8]) -> Self {
        SliceRead { data, position: 0 }
    }

    /// The bytes not consumed yet (what follows STOP after a load).
    pub fn remaining(&self) -> &'a [u8] {
        &self.data[self.position.min(self.data.len())..]
    }
}

impl private::Sealed for SliceRead<'_> {}

impl Read for SliceRead<'_> {
    #[inline]
    fn next_byte(&mut self) -> Result<Option<u8>> {
        let byte = self.data.get(self.position).copied();
        if byte.is_some() {
            self.position += 1;
        }
        Ok(byte)
    }

    #[inline]
    fn read_bytes<'s>(&'s mut self, n: u64, _scratch: &'s mut Vec<u8>) -> Result<&'s [u8]> {
        let rest = self.remaining();
        if n > rest.len() as u64 {
            return Err(truncated());
        }
        let n = n as usize;
        self.position += n;
        Ok(&rest[..n])
    }

    #[inline]
    fn read_array<const N: usize>(&mut self) -> Result<[u8; N]> {
        // `position <= data.len()` always, so the sum cannot overflow.
        match self.data.get(self.position..self.position + N) {
            Some(bytes) => {
                self.position += N;
                let mut out = [0u8; N];
                out.copy_from_slice(bytes);
                Ok(out)
            }
            None => Err(truncated()),
        }
    }

    fn read_line<'s>(&'s mut self, max: usize, _scratch: &'s mut Vec<u8>) -> Result<&'s [u8]> {
        let rest = self.remaining();
        let window = &rest[..rest.len().min(max)];
        match window.iter().position(|&b| b == b'\n') {
            Some(end) => {
                self.position += end + 1;
                Ok(&rest[..end + 1])
            }
            None if rest.len() > max => Err(Error::new(
                ErrorKind::Limit,
                format!("text argument longer than {max} bytes"),
            )),
            None => Err(truncated()),
        }
    }

    fn has_at_least(&self, n: u64) -> bool {
        self.remaining().len() as u64 >= n
    }

    fn offset(&self) -> u64 {
        self.position as u64
    }

    fn remaining_hint(&self) -> usize {
        self.remaining().len()
    }
}

/// Reads from any `std::io::Read`, exactly as much as each opcode needs.
///
/// For speed give it a buffered reader (`std::io::BufReader`): read-ahead then
/// stays in that buffer, so the next pickle can be loaded from the same
/// `BufReader`.
#[derive(Debug)]
pub struct IoRead<R> {
    reader: R,
    offset: u64,
}

/// Bytes read from an I/O source per step, so a huge declared length costs
/// memory only as the bytes actually arrive.
const CHUNK: usize = 64 * 1024;

impl<R: io::Read> IoRead<R> {
    /// Reads from `reader`.
    pub fn new(reader: R) -> Self {
        IoRead { reader, offset: 0 }
    }

    /// The reader, positioned just after the last STOP loaded.
    pub fn into_inner(self) -> R {
        self.reader
    }

    fn fill(&mut self, buf: &mut [u8]) -> Result<usize> {
        let mut filled = 0;
        while filled < buf.len() {
            match self.reader.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        }
        self.offset += filled as u64;
        Ok(filled)
    }
}

impl<R> private::Sealed for IoRead<R> {}

impl<R: io::Read> Read for IoRead<R> {
    fn next_byte(&mut self) -> Result<Option<u8>> {
        let mut byte = [0u8];
        Ok((self.fill(&mut byte)? == 1).then_some(byte[0]))
    }

    fn read_bytes<'s>(&'s mut self, n: u64, scratch: &'s mut Vec<u8>) -> Result<&'s [u8]> {
        scratch.clear();
        let mut remaining = n;
        while remaining > 0 {
            let step = remaining.min(CHUNK as u64) as usize;
            let start = scratch.len();
            scratch.resize(start + step, 0);
            let got = self.fill(&mut scratch[start..])?;
            if got < step {
                return Err(truncated());
            }
            remaining -= step as u64;
        }
        Ok(scratch)
    }

    fn read_array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        if self.fill(&mut out)? < N {
            return Err(truncated());
        }
        Ok(out)
    }

    fn read_line<'s>(&'s mut self, max: usize, scratch: &'s mut Vec<u8>) -> Result<&'s [u8]> {
        scratch.clear();
        loop {
            let Some(byte) = self.next_byte()? else {
                return Err(truncated());
            };
            scratch.push(byte);
            if byte == b'\n' {
                return Ok(scratch);
            }
            if scratch.len() >= max {
                return Err(Error::new(
                    ErrorKind::Limit,
                    format!("text argument longer than {max} bytes"),
                ));
            }
        }
    }

    fn has_at_least(&self, _n: u64) -> bool {
        true
    }

    fn offset(&self) -> u64 {
        self.offset
    }
}
