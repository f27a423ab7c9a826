//! Python's `hash()`: numeric hashes modulo 2**61-1, SipHash-1-3 for str and
//! bytes under a per-heap secret, tuple and frozenset hashes; unhashable types
//! give a type error.
//!
//! Every formula is CPython 3.11's on a 64-bit build (`Python/pyhash.c`,
//! `Objects/longobject.c`, `Objects/tupleobject.c`, `Objects/setobject.c`),
//! so a heap made with [`HashSeed::Fixed`] gives the very numbers `python3`
//! prints under the same `PYTHONHASHSEED`. The exceptions are the objects
//! CPython hashes by address (`None`, NaN floats, classes, functions, plain
//! instances): there is no address to reproduce, so we hash the handle.

use std::hash::BuildHasher;

use num_bigint::{BigInt, Sign};

use crate::heap::HashSeed;
use crate::kinds::int::Int;
use crate::{Error, Heap, Obj, ObjRef, Object, Result, Str};

/// `2**61 - 1`, the Mersenne prime numeric hashes are reduced by, so that
/// equal ints, floats and complexes hash alike (`sys.hash_info.modulus`).
const MODULUS: u64 = (1 << 61) - 1;
/// `sys.hash_info.inf`: the hash of `inf` (and minus it for `-inf`).
const HASH_INF: i64 = 314_159;
/// `sys.hash_info.imag`: the multiplier of the imaginary part's hash.
const HASH_IMAG: u64 = 1_000_003;

// tuplehash's xxHash primes (64-bit variants).
const XXPRIME_1: u64 = 11_400_714_785_074_694_791;
const XXPRIME_2: u64 = 14_029_467_366_897_019_727;
const XXPRIME_5: u64 = 2_870_177_450_012_600_261;

/// The SipHash key for str and bytes hashes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HashSecret {
    pub(crate) k0: u64,
    pub(crate) k1: u64,
}

impl HashSecret {
    /// The key CPython would use under the same seed: all zeros for
    /// `PYTHONHASHSEED=0`, its `lcg_urandom(n)` bytes for `n`, random otherwise.
    pub(crate) fn new(seed: HashSeed) -> HashSecret {
        match seed {
            HashSeed::Fixed(0) => HashSecret { k0: 0, k1: 0 },
            HashSeed::Fixed(n) => {
                // CPython fills the whole 24-byte `_Py_HashSecret` union with
                // this generator (Python/bootstrap_hash.c); SipHash's k0 and
                // k1 are its first 16 bytes, read little-endian.
                let mut bytes = [0u8; 24];
                let mut x = n;
                for b in bytes.iter_mut() {
                    x = x.wrapping_mul(214_013).wrapping_add(2_531_011);
                    *b = (x >> 16) as u8;
                }
                let word = |i: usize| {
                    let mut w = [0u8; 8];
                    w.copy_from_slice(&bytes[i..i + 8]);
                    u64::from_le_bytes(w)
                };
                HashSecret {
                    k0: word(0),
                    k1: word(8),
                }
            }
            HashSeed::Random => {
                // Each `RandomState` is seeded from the OS once per thread and
                // then stepped, so every heap gets a distinct, unguessable key
                // without a dependency on a random-number crate.
                let state = std::collections::hash_map::RandomState::new();
                HashSecret {
                    k0: state.hash_one(0x6b30_u64),
                    k1: state.hash_one(0x6b31_u64),
                }
            }
        }
    }
}

/// SipHash-1-3 with CPython's finalisation, fed incrementally so a `str` can
/// be hashed in its CPython storage width without building that buffer.
struct Sip13 {
    v0: u64,
    v1: u64,
    v2: u64,
    v3: u64,
    tail: u64,
    ntail: usize,
    len: usize,
}

impl Sip13 {
    fn new(secret: HashSecret) -> Sip13 {
        Sip13 {
            v0: secret.k0 ^ 0x736f_6d65_7073_6575,
            v1: secret.k1 ^ 0x646f_7261_6e64_6f6d,
            v2: secret.k0 ^ 0x6c79_6765_6e65_7261,
            v3: secret.k1 ^ 0x7465_6462_7974_6573,
            tail: 0,
            ntail: 0,
            len: 0,
        }
    }

    #[inline]
    fn round(&mut self) {
        self.v0 = self.v0.wrapping_add(self.v1);
        self.v2 = self.v2.wrapping_add(self.v3);
        self.v1 = self.v1.rotate_left(13) ^ self.v0;
        self.v3 = self.v3.rotate_left(16) ^ self.v2;
        self.v0 = self.v0.rotate_left(32);
        self.v2 = self.v2.wrapping_add(self.v1);
        self.v0 = self.v0.wrapping_add(self.v3);
        self.v1 = self.v1.rotate_left(17) ^ self.v2;
        self.v3 = self.v3.rotate_left(21) ^ self.v0;
        self.v2 = self.v2.rotate_left(32);
    }

    #[inline]
    fn compress(&mut self, m: u64) {
        self.v3 ^= m;
        self.round();
        self.v0 ^= m;
    }

    /// Feeds a whole input at once (nothing written before): blocks, then
    /// the tail assembled in one word, instead of byte by byte. Most strs
    /// and bytes are hashed this way; the byte-at-a-time path in `write`
    /// is for inputs fed in pieces.
    #[inline]
    fn write_all_at_once(&mut self, bytes: &[u8]) {
        debug_assert!(self.len == 0 && self.ntail == 0);
        self.len = bytes.len();
        let mut blocks = bytes.chunks_exact(8);
        for block in &mut blocks {
            let mut w = [0u8; 8];
            w.copy_from_slice(block);
            self.compress(u64::from_le_bytes(w));
        }
        self.tail = tail_word(blocks.remainder());
    }

    fn write(&mut self, mut bytes: &[u8]) {
        self.len = self.len.wrapping_add(bytes.len());
        while self.ntail != 0 {
            let Some((&b, rest)) = bytes.split_first() else {
                return;
            };
            self.push_tail_byte(b);
            bytes = rest;
        }
        let mut blocks = bytes.chunks_exact(8);
        for block in &mut blocks {
            let mut w = [0u8; 8];
            w.copy_from_slice(block);
            self.compress(u64::from_le_bytes(w));
        }
        for &b in blocks.remainder() {
            self.push_tail_byte(b);
        }
    }

    #[inline]
    fn push_tail_byte(&mut self, b: u8) {
        self.tail |= (b as u64) << (8 * self.ntail);
        self.ntail += 1;
        if self.ntail == 8 {
            let m = self.tail;
            self.tail = 0;
            self.ntail = 0;
            self.compress(m);
        }
    }

    fn finish(mut self) -> u64 {
        let b = ((self.len as u64) << 56) | self.tail;
        self.compress(b);
        self.v2 ^= 0xff;
        self.round();
        self.round();
        self.round();
        (self.v0 ^ self.v1) ^ (self.v2 ^ self.v3)
    }
}

/// The last 0 to 7 bytes of an input as a little-endian word, read as two
/// overlapping loads instead of byte by byte (most str keys end in a
/// partial block; the loop was a sixth of hashing one).
#[inline(always)]
fn tail_word(rest: &[u8]) -> u64 {
    let n = rest.len();
    debug_assert!(n < 8);
    if n >= 4 {
        let lo = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
        let hi = u32::from_le_bytes([rest[n - 4], rest[n - 3], rest[n - 2], rest[n - 1]]);
        // The overlapping bytes are the same in both, so OR keeps them.
        u64::from(lo) | (u64::from(hi) << (8 * (n - 4)))
    } else if n > 0 {
        u64::from(rest[0])
            | (u64::from(rest[n / 2]) << (8 * (n / 2)))
            | (u64::from(rest[n - 1]) << (8 * (n - 1)))
    } else {
        0
    }
}

/// `_Py_HashBytes`'s wrapper rules around the hash function: the empty
/// input hashes to 0 (so the secret's prefix and suffix are not revealed),
/// and -1 is reserved for errors.
fn finish_bytes_hash(len: usize, sip: Sip13) -> i64 {
    if len == 0 {
        return 0;
    }
    fix_minus_one(sip.finish() as i64)
}

/// -1 is CPython's error return, so every hash that would be -1 is -2.
#[inline]
fn fix_minus_one(h: i64) -> i64 {
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `hash()` of an int given as sign and magnitude mod 2**61-1, as
/// `long_hash` combines them.
#[inline]
fn signed_residue(negative: bool, residue: u64) -> i64 {
    let h = residue as i64;
    fix_minus_one(if negative { -h } else { h })
}

/// `hash(n)` for a machine-word int.
#[inline]
pub(crate) fn hash_i64(n: i64) -> i64 {
    signed_residue(n < 0, n.unsigned_abs() % MODULUS)
}

/// `hash(n)` for any int.
pub(crate) fn hash_int(n: &Int) -> i64 {
    match n {
        Int::Small(v) => hash_i64(*v),
        Int::Big(b) => hash_bigint(b),
    }
}

fn hash_bigint(n: &BigInt) -> i64 {
    // Horner's rule over 64-bit digits, most significant first: 2**64 is
    // 8 modulo 2**61-1, but u128 arithmetic keeps it obviously right.
    let mut acc: u64 = 0;
    for digit in n.magnitude().iter_u64_digits().rev() {
        let wide = ((acc as u128) << 64) | digit as u128;
        acc = (wide % MODULUS as u128) as u64;
    }
    signed_residue(n.sign() == Sign::Minus, acc)
}

/// A pseudo-address hash for objects CPython hashes by address
/// (`_Py_HashPointer`): a bijective scramble of the handle, so distinct live
/// objects never collide (except the one value folded away from -1) and the
/// low and high bits the dict index uses are both well spread.
pub(crate) fn identity_hash(obj: Obj) -> i64 {
    let scrambled = obj.id().wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    fix_minus_one(scrambled as i64)
}

/// `_Py_HashDouble`: finite values hash as the exact rational they are,
/// modulo 2**61-1, so integral floats hash like the equal int. NaN has no
/// value to hash; since 3.10 CPython uses the object's address, and we the
/// handle of `owner`.
pub(crate) fn hash_float(v: f64, owner: Obj) -> i64 {
    if v.is_nan() {
        return identity_hash(owner);
    }
    if v.is_infinite() {
        return if v > 0.0 { HASH_INF } else { -HASH_INF };
    }
    // v = mantissa * 2**exponent exactly, with an integer mantissa.
    let bits = v.to_bits();
    let negative = bits >> 63 == 1;
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    // 2**61 is 1 modulo 2**61-1, so multiplying by a power of two is a
    // rotation of the 61-bit residue by the exponent taken modulo 61; this
    // is exactly the value CPython's 28-bits-at-a-time loop reaches.
    let shift = exponent.rem_euclid(61) as u32;
    let residue = mantissa % MODULUS;
    let rotated = if shift == 0 {
        residue
    } else {
        ((residue << shift) & MODULUS) | (residue >> (61 - shift))
    };
    signed_residue(negative, rotated)
}

/// `complex_hash`: real part's hash plus 1000003 times the imaginary part's,
/// in wrapping unsigned arithmetic. A NaN part hashes by `owner`.
pub(crate) fn hash_complex(re: f64, im: f64, owner: Obj) -> i64 {
    let hr = hash_float(re, owner) as u64;
    let hi = hash_float(im, owner) as u64;
    fix_minus_one(hr.wrapping_add(HASH_IMAG.wrapping_mul(hi)) as i64)
}

/// One element folded into `tuplehash`'s xxHash-style accumulator.
#[inline]
fn tuple_lane(acc: u64, lane: i64) -> u64 {
    let acc = acc.wrapping_add((lane as u64).wrapping_mul(XXPRIME_2));
    acc.rotate_left(31).wrapping_mul(XXPRIME_1)
}

/// `tuplehash`'s last step: the length, mangled so `hash(())` keeps its
/// historical value.
#[inline]
fn tuple_finish(acc: u64, len: usize) -> i64 {
    let acc = acc.wrapping_add((len as u64) ^ (XXPRIME_5 ^ 3_527_539));
    if acc == u64::MAX {
        return 1_546_275_796;
    }
    acc as i64
}

/// `frozenset_hash` over the members' hashes, in any order.
pub(crate) fn hash_frozenset_of(hashes: impl Iterator<Item = i64>, len: usize) -> i64 {
    // CPython xors every table slot, empty and dummy ones included, then
    // cancels those out again; the net effect is the xor over live entries.
    let shuffle = |h: u64| ((h ^ 89_869_747) ^ (h << 16)).wrapping_mul(3_644_798_167);
    let mut hash = hashes.fold(0u64, |acc, h| acc ^ shuffle(h as u64));
    hash ^= (len as u64).wrapping_add(1).wrapping_mul(1_927_868_237);
    // Disperse patterns arising in nested frozensets.
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash.wrapping_mul(69_069).wrapping_add(907_133_923);
    if hash == u64::MAX {
        return 590_923_713;
    }
    hash as i64
}

/// What one object contributes to a hash: a finished number, or the items
/// of a tuple still to be hashed.
enum Step<'h> {
    Done(i64),
    Tuple(&'h [Obj]),
}

/// A tuple part-way through `tuplehash`.
struct TupleFrame<'h> {
    /// The tuple being hashed (the outermost one is not cached).
    tuple: Option<Obj>,
    items: &'h [Obj],
    next: usize,
    acc: u64,
}

impl Heap {
    /// Python's `hash(obj)`.
    ///
    /// Equal objects hash equally across kinds (`hash(1) == hash(1.0) ==
    /// hash(True) == hash(1+0j)`), and the numbers are CPython 3.11's. A
    /// `list`, `dict`, `set` or `bytearray` (or an instance of a subclass of
    /// one) is unhashable: a [`ErrorKind::Type`](crate::ErrorKind::Type)
    /// error saying `unhashable type: 'list'`. Tuples nested deeper than the
    /// heap's recursion limit give [`ErrorKind::Recursion`](crate::ErrorKind::Recursion);
    /// nesting is walked with an explicit stack, never native recursion.
    ///
    /// ```
    /// use pyobj::{HashSeed, Heap, HeapConfig};
    /// let mut heap = Heap::with_config(HeapConfig::new().hash_seed(HashSeed::Fixed(0)));
    /// let minus_one = heap.new_int(-1);
    /// assert_eq!(heap.hash(minus_one)?, -2);
    /// let s = heap.new_str("a");
    /// assert_eq!(heap.hash(s)?, 4_644_417_185_603_328_019); // PYTHONHASHSEED=0
    /// # Ok::<(), pyobj::Error>(())
    /// ```
    #[inline]
    pub fn hash(&self, obj: Obj) -> Result<i64> {
        // The usual dict keys, a str hashed before and a machine-sized int,
        // answer without a call.
        if let Some(value) = obj.as_immediate_int() {
            return Ok(hash_i64(value));
        }
        if let Some(Object::Str(s)) = self.slot(obj) {
            return Ok(self.str_hash(s));
        }
        self.hash_general(obj)
    }

    /// A str's hash: the cached one, or computed and cached.
    #[inline]
    fn str_hash(&self, s: &Str) -> i64 {
        if let Some(hash) = s.cached_hash() {
            return hash;
        }
        let hash = self.hash_str_bytes(s.as_surrogatepass_bytes());
        s.cache_hash(hash);
        hash
    }

    fn hash_general(&self, obj: Obj) -> Result<i64> {
        let items = match self.hash_step(obj)? {
            Step::Done(h) => return Ok(h),
            Step::Tuple(items) => items,
        };
        let limit = self.config.recursion_limit;
        if limit == 0 {
            return Err(Error::recursion("hashing a tuple"));
        }
        let mut stack = vec![TupleFrame {
            tuple: None,
            items,
            next: 0,
            acc: XXPRIME_5,
        }];
        // Hashes of nested tuples already done in this call: a tuple shared
        // many times at many levels (a "reference bomb" from a hostile
        // pickle) is hashed once, so the walk is linear in the distinct
        // tuples, not exponential. Tuples are immutable, so this is exact.
        let mut done: rustc_hash::FxHashMap<Obj, i64> = Default::default();
        while let Some(top) = stack.last_mut() {
            let Some(&item) = top.items.get(top.next) else {
                let finished = tuple_finish(top.acc, top.items.len());
                if let Some(tuple) = top.tuple {
                    done.insert(tuple, finished);
                }
                stack.pop();
                match stack.last_mut() {
                    None => return Ok(finished),
                    Some(parent) => {
                        parent.acc = tuple_lane(parent.acc, finished);
                        parent.next += 1;
                    }
                }
                continue;
            };
            if let Some(&h) = done.get(&item) {
                top.acc = tuple_lane(top.acc, h);
                top.next += 1;
                continue;
            }
            match self.hash_step(item)? {
                Step::Done(h) => {
                    top.acc = tuple_lane(top.acc, h);
                    top.next += 1;
                }
                Step::Tuple(items) => {
                    if stack.len() >= limit {
                        return Err(Error::recursion("hashing a tuple"));
                    }
                    stack.push(TupleFrame {
                        tuple: Some(item),
                        items,
                        next: 0,
                        acc: XXPRIME_5,
                    });
                }
            }
        }
        // The loop returns when it pops the outermost tuple.
        Err(Error::recursion("hashing a tuple"))
    }

    /// `hash()` of a `str` given by its surrogatepass UTF-8 bytes.
    ///
    /// CPython hashes a str's storage: one byte per code point if all are
    /// below U+0100, two (little-endian) if all are below U+10000, else four.
    pub(crate) fn hash_str_bytes(&self, bytes: &[u8]) -> i64 {
        let mut sip = Sip13::new(self.hash_secret);
        if bytes.is_ascii() {
            sip.write_all_at_once(bytes);
            return finish_bytes_hash(bytes.len(), sip);
        }
        let width = storage_width(bytes);
        // Re-encoded in batches so the hasher sees whole blocks.
        let mut buf = [0u8; 64];
        let mut used = 0;
        let mut count = 0usize;
        for cp in code_points(bytes) {
            let le = cp.to_le_bytes();
            buf[used..used + width].copy_from_slice(&le[..width]);
            used += width;
            count += 1;
            if used == buf.len() {
                sip.write(&buf);
                used = 0;
            }
        }
        sip.write(&buf[..used]);
        finish_bytes_hash(count, sip)
    }

    /// `hash(b)` for the contents of a `bytes`.
    fn hash_bytes(&self, bytes: &[u8]) -> i64 {
        let mut sip = Sip13::new(self.hash_secret);
        sip.write_all_at_once(bytes);
        finish_bytes_hash(bytes.len(), sip)
    }

    /// The hash of anything but a tuple, or a tuple's items to walk.
    fn hash_step(&self, obj: Obj) -> Result<Step<'_>> {
        let (value, base_of) = self.hash_value_of(obj)?;
        let Some(object) = value.in_slot() else {
            // Not in a slot: an int carried in its handle.
            return Ok(Step::Done(match &*value {
                Object::Int(n) => hash_int(n),
                _ => identity_hash(obj),
            }));
        };
        Ok(Step::Done(match object {
            // Objects without a value of their own: CPython hashes them by
            // address (`None` too, until 3.12).
            Object::None
            | Object::Class(_)
            | Object::Function(_)
            | Object::Instance(_)
            | Object::PickleBuffer(_) => identity_hash(obj),
            Object::Bool(b) => *b as i64,
            Object::Int(n) => hash_int(n),
            Object::Float(v) => hash_float(*v, obj),
            Object::Complex(c) => hash_complex(c.re, c.im, obj),
            Object::Str(s) => self.str_hash(s),
            Object::Bytes(b) => self.hash_bytes(b),
            Object::Tuple(items) => return Ok(Step::Tuple(items)),
            Object::FrozenSet(set) => {
                // Members' hashes were computed on insertion and are kept in
                // the table, as CPython keeps them in its set entries, so no
                // walk into the members is needed.
                hash_frozenset_of(set.table().entries().map(|e| e.hash), set.len())
            }
            Object::ByteArray(_) | Object::List(_) | Object::Dict(_) | Object::Set(_) => {
                return Err(match base_of {
                    Some(instance) => Error::unhashable(&self.class_name(instance)?),
                    None => Error::unhashable(object.type_name()),
                });
            }
        }))
    }

    /// The object whose value `obj` hashes and compares by: itself, or for an
    /// instance of a subclass of a built-in (`class L(list)`), its built-in
    /// part, along with the instance (for error messages).
    pub(crate) fn hash_value_of(&self, obj: Obj) -> Result<(ObjRef<'_>, Option<Obj>)> {
        let object = self.get(obj)?;
        if let Object::Instance(inst) = &*object {
            if let Some(base) = inst.base {
                return Ok((self.get(base)?, Some(obj)));
            }
        }
        Ok((object, None))
    }

    /// `type(obj).__name__` (not the qualified name), as CPython's messages
    /// show it.
    fn class_name(&self, obj: Obj) -> Result<String> {
        let qualname = self.type_name(obj)?;
        Ok(match qualname.rsplit_once('.') {
            Some((_, name)) => name.to_string(),
            None => qualname,
        })
    }
}

/// Bytes per code point in CPython's compact storage of the str whose
/// surrogatepass UTF-8 is `bytes`.
fn storage_width(bytes: &[u8]) -> usize {
    let mut width = 1;
    for &b in bytes {
        // Lead bytes 0xC2 and 0xC3 start U+0080..U+00FF; 0xC4 up to 0xEF
        // start U+0100..U+FFFF (surrogates included); 0xF0 up start astral.
        if b >= 0xF0 {
            return 4;
        }
        if b >= 0xC4 && (b & 0xC0) != 0x80 {
            width = 2;
        }
    }
    width
}

/// The code points of surrogatepass UTF-8, tolerant of malformed input
/// (which a `Str` never holds) so that hashing cannot panic.
fn code_points(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        let (&first, tail) = rest.split_first()?;
        let (len, init) = match first {
            0x00..=0x7F => (1, first as u32),
            0xC0..=0xDF => (2, (first & 0x1F) as u32),
            0xE0..=0xEF => (3, (first & 0x0F) as u32),
            _ => (4, (first & 0x07) as u32),
        };
        let len = len.min(rest.len());
        let cp = tail[..len - 1]
            .iter()
            .fold(init, |acc, b| (acc << 6) | (b & 0x3F) as u32);
        rest = &rest[len..];
        Some(cp)
    })
}
