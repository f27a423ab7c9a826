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

use std::fmt;
use std::hash::{Hash, Hasher};

use num_bigint::BigInt;
use num_traits::ToPrimitive;
use pyobj::Int;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use serde::ser::{self, Serialize};

use super::shapes::{address, Field, Shapes};
use crate::framing::{Framer, FRAME_SIZE_TARGET};
use crate::opcodes::Opcode;
use crate::pickler::{
    write_bool, write_bytes, write_float, write_get, write_int, write_put, write_small_int,
    write_str, write_str_and_put, StrPayload,
};

/// Items per MARK…APPENDS/SETITEMS batch, as in CPython.
const BATCHSIZE: usize = 1000;

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

type Result<T> = std::result::Result<T, Fallback>;

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
        probe: Probe::Off,
        key_sets: Vec::new(),
        open_dicts: 0,
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

/// What the map key being written is, as far as dict equality goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Probe {
    /// Not writing a map key.
    Off,
    /// A map key is about to be written; the first scalar records itself.
    Armed,
    /// The key is this scalar (a hash of its Python value: `1`, `1.0` and
    /// `True` hash alike, as they are one dict key).
    Scalar(u64),
    /// The key equals no other key (a NaN: a fresh float object is only
    /// ever equal to itself).
    Unique,
}

pub(super) struct Writer {
    framer: Framer<std::io::Sink>,
    protocol: u8,
    /// Protocol 4 or 5: the common case, which the hot paths test once
    /// (SHORT_BINUNICODE, MEMOIZE without an index).
    modern: bool,
    memo_len: u32,
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
    shapes: Shapes,
    /// Memo indexes of the field names of every open struct, innermost
    /// last, to catch a struct that names one field twice.
    open_fields: Vec<u32>,
    probe: Probe,
    /// The keys of each open map or struct, as [`Probe::Scalar`] hashes
    /// (one set per nesting level, reused by the next dict at that level).
    key_sets: Vec<FxHashSet<u64>>,
    open_dicts: usize,
    /// The next str is the decimal text of a `reduce::serde::bigint` value.
    bigint_text: bool,
    /// Protocol 0's float text.
    scratch: String,
}

impl Writer {
    /// CPython's check at the start of every save().
    #[inline(always)]
    fn begin(&mut self) -> Result<()> {
        Ok(self.framer.maybe_commit()?)
    }

    fn memoize(&mut self) -> Result<()> {
        let index = self.next_memo_index()?;
        if self.modern {
            self.framer.write_byte(Opcode::MEMOIZE as u8);
        } else {
            write_put(&mut self.framer, self.protocol, index);
        }
        Ok(())
    }

    /// Takes the next memo index.
    #[inline]
    fn next_memo_index(&mut self) -> Result<u32> {
        let index = self.memo_len;
        self.memo_len = index.checked_add(1).ok_or(Fallback)?;
        Ok(index)
    }

    /// Records the Python value of a scalar map key (see [`Probe`]).
    #[inline]
    fn record_key(&mut self, tag: u8, value: impl Hash) {
        if self.probe == Probe::Armed {
            self.probe = Probe::Scalar(key_hash(tag, value));
        }
    }

    /// Adds a key to the innermost open dict; false if an equal key (or
    /// one of the same hash, which the heap route then sorts out) is
    /// already there.
    fn add_key(&mut self, hash: u64) -> bool {
        self.key_sets[self.open_dicts - 1].insert(hash)
    }

    /// Containers are not scalar keys: a tuple key or an unhashable one
    /// goes the heap route, which knows both.
    fn not_a_key(&self) -> Result<()> {
        if self.probe == Probe::Armed {
            return Err(Fallback);
        }
        Ok(())
    }

    fn record_int_key(&mut self, value: i128) {
        self.record_key(b'i', value);
    }

    fn int(&mut self, value: i128) -> Result<()> {
        self.record_int_key(value);
        self.begin()?;
        if let Ok(small) = i64::try_from(value) {
            if write_small_int(&mut self.framer, self.protocol, small) {
                return Ok(());
            }
            return Ok(write_int(
                &mut self.framer,
                self.protocol,
                &Int::Small(small),
            )?);
        }
        self.bigint(BigInt::from(value))
    }

    /// The decimal text of a `reduce::serde::bigint` value, as an int.
    #[cold]
    #[inline(never)]
    fn bigint_str(&mut self, text: &str) -> Result<()> {
        self.bigint_text = false;
        let number: BigInt = text.parse().map_err(|_| Fallback)?;
        match number.to_i128() {
            Some(small) => self.int(small),
            None => {
                self.record_key(b'B', number.to_signed_bytes_le());
                self.begin()?;
                self.bigint(number)
            }
        }
    }

    fn bigint(&mut self, value: BigInt) -> Result<()> {
        let int = match value.to_i64() {
            Some(small) => Int::Small(small),
            None => Int::Big(Box::new(value)),
        };
        Ok(write_int(&mut self.framer, self.protocol, &int)?)
    }

    /// A fresh str object: its opcode and a new memo entry.
    #[inline]
    fn str(&mut self, value: &str) -> Result<()> {
        if self.probe == Probe::Armed || !self.modern || value.len() > 0xff {
            return self.other_str(value);
        }
        self.begin()?;
        self.next_memo_index()?;
        self.framer.write_parts(
            [Opcode::SHORT_BINUNICODE as u8, value.len() as u8],
            value.as_bytes(),
            [Opcode::MEMOIZE as u8],
        );
        Ok(())
    }

    /// [`Writer::str`] for a map key, a long str or an older protocol: out
    /// of line, so the common case saves and restores fewer registers.
    #[inline(never)]
    fn other_str(&mut self, value: &str) -> Result<()> {
        self.record_key(b's', value);
        self.begin()?;
        if self.protocol >= 1 && value.len() < FRAME_SIZE_TARGET {
            // The str and its memo store in one write.
            let index = self.next_memo_index()?;
            let payload = StrPayload::Slice(value.as_bytes());
            write_str_and_put(&mut self.framer, self.protocol, payload, index);
            return Ok(());
        }
        write_str(&mut self.framer, self.protocol, value.as_bytes(), || {
            value.chars().map(u32::from)
        })?;
        self.memoize()
    }

    /// An interned name: written and memoized once, fetched from the memo
    /// after that. Returns its memo index.
    fn name(&mut self, name: &'static str) -> Result<u32> {
        self.begin()?;
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
            write_get(&mut self.framer, self.protocol, index);
            return Ok(index);
        }
        write_str(&mut self.framer, self.protocol, name.as_bytes(), || {
            name.chars().map(u32::from)
        })?;
        let index = self.memo_len;
        self.names.insert(name, index);
        self.names_by_address.insert(address, index);
        self.memoize()?;
        Ok(index)
    }

    /// An empty dict or list and its memo entry.
    fn empty_container(&mut self, binary: Opcode, text: &[u8]) -> Result<()> {
        self.begin()?;
        if self.modern {
            self.next_memo_index()?;
            self.framer.write(&[binary as u8, Opcode::MEMOIZE as u8]);
            return Ok(());
        }
        if self.protocol == 0 {
            self.framer.write(text);
        } else {
            self.framer.write_byte(binary as u8);
        }
        self.memoize()
    }

    /// `{variant: ...}`: the dict, its memo entry and the key; the caller
    /// writes the value and then SETITEM.
    fn open_variant(&mut self, variant: &'static str) -> Result<()> {
        self.not_a_key()?;
        self.empty_container(Opcode::EMPTY_DICT, b"(d")?;
        self.name(variant).map(drop)
    }

    /// Opens a list, tuple, map or struct; `name` is a struct's type name.
    fn open(
        &mut self,
        kind: Kind,
        len: usize,
        name: &'static str,
        variant: Option<&'static str>,
    ) -> Result<Compound<'_>> {
        self.not_a_key()?;
        if let Some(variant) = variant {
            self.open_variant(variant)?;
        }
        match kind {
            Kind::List => self.empty_container(Opcode::EMPTY_LIST, b"(l")?,
            Kind::Dict => {
                self.empty_container(Opcode::EMPTY_DICT, b"(d")?;
                if self.key_sets.len() == self.open_dicts {
                    self.key_sets.push(FxHashSet::default());
                }
                self.key_sets[self.open_dicts].clear();
                self.open_dicts += 1;
            }
            Kind::Struct => self.empty_container(Opcode::EMPTY_DICT, b"(d")?,
            Kind::Tuple => {
                self.begin()?;
                if len == 0 {
                    // Never memoized.
                    self.framer
                        .write(if self.protocol == 0 { b"(t" } else { b")" });
                } else if !(self.protocol >= 2 && len <= 3) {
                    self.framer.write_byte(Opcode::MARK as u8);
                }
            }
        }
        let fields_from = self.open_fields.len();
        let on_shape = kind == Kind::Struct;
        let shape = if on_shape {
            self.shapes.find(variant.unwrap_or(name), len)
        } else {
            0
        };
        Ok(Compound {
            w: self,
            kind,
            len,
            count: 0,
            batch_left: 0,
            variant: variant.is_some(),
            fields_from,
            field_bits: 0,
            shape,
            on_shape,
        })
    }
}

/// A dict key's identity for [`Writer::key_sets`]: its Python type family
/// (`tag`) and value.
fn key_hash(tag: u8, value: impl Hash) -> u64 {
    let mut hasher = FxHasher::default();
    tag.hash(&mut hasher);
    value.hash(&mut hasher);
    hasher.finish()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    List,
    Tuple,
    /// A map: keys are checked for Python equality.
    Dict,
    /// A struct: a dict keyed by its field names.
    Struct,
}

/// A list, tuple or dict being written.
pub(super) struct Compound<'a> {
    w: &'a mut Writer,
    kind: Kind,
    len: usize,
    count: usize,
    /// Entries still to come in the open MARK batch.
    batch_left: usize,
    /// Inside `{variant: ...}`: close that dict with SETITEM at the end.
    variant: bool,
    /// A struct's field names are `open_fields[fields_from..]`.
    fields_from: usize,
    /// A bit per field name memo index (mod 64): a repeat is looked for in
    /// `open_fields` only when its bit is already set.
    field_bits: u64,
    /// A struct's shape number (see `shapes.rs`).
    shape: u32,
    /// Every field so far followed the shape: their names are the shape's
    /// first `count`, and are not in `open_fields`.
    on_shape: bool,
}

impl Compound<'_> {
    /// Whether entries are batched (MARK … APPENDS/SETITEMS): binary
    /// protocols, two or more entries.
    fn batched(&self) -> bool {
        self.w.protocol >= 1 && self.len >= 2
    }

    #[inline]
    fn before_entry(&mut self) -> Result<()> {
        if self.count >= self.len {
            return Err(Fallback);
        }
        if self.batch_left == 0 && self.kind != Kind::Tuple && self.batched() {
            self.w.framer.write_byte(Opcode::MARK as u8);
            self.batch_left = BATCHSIZE.min(self.len - self.count);
        }
        Ok(())
    }

    #[inline]
    fn after_entry(&mut self, one: Opcode, many: Opcode) {
        self.count += 1;
        if self.batch_left == 0 {
            self.w.framer.write_byte(one as u8);
            return;
        }
        self.batch_left -= 1;
        if self.batch_left == 0 {
            self.w.framer.write_byte(many as u8);
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.before_entry()?;
        value.serialize(&mut *self.w)?;
        if self.kind == Kind::Tuple {
            self.count += 1;
        } else {
            self.after_entry(Opcode::APPEND, Opcode::APPENDS);
        }
        Ok(())
    }

    fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<()> {
        self.before_entry()?;
        if self.on_shape {
            match self.w.shapes.field(self.shape, self.count) {
                Some(field) if field.name == address(name) => {
                    self.w.begin()?;
                    write_get(&mut self.w.framer, self.w.protocol, field.index);
                }
                Some(_) => {
                    self.leave_shape();
                    self.named_field(name)?;
                }
                None => {
                    // The first value of its type to write this field.
                    let index = self.w.name(name)?;
                    let field = Field {
                        name: address(name),
                        index,
                    };
                    if !self.w.shapes.record(self.shape, self.count, field) {
                        // Named twice: a dict with one entry for it.
                        return Err(Fallback);
                    }
                }
            }
        } else {
            self.named_field(name)?;
        }
        value.serialize(&mut *self.w)?;
        self.after_entry(Opcode::SETITEM, Opcode::SETITEMS);
        Ok(())
    }

    /// A field name off the shape: looked up by [`Writer::name`], and
    /// checked against the struct's other names.
    fn named_field(&mut self, name: &'static str) -> Result<()> {
        let index = self.w.name(name)?;
        // A struct naming one field twice is a dict with one entry for it.
        let bit = 1u64 << (index % 64);
        if self.field_bits & bit != 0 && self.w.open_fields[self.fields_from..].contains(&index) {
            return Err(Fallback);
        }
        self.field_bits |= bit;
        self.w.open_fields.push(index);
        Ok(())
    }

    /// This value's fields stop following the shape: the names written so
    /// far go where [`Compound::named_field`] checks repeats.
    #[cold]
    fn leave_shape(&mut self) {
        self.on_shape = false;
        let w = &mut *self.w;
        for field in w.shapes.prefix(self.shape, self.count) {
            self.field_bits |= 1u64 << (field.index % 64);
            w.open_fields.push(field.index);
        }
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.before_entry()?;
        self.w.probe = Probe::Armed;
        let written = key.serialize(&mut *self.w);
        let probe = std::mem::replace(&mut self.w.probe, Probe::Off);
        written?;
        match probe {
            Probe::Scalar(hash) => {
                if !self.w.add_key(hash) {
                    return Err(Fallback);
                }
            }
            Probe::Unique => {}
            Probe::Off | Probe::Armed => return Err(Fallback),
        }
        Ok(())
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        value.serialize(&mut *self.w)?;
        self.after_entry(Opcode::SETITEM, Opcode::SETITEMS);
        Ok(())
    }

    fn end(self) -> Result<()> {
        if self.count != self.len {
            return Err(Fallback);
        }
        let protocol = self.w.protocol;
        match self.kind {
            Kind::Tuple if self.len > 0 => {
                let op = match self.len {
                    1 if protocol >= 2 => Opcode::TUPLE1,
                    2 if protocol >= 2 => Opcode::TUPLE2,
                    3 if protocol >= 2 => Opcode::TUPLE3,
                    _ => Opcode::TUPLE,
                };
                self.w.framer.write_byte(op as u8);
                self.w.memoize()?;
            }
            Kind::Dict | Kind::Struct => {
                // The C pickler stops only after a batch that was not
                // full, so a multiple of the batch size ends with an empty one.
                if self.batched() && self.len.is_multiple_of(BATCHSIZE) {
                    self.w
                        .framer
                        .write(&[Opcode::MARK as u8, Opcode::SETITEMS as u8]);
                }
                if self.kind == Kind::Dict {
                    self.w.open_dicts -= 1;
                } else {
                    self.w.open_fields.truncate(self.fields_from);
                }
            }
            _ => {}
        }
        if self.variant {
            self.w.framer.write_byte(Opcode::SETITEM as u8);
        }
        Ok(())
    }
}

/// The integer widths that fit an `i128`, each written by [`Writer::int`].
macro_rules! widening_ints {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<()> {
            self.int(v.into())
        }
    )*};
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = Fallback;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.record_int_key(i128::from(v));
        self.begin()?;
        write_bool(&mut self.framer, self.protocol, v);
        Ok(())
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
    fn serialize_u128(self, v: u128) -> Result<()> {
        match i128::try_from(v) {
            Ok(v) => self.int(v),
            Err(_) => {
                self.record_key(b'u', v);
                self.begin()?;
                self.bigint(BigInt::from(v))
            }
        }
    }
    fn serialize_f32(self, v: f32) -> Result<()> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        if self.probe == Probe::Armed {
            if v.is_nan() {
                self.probe = Probe::Unique;
            } else if v.fract() == 0.0 && v.abs() < 1e38 {
                // Equal to the int of the same value, as a dict key.
                self.record_int_key(v as i128);
            } else {
                self.record_key(b'f', v.to_bits());
            }
        }
        self.begin()?;
        write_float(&mut self.framer, self.protocol, v, &mut self.scratch);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<()> {
        self.str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<()> {
        if self.bigint_text {
            return self.bigint_str(v);
        }
        self.str(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        if self.protocol < 3 {
            // bytes pickle through _codecs.encode below protocol 3.
            return Err(Fallback);
        }
        self.record_key(b'b', v);
        self.begin()?;
        write_bytes(&mut self.framer, self.protocol, v)?;
        self.memoize()
    }
    fn serialize_none(self) -> Result<()> {
        self.record_key(b'n', ());
        self.begin()?;
        self.framer.write_byte(Opcode::NONE as u8);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<()> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<()> {
        // A fresh str on the heap route, not the interned name.
        self.str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<()> {
        if name == reduce::serde::BIGINT_TOKEN {
            self.bigint_text = true;
            value.serialize(&mut *self)?;
            if self.bigint_text {
                // The value was not the decimal text `bigint` sends.
                return Err(Fallback);
            }
            return Ok(());
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
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a>> {
        self.open(Kind::List, len.ok_or(Fallback)?, "", None)
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>> {
        self.open(Kind::Tuple, len, "", None)
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Compound<'a>> {
        self.open(Kind::Tuple, len, "", None)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>> {
        self.open(Kind::Tuple, len, "", Some(variant))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a>> {
        self.open(Kind::Dict, len.ok_or(Fallback)?, "", None)
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Compound<'a>> {
        self.open(Kind::Struct, len, name, None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>> {
        self.open(Kind::Struct, len, "", Some(variant))
    }
}

/// The four sequence-like serde traits share one writer.
macro_rules! seq_traits {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Fallback;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
                self.element(value)
            }
            fn end(self) -> Result<()> {
                Compound::end(self)
            }
        }
    )*};
}

seq_traits!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Fallback;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.value(value)
    }
    fn end(self) -> Result<()> {
        Compound::end(self)
    }
}

/// Structs and struct variants share one writer.
macro_rules! struct_traits {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Fallback;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                name: &'static str,
                value: &T,
            ) -> Result<()> {
                self.field(name, value)
            }
            fn end(self) -> Result<()> {
                Compound::end(self)
            }
        }
    )*};
}

struct_traits!(SerializeStruct, SerializeStructVariant);
