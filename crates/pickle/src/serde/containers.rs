//! Lists, tuples, dicts and structs for the direct writer: one serde state
//! type per kind, each carrying only what its entries need.
//!
//! The batching rules are CPython's `batch_list`/`batch_dict`: one entry is
//! followed by APPEND/SETITEM; more go in MARK…APPENDS/SETITEMS batches of
//! [`BATCHSIZE`]; protocol 0 writes APPEND/SETITEM after every entry. serde
//! gives the length before the entries, so a container of fewer than
//! [`BATCHSIZE`] entries — nearly all of them — writes its one MARK with
//! the empty container and its APPENDS/SETITEMS at the end, and its
//! entries do nothing but count; a count that does not come out at the
//! length given sends the value to the heap route.

use serde::ser::{self, Serialize};

use super::keys::{Key, KeyWriter};
use super::shapes::{address, UNRECORDED};
use super::writer::{Fallback, Result, Writer};
use crate::framing::Framer;
use crate::opcodes::Opcode;

/// Items per MARK…APPENDS/SETITEMS batch, as in CPython.
const BATCHSIZE: usize = 1000;

/// How a list's or dict's entries are closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Batching {
    /// Binary protocols, fewer than [`BATCHSIZE`] entries: the MARK (for
    /// two or more) was written with the container, the APPEND(S) or
    /// SETITEM(S) comes at the end.
    Single,
    /// Protocol 0: APPEND/SETITEM after every entry.
    PerEntry,
    /// [`BATCHSIZE`] entries or more: a MARK before every batch.
    Batches,
}

/// The entries of a list, dict or struct against the length serde gave.
#[derive(Debug)]
struct Entries {
    len: usize,
    count: usize,
    batching: Batching,
    /// Entries still to come in the open batch ([`Batching::Batches`]).
    batch_left: usize,
}

impl Entries {
    /// The entries of a container of `len`, and whether its save writes a
    /// MARK after the empty container.
    #[inline]
    fn new(protocol: u8, len: usize) -> (Entries, bool) {
        let batching = if protocol == 0 {
            Batching::PerEntry
        } else if len >= BATCHSIZE {
            Batching::Batches
        } else {
            Batching::Single
        };
        let entries = Entries {
            len,
            count: 0,
            batching,
            batch_left: 0,
        };
        (entries, batching == Batching::Single && len >= 2)
    }

    /// Before an entry. Only batches of [`BATCHSIZE`] need the count here:
    /// otherwise a count past the length is caught at the end, before
    /// anything depends on it.
    #[inline(always)]
    fn before(&mut self, framer: &mut Framer<std::io::Sink>) -> Result<()> {
        if self.batching == Batching::Batches && self.batch_left == 0 {
            if self.count >= self.len {
                return Err(Fallback);
            }
            framer.write_byte(Opcode::MARK as u8);
            self.batch_left = BATCHSIZE.min(self.len - self.count);
        }
        Ok(())
    }

    #[inline(always)]
    fn after(&mut self, framer: &mut Framer<std::io::Sink>, one: Opcode, many: Opcode) {
        self.count += 1;
        if self.batching != Batching::Single {
            self.after_unbatched(framer, one, many);
        }
    }

    #[inline(never)]
    fn after_unbatched(&mut self, framer: &mut Framer<std::io::Sink>, one: Opcode, many: Opcode) {
        if self.batching == Batching::PerEntry {
            framer.write_byte(one as u8);
            return;
        }
        self.batch_left -= 1;
        if self.batch_left == 0 {
            framer.write_byte(many as u8);
        }
    }

    /// Checks the count and closes the last batch. `dict`: CPython's dict
    /// batching stops only after a batch that was not full, so a multiple
    /// of the batch size ends with an empty one (its list batching counts
    /// items and does not).
    #[inline]
    fn end(
        &self,
        framer: &mut Framer<std::io::Sink>,
        one: Opcode,
        many: Opcode,
        dict: bool,
    ) -> Result<()> {
        if self.count != self.len {
            return Err(Fallback);
        }
        match self.batching {
            Batching::Single => match self.len {
                0 => {}
                1 => framer.write_byte(one as u8),
                _ => framer.write_byte(many as u8),
            },
            Batching::PerEntry => {}
            Batching::Batches => {
                if dict && self.len.is_multiple_of(BATCHSIZE) {
                    framer.write(&[Opcode::MARK as u8, many as u8]);
                }
            }
        }
        Ok(())
    }
}

/// A list being written.
pub(super) struct SeqWriter<'a> {
    w: &'a mut Writer,
    entries: Entries,
}

impl<'a> SeqWriter<'a> {
    #[inline]
    pub(super) fn open(w: &'a mut Writer, len: usize) -> Result<Self> {
        let (entries, mark) = Entries::new(w.protocol, len);
        w.empty_container(Opcode::EMPTY_LIST, b"(l", mark)?;
        Ok(SeqWriter { w, entries })
    }
}

impl ser::SerializeSeq for SeqWriter<'_> {
    type Ok = ();
    type Error = Fallback;
    #[inline]
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.entries.before(&mut self.w.framer)?;
        value.serialize(&mut *self.w)?;
        self.entries
            .after(&mut self.w.framer, Opcode::APPEND, Opcode::APPENDS);
        Ok(())
    }
    #[inline]
    fn end(self) -> Result<()> {
        self.entries
            .end(&mut self.w.framer, Opcode::APPEND, Opcode::APPENDS, false)
    }
}

/// A tuple (or tuple struct or variant) being written.
pub(super) struct TupleWriter<'a> {
    w: &'a mut Writer,
    len: usize,
    count: usize,
    /// Inside `{variant: ...}`: close that dict with SETITEM at the end.
    variant: bool,
}

impl<'a> TupleWriter<'a> {
    pub(super) fn open(
        w: &'a mut Writer,
        len: usize,
        variant: Option<&'static str>,
    ) -> Result<Self> {
        if let Some(variant) = variant {
            w.open_variant(variant)?;
        }
        w.begin()?;
        if len == 0 {
            // Never memoized.
            w.framer.write(if w.protocol == 0 { b"(t" } else { b")" });
        } else if !(w.protocol >= 2 && len <= 3) {
            w.framer.write_byte(Opcode::MARK as u8);
        }
        Ok(TupleWriter {
            w,
            len,
            count: 0,
            variant: variant.is_some(),
        })
    }

    /// An element; a count past the length is caught by [`TupleWriter::end`].
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        value.serialize(&mut *self.w)?;
        self.count += 1;
        Ok(())
    }

    fn end(self) -> Result<()> {
        if self.count != self.len {
            return Err(Fallback);
        }
        if self.len > 0 {
            let op = match self.len {
                1 if self.w.protocol >= 2 => Opcode::TUPLE1,
                2 if self.w.protocol >= 2 => Opcode::TUPLE2,
                3 if self.w.protocol >= 2 => Opcode::TUPLE3,
                _ => Opcode::TUPLE,
            };
            self.w.framer.write_byte(op as u8);
            self.w.memoize()?;
        }
        if self.variant {
            self.w.framer.write_byte(Opcode::SETITEM as u8);
        }
        Ok(())
    }
}

/// The three tuple-like serde traits share one writer.
macro_rules! tuple_traits {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for TupleWriter<'_> {
            type Ok = ();
            type Error = Fallback;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
                self.element(value)
            }
            fn end(self) -> Result<()> {
                TupleWriter::end(self)
            }
        }
    )*};
}

tuple_traits!(
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// A map being written: a dict whose keys are checked for Python equality.
pub(super) struct MapWriter<'a> {
    w: &'a mut Writer,
    entries: Entries,
}

impl<'a> MapWriter<'a> {
    pub(super) fn open(w: &'a mut Writer, len: usize) -> Result<Self> {
        let (entries, mark) = Entries::new(w.protocol, len);
        w.empty_container(Opcode::EMPTY_DICT, b"(d", mark)?;
        if w.key_sets.len() == w.open_maps {
            w.key_sets.push(Default::default());
        }
        w.key_sets[w.open_maps].clear();
        w.open_maps += 1;
        Ok(MapWriter { w, entries })
    }
}

impl ser::SerializeMap for MapWriter<'_> {
    type Ok = ();
    type Error = Fallback;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.entries.before(&mut self.w.framer)?;
        match key.serialize(KeyWriter(&mut *self.w))? {
            Key::Scalar(hash) => {
                // An equal key (or one of the same hash, which the heap
                // route then sorts out) already in this dict.
                if !self.w.key_sets[self.w.open_maps - 1].insert(hash) {
                    return Err(Fallback);
                }
            }
            Key::Unique => {}
        }
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        value.serialize(&mut *self.w)?;
        self.entries
            .after(&mut self.w.framer, Opcode::SETITEM, Opcode::SETITEMS);
        Ok(())
    }
    fn end(self) -> Result<()> {
        self.entries
            .end(&mut self.w.framer, Opcode::SETITEM, Opcode::SETITEMS, true)?;
        self.w.open_maps -= 1;
        Ok(())
    }
}

/// A struct (or struct variant) being written: a dict keyed by its field
/// names, which follow the type's shape (see `shapes.rs`) while they can.
///
/// Two words, so that it comes back from `serialize_struct` in registers:
/// at 64 bytes it was returned through memory and copied twice per struct,
/// and each copy read as 16-byte loads what had just been stored in
/// smaller parts, which the processor cannot forward (a quarter of the
/// time of `to_vec` of 100,000 records went to those loads). The struct's
/// length lives in its shape, and what a struct that leaves its shape
/// needs, on the writer's `off_shape` stack.
pub(super) struct StructWriter<'a> {
    w: &'a mut Writer,
    /// The fields written so far in the low 32 bits; above them the shape
    /// number, with [`OFF_SHAPE`], [`VARIANT`] and [`PER_ENTRY`] in its
    /// top bits. One word, always stored and loaded whole: two 32-bit
    /// halves stored apart and loaded together stall the same way.
    state: u64,
}

/// The fields stopped following the shape: their names are
/// `open_fields[from..]` for the innermost entry of `off_shape`.
const OFF_SHAPE: u32 = 1 << 31;
/// Inside `{variant: ...}`: close that dict with SETITEM at the end.
const VARIANT: u32 = 1 << 30;
/// Protocol 0: SETITEM after every field.
const PER_ENTRY: u32 = 1 << 29;
/// The shape number's bits.
const SHAPE: u32 = PER_ENTRY - 1;

/// What a struct that has left its shape checks its field names against.
pub(super) struct OffShape {
    /// Its names are `open_fields[from..]`.
    from: usize,
    /// A bit per field name memo index (mod 64): a repeat is looked for in
    /// `open_fields` only when its bit is already set.
    bits: u64,
}

impl<'a> StructWriter<'a> {
    /// Opens a struct named `name` (a variant's name for a struct variant)
    /// of `len` fields. A struct of [`BATCHSIZE`] fields or more (which
    /// would need batches) takes the heap route.
    #[inline(always)]
    pub(super) fn open(
        w: &'a mut Writer,
        name: &'static str,
        len: usize,
        variant: Option<&'static str>,
    ) -> Result<Self> {
        if len >= BATCHSIZE {
            return Err(Fallback);
        }
        let mut flags = 0;
        if let Some(variant) = variant {
            w.open_variant(variant)?;
            flags |= VARIANT;
        }
        if w.protocol == 0 {
            flags |= PER_ENTRY;
        }
        w.empty_container(
            Opcode::EMPTY_DICT,
            b"(d",
            flags & PER_ENTRY == 0 && len >= 2,
        )?;
        let shape = w.shapes.find(name, len, SHAPE).ok_or(Fallback)?;
        Ok(StructWriter {
            w,
            state: u64::from(shape | flags) << 32,
        })
    }

    /// Fields written so far.
    #[inline(always)]
    fn count(&self) -> usize {
        self.state as u32 as usize
    }

    /// The shape number and flags.
    #[inline(always)]
    fn shape(&self) -> u32 {
        (self.state >> 32) as u32
    }

    #[inline(always)]
    fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<()> {
        let known = match self.shape() & OFF_SHAPE {
            0 => self.w.shapes.field(self.shape() & SHAPE, self.count()),
            _ => None,
        };
        match known {
            Some(field) if field.name == address(name) => {
                let (get, index) = (field.get, field.index);
                self.w.known_name(get, index)?;
            }
            Some(field) => {
                let diverged = field.name != UNRECORDED;
                self.field_name(name, diverged)?;
            }
            None => self.field_name(name, false)?,
        }
        value.serialize(&mut *self.w)?;
        self.state += 1;
        if self.shape() & PER_ENTRY != 0 {
            self.w.framer.write_byte(Opcode::SETITEM as u8);
        }
        Ok(())
    }

    /// A field name the shape does not give: the first value of its type
    /// to write this field records it, a value whose field differs from
    /// the shape's (`diverged`) leaves the shape, and off the shape names
    /// are looked up by [`Writer::name`] and checked against the struct's
    /// other names.
    #[inline(never)]
    fn field_name(&mut self, name: &'static str, diverged: bool) -> Result<()> {
        let on_shape = self.shape() & OFF_SHAPE == 0;
        if on_shape && !diverged {
            let index = self.w.name(name)?;
            let get = self.w.fetch_word(index);
            let (shape, position) = (self.shape() & SHAPE, self.count());
            if !self.w.shapes.record(shape, position, name, index, get) {
                // Named twice: a dict with one entry for it.
                return Err(Fallback);
            }
            return Ok(());
        }
        if on_shape {
            self.leave_shape();
        }
        let index = self.w.name(name)?;
        let w = &mut *self.w;
        let Some(off) = w.off_shape.last_mut() else {
            return Err(Fallback);
        };
        // A struct naming one field twice is a dict with one entry for it.
        let bit = 1u64 << (index % 64);
        if off.bits & bit != 0 && w.open_fields[off.from..].contains(&index) {
            return Err(Fallback);
        }
        off.bits |= bit;
        w.open_fields.push(index);
        Ok(())
    }

    /// This value's fields stop following the shape: the names written so
    /// far go where [`StructWriter::field_name`] checks repeats.
    fn leave_shape(&mut self) {
        let (shape, count) = (self.shape() & SHAPE, self.count());
        let w = &mut *self.w;
        let mut off = OffShape {
            from: w.open_fields.len(),
            bits: 0,
        };
        for field in w.shapes.prefix(shape, count) {
            off.bits |= 1u64 << (field.index % 64);
            w.open_fields.push(field.index);
        }
        w.off_shape.push(off);
        self.state |= u64::from(OFF_SHAPE) << 32;
    }

    #[inline(always)]
    fn end(self) -> Result<()> {
        let (shape, count) = (self.shape(), self.count());
        let w = self.w;
        let len = w.shapes.len(shape & SHAPE).ok_or(Fallback)?;
        if count != len {
            return Err(Fallback);
        }
        if shape & PER_ENTRY == 0 {
            match len {
                0 => {}
                1 => w.framer.write_byte(Opcode::SETITEM as u8),
                _ => w.framer.write_byte(Opcode::SETITEMS as u8),
            }
        }
        if shape & OFF_SHAPE != 0 {
            if let Some(off) = w.off_shape.pop() {
                w.open_fields.truncate(off.from);
            }
        }
        if shape & VARIANT != 0 {
            w.framer.write_byte(Opcode::SETITEM as u8);
        }
        Ok(())
    }
}

/// Structs and struct variants share one writer.
macro_rules! struct_traits {
    ($($trait:ident),*) => {$(
        impl ser::$trait for StructWriter<'_> {
            type Ok = ();
            type Error = Fallback;
            #[inline(always)]
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                name: &'static str,
                value: &T,
            ) -> Result<()> {
                self.field(name, value)
            }
            #[inline(always)]
            fn end(self) -> Result<()> {
                StructWriter::end(self)
            }
        }
    )*};
}

struct_traits!(SerializeStruct, SerializeStructVariant);
