//! str, bytes and bytearray: opcode choice by size and protocol, and the
//! reduce forms protocols without a bytes opcode use.

use pyobj::{Heap, Kind, Obj, Str};
use reduce::Registry;

use super::{memo_index, write_put, Pickler, ReduceTail, Task};
use crate::framing::{Framer, Header, FRAME_SIZE_TARGET};
use crate::opcodes::Opcode;
use crate::{Error, ErrorKind, Result};

impl<W: std::io::Write> Pickler<W> {
    /// Saves the str `s` (the object `obj`) met in a walk: a GET when it is
    /// memoized, else the str and its memo store. The memo is probed once
    /// for both questions (is it there, and remember it). Each way makes
    /// the save's frame check before its first write.
    #[inline(always)]
    pub(super) fn save_str(&mut self, obj: Obj, s: &Str) -> Result<()> {
        let vacant = match self.memo.probe(obj) {
            Ok(index) => return self.write_get(index),
            Err(vacant) => vacant,
        };
        if self.options.fast {
            return self.write_unmemoized_str(s);
        }
        let index = memo_index(vacant.table_len())?;
        vacant.insert(index);
        // The most common str of all, written here without a call: a short
        // one at a binary protocol.
        if let (Some((padded, len)), true) = (s.inline_padded(), self.options.protocol >= 1) {
            let payload = StrPayload::Padded(padded, len);
            return write_str_and_put(&mut self.framer, self.options.protocol, payload, index);
        }
        self.write_new_str(index, s)
    }

    /// Fast mode: the str alone, as nothing is memoized. Out of line, so
    /// the item loop stays small.
    #[cold]
    #[inline(never)]
    fn write_unmemoized_str(&mut self, s: &Str) -> Result<()> {
        self.framer.maybe_commit()?;
        write_str(
            &mut self.framer,
            self.options.protocol,
            s.as_surrogatepass_bytes(),
            || s.code_points(),
        )
    }

    /// Writes the str `s` and its memo store at `index` (already given to
    /// it in the memo).
    #[inline(never)]
    fn write_new_str(&mut self, index: u32, s: &Str) -> Result<()> {
        let data = s.as_surrogatepass_bytes();
        let protocol = self.options.protocol;
        if protocol >= 1 && data.len() < FRAME_SIZE_TARGET {
            // The str and its memo store in one write.
            return write_str_and_put(&mut self.framer, protocol, StrPayload::Slice(data), index);
        }
        self.write_other_str(index, s)
    }

    /// Protocol 0 and strs of a frame's size or more: out of line, so the
    /// common path above saves and restores fewer registers.
    #[cold]
    #[inline(never)]
    fn write_other_str(&mut self, index: u32, s: &Str) -> Result<()> {
        self.framer.maybe_commit()?;
        let protocol = self.options.protocol;
        write_str(
            &mut self.framer,
            protocol,
            s.as_surrogatepass_bytes(),
            || s.code_points(),
        )?;
        write_put(&mut self.framer, protocol, index);
        Ok(())
    }

    /// Protocol 3 and up: the BYTES opcodes.
    pub(super) fn save_bytes(&mut self, heap: &mut Heap, obj: Obj) -> Result<()> {
        write_bytes(&mut self.framer, self.options.protocol, heap.as_bytes(obj)?)?;
        self.memoize(obj)
    }

    /// Protocols 0–2 have no bytes opcode: `bytes()` or
    /// `_codecs.encode(text, 'latin1')`, memoized as a reduce result.
    pub(super) fn save_bytes_legacy(
        &mut self,
        heap: &mut Heap,
        registry: &Registry,
        obj: Obj,
    ) -> Result<()> {
        let data = heap.as_bytes(obj)?.to_vec();
        let (callable, args) = if data.is_empty() {
            (heap.builtin_class(Kind::Bytes), heap.new_tuple(Vec::new()))
        } else {
            let encode = registry.get("_codecs", "encode").ok_or_else(|| {
                Error::new(ErrorKind::Pickling, "_codecs.encode is not registered")
            })?;
            // Latin-1: each byte is the code point of the same value.
            let text: String = data.iter().map(|&b| char::from(b)).collect();
            let text = heap.new_str(&text);
            // CPython's 'latin1' is one interned constant, so it is memoized once.
            let latin1 = heap.intern("latin1");
            (encode, heap.new_tuple(vec![text, latin1]))
        };
        self.push_reduce(heap, obj, callable, args, tail(obj))
    }

    pub(super) fn save_bytearray(
        &mut self,
        heap: &mut Heap,
        registry: &Registry,
        obj: Obj,
    ) -> Result<()> {
        if self.options.protocol >= 5 {
            return self.save_bytearray_data(heap, obj);
        }
        let data = heap.as_bytes(obj)?.to_vec();
        let class = heap.builtin_class(Kind::ByteArray);
        let args = if data.is_empty() {
            heap.new_tuple(Vec::new())
        } else {
            let bytes = heap.new_bytes_from_vec(data);
            heap.new_tuple(vec![bytes])
        };
        let _ = registry;
        self.push_reduce(heap, obj, class, args, tail(obj))
    }

    /// BYTEARRAY8 with the bytes of a bytearray or a writable PickleBuffer.
    pub(super) fn save_bytearray_data(&mut self, heap: &mut Heap, obj: Obj) -> Result<()> {
        let data = heap.as_bytes(obj)?;
        let header = Header::new(Opcode::BYTEARRAY8, (data.len() as u64).to_le_bytes());
        self.framer.write_large(&header, data)?;
        self.memoize(obj)
    }

    /// Generic save_reduce for built-ins reduced by the pickler itself:
    /// `save(callable); save(args); REDUCE`, then the tail.
    pub(super) fn push_reduce(
        &mut self,
        heap: &mut Heap,
        _obj: Obj,
        callable: Obj,
        args: Obj,
        tail: ReduceTail,
    ) -> Result<()> {
        let _ = heap;
        self.push_finish_reduce(tail);
        self.tasks.push(Task::Op(Opcode::REDUCE));
        self.tasks.push(Task::Save(args));
        self.tasks.push(Task::Save(callable));
        Ok(())
    }
}

/// A str's opcode and payload (not its memo entry): protocol 0's UNICODE
/// line in raw-unicode-escape, else the sized BINUNICODE forms. `data` is
/// the str as UTF-8 with surrogates passed through; `code_points` is only
/// asked for when protocol 0 must escape.
#[inline]
pub(crate) fn write_str<W: std::io::Write, I: Iterator<Item = u32>>(
    framer: &mut Framer<W>,
    protocol: u8,
    data: &[u8],
    code_points: impl FnOnce() -> I,
) -> Result<()> {
    if protocol == 0 {
        framer.write_byte(Opcode::UNICODE as u8);
        // ASCII without the characters raw-unicode-escape escapes is
        // written as it is.
        if data.is_ascii()
            && !data
                .iter()
                .any(|b| matches!(b, b'\\' | 0 | b'\n' | b'\r' | 0x1a))
        {
            framer.write(data);
        } else {
            framer.write(&raw_unicode_escape(code_points()));
        }
        framer.write_byte(b'\n');
        return Ok(());
    }
    framer.write_large(&str_header(protocol, data.len())?, data)
}

/// A str's UTF-8 bytes as a writer has them.
#[derive(Clone, Copy)]
pub(crate) enum StrPayload<'a> {
    Slice(&'a [u8]),
    /// A short str's zero-padded inline bytes and how many count (see
    /// [`Str::inline_padded`]): the whole array is copied (a few moves, no
    /// `memcpy` call) and the padding dropped.
    Padded(&'a [u8; Str::INLINE], usize),
}

impl StrPayload<'_> {
    #[inline(always)]
    fn len(self) -> usize {
        match self {
            StrPayload::Slice(data) => data.len(),
            StrPayload::Padded(_, len) => len,
        }
    }

    /// `header`, the payload and `trailer`, in one write, after the frame
    /// check of the str's save (see `Framer::room`).
    #[inline(always)]
    fn write_between<W: std::io::Write, const H: usize, const T: usize>(
        self,
        framer: &mut Framer<W>,
        header: [u8; H],
        trailer: [u8; T],
    ) -> Result<()> {
        let room = framer.room()?;
        match self {
            StrPayload::Slice(data) => room.put_parts(header, data, trailer),
            StrPayload::Padded(padded, len) => room.put_padded(header, padded, len, trailer),
        }
        Ok(())
    }
}

/// A str of under [`FRAME_SIZE_TARGET`] bytes and its memo store at
/// `index`, at a binary protocol, as one write: SHORT_BINUNICODE or
/// BINUNICODE, then MEMOIZE, BINPUT or LONG_BINPUT. The write begins the
/// str's save: it makes the frame check.
#[inline(always)]
pub(crate) fn write_str_and_put<W: std::io::Write>(
    framer: &mut Framer<W>,
    protocol: u8,
    payload: StrPayload<'_>,
    index: u32,
) -> Result<()> {
    let n = payload.len();
    if protocol >= 4 {
        if n <= 0xff {
            return payload.write_between(
                framer,
                [Opcode::SHORT_BINUNICODE as u8, n as u8],
                [Opcode::MEMOIZE as u8],
            );
        }
        let [a, b, c, d] = (n as u32).to_le_bytes();
        return payload.write_between(
            framer,
            [Opcode::BINUNICODE as u8, a, b, c, d],
            [Opcode::MEMOIZE as u8],
        );
    }
    let [a, b, c, d] = (n as u32).to_le_bytes();
    let header = [Opcode::BINUNICODE as u8, a, b, c, d];
    if index < 256 {
        payload.write_between(framer, header, [Opcode::BINPUT as u8, index as u8])
    } else {
        let [e, f, g, h] = index.to_le_bytes();
        payload.write_between(framer, header, [Opcode::LONG_BINPUT as u8, e, f, g, h])
    }
}

/// A str's opcode and length at a binary protocol.
#[inline]
fn str_header(protocol: u8, len: usize) -> Result<Header> {
    sized_header(
        len,
        (protocol >= 4).then_some(Opcode::SHORT_BINUNICODE),
        Opcode::BINUNICODE,
        (protocol >= 4).then_some(Opcode::BINUNICODE8),
        "a string",
    )
}

/// A bytes object's opcode and payload at protocol 3 and up (not its memo
/// entry).
pub(crate) fn write_bytes<W: std::io::Write>(
    framer: &mut Framer<W>,
    protocol: u8,
    data: &[u8],
) -> Result<()> {
    let header = sized_header(
        data.len(),
        Some(Opcode::SHORT_BINBYTES),
        Opcode::BINBYTES,
        (protocol >= 4).then_some(Opcode::BINBYTES8),
        "a bytes object",
    )?;
    framer.write_large(&header, data)
}

/// The opcode and length for a payload of `n` bytes: the one-byte-length
/// form if allowed and it fits, else four bytes, else eight if allowed.
#[inline]
fn sized_header(
    n: usize,
    short: Option<Opcode>,
    four: Opcode,
    eight: Option<Opcode>,
    what: &str,
) -> Result<Header> {
    match (short, eight) {
        (Some(op), _) if n <= 0xff => Ok(Header::new(op, [n as u8])),
        _ if n <= 0xffff_ffff => Ok(Header::new(four, (n as u32).to_le_bytes())),
        (_, Some(op)) => Ok(Header::new(op, (n as u64).to_le_bytes())),
        (_, None) => Err(Error::new(
            ErrorKind::Object(pyobj::ErrorKind::Overflow),
            format!("serializing {what} larger than 4 GiB requires pickle protocol 4 or higher"),
        )),
    }
}

/// A reduce tail with nothing after the construction but the memo.
pub(super) fn tail(obj: Obj) -> ReduceTail {
    ReduceTail {
        obj: Some(obj),
        listitems: None,
        dictitems: None,
        state: None,
        state_setter: None,
    }
}

/// Protocol 0's UNICODE argument: raw-unicode-escape plus escaping of the
/// characters that would break the line (`\`, NUL, `\n`, `\r`, `\x1a`).
fn raw_unicode_escape(points: impl Iterator<Item = u32>) -> Vec<u8> {
    let mut out = Vec::new();
    for cp in points {
        if cp >= 0x10000 {
            out.extend(format!("\\U{cp:08x}").bytes());
        } else if cp >= 0x100 || matches!(cp, 0x5c | 0x00 | 0x0a | 0x0d | 0x1a) {
            out.extend(format!("\\u{cp:04x}").bytes());
        } else {
            out.push(cp as u8);
        }
    }
    out
}
