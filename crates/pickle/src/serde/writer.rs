//! Rust values → pickle bytes without the heap: a `serde::Serializer` that
//! writes opcodes as the values stream past.
//!
//! Its output is, byte for byte, what pickling the heap objects of
//! [`reduce::serde::to_object`] would give (which is CPython's pickle of the
//! same dicts and lists). That route allocates an object per value and
//! keeps an identity memo; this one allocates nothing per value. It relies
//! on three facts about those heap objects:
//!
//! * nothing is shared except struct field and variant names, which the
//!   heap interns (CPython interns identifiers too), so the memo is only a
//!   name → index table and every other memoized value gets a fresh index;
//! * serde reports the length of sequences, tuples, structs and (usually)
//!   maps before their items, which is all CPython's batching
//!   (MARK…APPENDS/SETITEMS every 1000 items, APPEND/SETITEM for one) needs;
//! * a dict keeps one entry per distinct key, so a map whose keys are equal
//!   in Python (`1`, `1.0` and `True`; two equal strings) is a dict with
//!   fewer entries than the map.
//!
//! Where a value does not fit these — a map of unknown length, a length
//! that turns out wrong, keys that are equal in Python or are not scalars,
//! bytes below protocol 3 (which pickle through the reduce protocol), or any
//! error — the writer gives up with [`Fallback`] and [`super::to_vec`] takes
//! the heap route, which produces the same bytes or the error with its path.
//!
//! The work is split by what it writes: scalars here, lists, tuples, dicts
//! and structs in `containers.rs`, map keys (which must also say which
//! Python value they are) in `keys.rs`. Each container kind has its own
//! serde state type, so the per-entry path of a struct tests nothing that
//! only a map or a tuple needs, and map keys are written by their own
//! serializer, so values never test whether they are a key.

use std::fmt;

use num_bigint::BigInt;
use num_traits::ToPrimitive;
use pyobj::Int;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::ser::{self, Serialize};

use super::containers::{MapWriter, OffShape, SeqWriter, StructWriter, TupleWriter};
use super::shapes::Shapes;
use crate::framing::{Framer, FRAME_SIZE_TARGET};
use crate::opcodes::Opcode;
use crate::pickler::{
    binget, write_bool, write_bytes, write_float, write_get, write_int, write_put, write_small_int,
    write_str, write_str_and_put, StrPayload,
};

/// Entries in [`Writer::name_cache`].
const NAME_CACHE: usize = 64;

/// The direct writer cannot produce the heap route's bytes for this value;
/// the caller takes the heap route instead.
#[derive(Debug)]
pub(super) struct Fallback;

impl fmt::Display for Fallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("value needs the heap route")
    }
}

impl std::error::Error for Fallback {}

impl ser::Error for Fallback {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Fallback
    }
}

impl From<crate::Error> for Fallback {
    fn from(_: crate::Error) -> Self {
        Fallback
    }
}

pub(super) type Result<T> = std::result::Result<T, Fallback>;

/// The shared strs' indexes (0–256, see `Str::shared_index`) and `b''`.
const ATOMS: usize = 258;
/// The `atoms` slot of `b''`.
const EMPTY_BYTES: usize = 257;

/// Pickles `value` at `protocol` (0–5) straight to bytes, or [`Fallback`].
pub(super) fn to_vec<T: Serialize + ?Sized>(value: &T, protocol: u8) -> Result<Vec<u8>> {
    let mut writer = Writer {
        framer: Framer::in_memory(std::io::sink()),
        protocol,
        modern: protocol >= 4,
        memo_len: 0,
        names: FxHashMap::default(),
        names_by_address: FxHashMap::default(),
        name_cache: [((0, 0), 0); NAME_CACHE],
        shapes: Shapes::new(),
        open_fields: Vec::new(),
        off_shape: Vec::new(),
        key_sets: Vec::new(),
        open_maps: 0,
        atoms: Box::new([u32::MAX; ATOMS]),
        bigint_text: false,
        scratch: String::new(),
    };
    if protocol >= 2 {
        writer.framer.write(&[Opcode::PROTO as u8, protocol]);
    }
    if protocol >= 4 {
        writer.framer.start_framing();
    }
    value.serialize(&mut writer)?;
    writer.framer.write_byte(Opcode::STOP as u8);
    writer.framer.finish()?;
    Ok(writer.framer.take_output())
}

pub(super) struct Writer {
    pub(super) framer: Framer<std::io::Sink>,
    pub(super) protocol: u8,
    /// Protocol 4 or 5: the common case, which the hot paths test once
    /// (SHORT_BINUNICODE, MEMOIZE without an index).
    pub(super) modern: bool,
    /// Memo entries so far. Protocol 4's MEMOIZE names no index, so only
    /// the older protocols' PUTs and the names' GETs need it to fit
    /// the 32 bits of an index (see [`Writer::next_memo_index`]).
    memo_len: u64,
    /// Interned names → memo index: the only objects the heap route shares.
    names: FxHashMap<&'static str, u32>,
    /// The same, keyed by the name's address: field names are string
    /// literals, so this hit is two words hashed and no bytes compared.
    names_by_address: FxHashMap<(usize, usize), u32>,
    /// In front of that, a direct-mapped cache by address: a struct's
    /// field names are met again and again, and this is one comparison.
    name_cache: [((usize, usize), u32); NAME_CACHE],
    /// The field names of each struct type, in order, with their memo
    /// indexes.
    pub(super) shapes: Shapes,
    /// Memo indexes of the field names of every open struct that has left
    /// its shape, to catch a struct that names one field twice.
    pub(super) open_fields: Vec<u32>,
    /// For each open struct that has left its shape, innermost last, where
    /// its names start in `open_fields`.
    pub(super) off_shape: Vec<OffShape>,
    /// The keys of each open map (see `keys.rs`), one set per nesting
    /// level, reused by the next map at that level.
    pub(super) key_sets: Vec<FxHashSet<u64>>,
    pub(super) open_maps: usize,
    /// Memo indexes of the values a heap keeps one object for (`''`, the
    /// one-character strs below U+0100 by `Str::shared_index`, and `b''` at
    /// [`EMPTY_BYTES`]): the heap route writes each once and fetches it
    /// after, a field name among them. `u32::MAX` until written.
    atoms: Box<[u32; ATOMS]>,
    /// The next str is the decimal text of a `reduce::serde::bigint` value.
    bigint_text: bool,
    /// Protocol 0's float text.
    scratch: String,
}

impl Writer {
    /// CPython's check at the start of every save().
    #[inline(always)]
    pub(super) fn begin(&mut self) -> Result<()> {
        Ok(self.framer.maybe_commit()?)
    }

    /// The memo store after a value that was just written.
    pub(super) fn memoize(&mut self) -> Result<()> {
        if self.modern {
            self.memo_len += 1;
            self.framer.write_byte(Opcode::MEMOIZE as u8);
        } else {
            let index = self.next_memo_index()?;
            write_put(&mut self.framer, self.protocol, index);
        }
        Ok(())
    }

    /// Takes the next memo index, for a PUT or a name's later GETs; an
    /// index beyond 32 bits cannot be written.
    fn next_memo_index(&mut self) -> Result<u32> {
        let index = u32::try_from(self.memo_len).map_err(|_| Fallback)?;
        self.memo_len += 1;
        Ok(index)
    }

    /// An int: inlined for one that fits 32 bits, the common case.
    #[inline]
    pub(super) fn int(&mut self, value: i128) -> Result<()> {
        if value != i128::from(value as i32) {
            return self.wide_int(value);
        }
        write_small_int(&mut self.framer, self.protocol, value as i64)?;
        Ok(())
    }

    /// [`Writer::int`] for ints beyond 32 bits.
    #[inline(never)]
    fn wide_int(&mut self, value: i128) -> Result<()> {
        self.begin()?;
        if let Ok(small) = i64::try_from(value) {
            return Ok(write_int(
                &mut self.framer,
                self.protocol,
                &Int::Small(small),
            )?);
        }
        self.bigint(&BigInt::from(value))
    }

    /// An int beyond `i128`, after its save has begun.
    #[cold]
    pub(super) fn bigint(&mut self, value: &BigInt) -> Result<()> {
        let int = match value.to_i64() {
            Some(small) => Int::Small(small),
            None => Int::Big(Box::new(value.clone())),
        };
        Ok(write_int(&mut self.framer, self.protocol, &int)?)
    }

    /// The decimal text of a `reduce::serde::bigint` value, as an int.
    #[cold]
    #[inline(never)]
    pub(super) fn bigint_str(&mut self, text: &str) -> Result<BigInt> {
        self.bigint_text = false;
        let number: BigInt = text.parse().map_err(|_| Fallback)?;
        match number.to_i128() {
            Some(small) => self.int(small)?,
            None => {
                self.begin()?;
                self.bigint(&number)?;
            }
        }
        Ok(number)
    }

    /// Whether the str being written is a `reduce::serde::bigint` value's
    /// text (see [`Writer::bigint_str`]).
    #[inline]
    pub(super) fn wants_bigint_text(&self) -> bool {
        self.bigint_text
    }

    /// Writes the newtype `reduce::serde::bigint` sends (its decimal text
    /// as a str, inside a newtype struct named
    /// [`reduce::serde::BIGINT_TOKEN`]) as an int, through `write`.
    #[cold]
    pub(super) fn bigint_newtype<R>(
        &mut self,
        write: impl FnOnce(&mut Writer) -> Result<R>,
    ) -> Result<R> {
        self.bigint_text = true;
        let written = write(self)?;
        if self.bigint_text {
            // The value was not the decimal text `bigint` sends.
            return Err(Fallback);
        }
        Ok(written)
    }

    #[inline]
    pub(super) fn bool(&mut self, value: bool) -> Result<()> {
        Ok(write_bool(&mut self.framer, self.protocol, value)?)
    }

    #[inline]
    pub(super) fn float(&mut self, value: f64) -> Result<()> {
        let protocol = self.protocol;
        Ok(write_float(
            &mut self.framer,
            protocol,
            value,
            &mut self.scratch,
        )?)
    }

    #[inline]
    pub(super) fn none(&mut self) -> Result<()> {
        self.framer.room()?.put([Opcode::NONE as u8]);
        Ok(())
    }

    pub(super) fn bytes(&mut self, value: &[u8]) -> Result<()> {
        if self.protocol < 3 {
            // bytes pickle through _codecs.encode below protocol 3.
            return Err(Fallback);
        }
        if value.is_empty() {
            let write =
                |writer: &mut Writer| write_bytes(&mut writer.framer, writer.protocol, value);
            return self.atom(EMPTY_BYTES, write).map(drop);
        }
        self.begin()?;
        write_bytes(&mut self.framer, self.protocol, value)?;
        self.memoize()
    }

    /// A value the heap keeps one object for, at `slot` of `atoms`: written
    /// by `write` and memoized the first time, fetched after. Returns its
    /// memo index.
    fn atom(
        &mut self,
        slot: usize,
        write: impl FnOnce(&mut Writer) -> crate::Result<()>,
    ) -> Result<u32> {
        let known = self.atoms[slot];
        if known != u32::MAX {
            write_get(&mut self.framer, self.protocol, known)?;
            return Ok(known);
        }
        self.begin()?;
        write(self)?;
        let index = u32::try_from(self.memo_len).map_err(|_| Fallback)?;
        self.memoize()?;
        self.atoms[slot] = index;
        Ok(index)
    }

    /// A str: the heap's one object for its value if it keeps one (see
    /// [`Writer::atom`]), else a fresh object, its opcode and a new memo
    /// entry.
    #[inline]
    pub(super) fn str(&mut self, value: &str) -> Result<()> {
        if let Some(slot) = pyobj::Str::shared_index(value.as_bytes()) {
            return self
                .atom(slot, |writer| write_text(writer, value))
                .map(drop);
        }
        if !self.modern || value.len() > 0xff {
            return self.other_str(value);
        }
        let room = self.framer.room()?;
        self.memo_len += 1;
        room.put_parts(
            [Opcode::SHORT_BINUNICODE as u8, value.len() as u8],
            value.as_bytes(),
            [Opcode::MEMOIZE as u8],
        );
        Ok(())
    }

    /// [`Writer::str`] for a long str or an older protocol: out of line, so
    /// the common case saves and restores fewer registers.
    #[inline(never)]
    fn other_str(&mut self, value: &str) -> Result<()> {
        if self.protocol >= 1 && value.len() < FRAME_SIZE_TARGET {
            // The str and its memo store in one write.
            let index = self.next_memo_index()?;
            let payload = StrPayload::Slice(value.as_bytes());
            return Ok(write_str_and_put(
                &mut self.framer,
                self.protocol,
                payload,
                index,
            )?);
        }
        self.begin()?;
        write_text(self, value)?;
        self.memoize()
    }

    /// An interned name: written and memoized once, fetched from the memo
    /// after that. Returns its memo index.
    pub(super) fn name(&mut self, name: &'static str) -> Result<u32> {
        if let Some(slot) = pyobj::Str::shared_index(name.as_bytes()) {
            // The same object as a value `name` (see `atoms`).
            return self.atom(slot, |writer| write_text(writer, name));
        }
        let address = (name.as_ptr() as usize, name.len());
        let slot = (address.0 >> 3) % NAME_CACHE;
        let known = match self.name_cache[slot] {
            (cached, index) if cached == address => Some(index),
            _ => {
                let index = self.names_by_address.get(&address).copied().or_else(|| {
                    let index = self.names.get(name).copied();
                    if let Some(index) = index {
                        self.names_by_address.insert(address, index);
                    }
                    index
                });
                if let Some(index) = index {
                    self.name_cache[slot] = (address, index);
                }
                index
            }
        };
        if let Some(index) = known {
            write_get(&mut self.framer, self.protocol, index)?;
            return Ok(index);
        }
        self.begin()?;
        write_text(self, name)?;
        let index = u32::try_from(self.memo_len).map_err(|_| Fallback)?;
        self.names.insert(name, index);
        self.names_by_address.insert(address, index);
        self.memoize()?;
        Ok(index)
    }

    /// An interned name known to be in the memo at `index`, fetched by
    /// `get` (see [`Writer::fetch_word`]).
    #[inline(always)]
    pub(super) fn known_name(&mut self, get: u64, index: u32) -> Result<()> {
        let len = (get >> 56) as usize;
        if len == 0 {
            return Ok(write_get(&mut self.framer, self.protocol, index)?);
        }
        let room = self.framer.room()?;
        room.put_padded([], &get.to_le_bytes(), len, []);
        Ok(())
    }

    /// The memo fetch of `index` as [`Writer::known_name`] takes it: the
    /// BINGET or LONG_BINGET word with its length in the top byte, or 0 at
    /// protocol 0, whose GET is text.
    pub(super) fn fetch_word(&self, index: u32) -> u64 {
        match self.protocol {
            0 => 0,
            _ => binget(index),
        }
    }

    /// An empty dict or list, its memo entry and, for a container whose
    /// entries go in one batch, that batch's MARK, in one write where the
    /// protocol allows. The container's save begins here.
    #[inline]
    pub(super) fn empty_container(
        &mut self,
        binary: Opcode,
        text: &[u8],
        mark: bool,
    ) -> Result<()> {
        if !self.modern {
            return self.older_empty_container(binary, text, mark);
        }
        let room = self.framer.room()?;
        self.memo_len += 1;
        // A fixed-size copy cut to length, not a `memcpy` call.
        let bytes = [binary as u8, Opcode::MEMOIZE as u8, Opcode::MARK as u8, 0];
        room.put_padded([], &bytes, 2 + usize::from(mark), []);
        Ok(())
    }

    /// [`Writer::empty_container`] before protocol 4: PUT with an index.
    #[inline(never)]
    fn older_empty_container(&mut self, binary: Opcode, text: &[u8], mark: bool) -> Result<()> {
        self.begin()?;
        if self.protocol == 0 {
            self.framer.write(text);
        } else {
            self.framer.write_byte(binary as u8);
        }
        self.memoize()?;
        if mark {
            self.framer.write_byte(Opcode::MARK as u8);
        }
        Ok(())
    }

    /// `{variant: ...}`: the dict, its memo entry and the key; the caller
    /// writes the value and then SETITEM.
    #[inline(never)]
    pub(super) fn open_variant(&mut self, variant: &'static str) -> Result<()> {
        self.empty_container(Opcode::EMPTY_DICT, b"(d", false)?;
        self.name(variant).map(drop)
    }
}

/// The integer widths that fit an `i128`, each written by [`Writer::int`].
macro_rules! widening_ints {
    ($($method:ident: $ty:ty),*) => {$(
        #[inline]
        fn $method(self, v: $ty) -> Result<()> {
            self.int(v.into())
        }
    )*};
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = Fallback;
    type SerializeSeq = SeqWriter<'a>;
    type SerializeTuple = TupleWriter<'a>;
    type SerializeTupleStruct = TupleWriter<'a>;
    type SerializeTupleVariant = TupleWriter<'a>;
    type SerializeMap = MapWriter<'a>;
    type SerializeStruct = StructWriter<'a>;
    type SerializeStructVariant = StructWriter<'a>;

    #[inline]
    fn serialize_bool(self, v: bool) -> Result<()> {
        self.bool(v)
    }
    widening_ints!(
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_i128: i128,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64
    );
    #[inline]
    fn serialize_u128(self, v: u128) -> Result<()> {
        match i128::try_from(v) {
            Ok(v) => self.int(v),
            Err(_) => {
                self.begin()?;
                self.bigint(&BigInt::from(v))
            }
        }
    }
    #[inline]
    fn serialize_f32(self, v: f32) -> Result<()> {
        self.float(v.into())
    }
    #[inline]
    fn serialize_f64(self, v: f64) -> Result<()> {
        self.float(v)
    }
    #[inline]
    fn serialize_char(self, v: char) -> Result<()> {
        self.str(v.encode_utf8(&mut [0; 4]))
    }
    #[inline]
    fn serialize_str(self, v: &str) -> Result<()> {
        if self.bigint_text {
            return self.bigint_str(v).map(drop);
        }
        self.str(v)
    }
    #[inline]
    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        self.bytes(v)
    }
    #[inline]
    fn serialize_none(self) -> Result<()> {
        self.none()
    }
    #[inline]
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }
    #[inline]
    fn serialize_unit(self) -> Result<()> {
        self.none()
    }
    #[inline]
    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.none()
    }
    #[inline]
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<()> {
        // A fresh str on the heap route, not the interned name.
        self.str(variant)
    }
    #[inline]
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<()> {
        if name == reduce::serde::BIGINT_TOKEN {
            return self.bigint_newtype(|w| value.serialize(w));
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        self.open_variant(variant)?;
        value.serialize(&mut *self)?;
        self.framer.write_byte(Opcode::SETITEM as u8);
        Ok(())
    }
    #[inline]
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqWriter<'a>> {
        SeqWriter::open(self, len.ok_or(Fallback)?)
    }
    #[inline]
    fn serialize_tuple(self, len: usize) -> Result<TupleWriter<'a>> {
        TupleWriter::open(self, len, None)
    }
    #[inline]
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<TupleWriter<'a>> {
        TupleWriter::open(self, len, None)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<TupleWriter<'a>> {
        TupleWriter::open(self, len, Some(variant))
    }
    #[inline]
    fn serialize_map(self, len: Option<usize>) -> Result<MapWriter<'a>> {
        MapWriter::open(self, len.ok_or(Fallback)?)
    }
    #[inline(always)]
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<StructWriter<'a>> {
        StructWriter::open(self, name, len, None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<StructWriter<'a>> {
        StructWriter::open(self, variant, len, Some(variant))
    }
}

/// A str's opcode, as any protocol writes it.
fn write_text(writer: &mut Writer, value: &str) -> crate::Result<()> {
    write_str(
        &mut writer.framer,
        writer.protocol,
        value.as_bytes(),
        || value.chars().map(u32::from),
    )
}
