//! `str`: code points including lone surrogates, stored as UTF-8 with
//! surrogates encoded in place (what Python's `"surrogatepass"` error handler writes).

use std::sync::atomic::{AtomicI64, Ordering};

use crate::atoms::EMPTY;
use crate::chunks::ChunkBytes;
use crate::{Error, Heap, Obj, Object, Result};

/// The payload of a `str`.
///
/// Python strings are sequences of code points, and unlike Rust's `str` they
/// may hold lone surrogates (U+D800 to U+DFFF). We store each code point in
/// UTF-8's layout, surrogates included as three-byte sequences, never pairing
/// two surrogates into one four-byte sequence: exactly the bytes that Python's
/// `s.encode("utf-8", "surrogatepass")` gives. That makes pickling a `str`
/// (BINUNICODE) a plain copy, and [`Str::as_str`] free for the usual case of a
/// string without surrogates.
///
/// Strings of up to [`Str::INLINE`] bytes — most dict keys, attribute names
/// and short values — live inside the object itself, so making one allocates
/// nothing; longer ones keep their bytes in one allocation behind a thin
/// pointer. Every form fits in 16 bytes; with the cached hash beside them a
/// `Str` is 24 bytes, and [`Object`] stays 24 (pinned by a test).
///
/// Like CPython, a str remembers its `hash()` once computed: dict keys are
/// mostly a few shared str objects (every record of a pickle names the same
/// keys), and hashing them again on every insert was the largest cost of
/// loading lists of small dicts.
pub struct Str {
    repr: Repr,
    /// `hash()` of this str under its heap's key, or [`NOT_HASHED`]. Atomic
    /// only so that `&Heap` stays `Sync`; relaxed ordering suffices, as every
    /// thread computes the same value.
    hash: AtomicI64,
}

/// CPython's marker for "hash not computed yet": no str hashes to -1.
const NOT_HASHED: i64 = -1;

impl Clone for Str {
    /// The copy forgets the cached hash: it may go to a heap with another key.
    fn clone(&self) -> Str {
        Str {
            repr: self.repr.clone(),
            hash: AtomicI64::new(NOT_HASHED),
        }
    }
}

#[derive(Clone)]
enum Repr {
    /// Invariant: used exactly when the string has at most `INLINE` bytes,
    /// and the bytes past `len` are zero.
    Inline { len: u8, buf: [u8; Str::INLINE] },
    /// Invariant: used exactly for more than `INLINE` and at most 24
    /// bytes, and the bytes past `len` are zero. A fixed-size array is
    /// boxed behind a thin pointer, so the length fits beside it; it is
    /// filled with one copy. (These were a `ThinVec`, which fills itself
    /// byte by byte, its length stored behind the pointer after every
    /// byte: twelve instructions a byte, 41% of loading pyperformance's
    /// three mutated profile dicts, whose keys and values are 15 to 25
    /// bytes long.) Four sizes, so that no str takes more memory than the
    /// `ThinVec` did (its 16-byte header and the bytes, in glibc's 16-byte
    /// steps) or than CPython's str (49 bytes and the text, in pymalloc's
    /// 16-byte steps).
    Boxed24 { len: u8, buf: Box<[u8; 24]> },
    /// As `Boxed24`, for 25 to 32 bytes.
    Boxed32 { len: u8, buf: Box<[u8; 32]> },
    /// As `Boxed24`, for 33 to 48 bytes.
    Boxed48 { len: u8, buf: Box<[u8; 48]> },
    /// As `Boxed24`, for 49 bytes to fewer than `LARGE`.
    Boxed64 { len: u8, buf: Box<[u8; 64]> },
    /// More than `INLINE` and fewer than `LARGE` bytes, made by a heap: in
    /// one of its shared chunks (see `chunks.rs`), which costs no
    /// allocation of its own. The boxed forms above serve strs made
    /// without a heap.
    Chunked(ChunkBytes),
    /// `LARGE` bytes or more, in a boxed slice: it costs one 16-byte
    /// allocation more (the slice's pointer and length; boxed again so that
    /// `Repr` stays 16 bytes), copies at `memcpy` speed, and can take over a
    /// buffer the unpickler filled.
    Large(Box<Box<[u8]>>),
}

/// `bytes` (at most `N`) zero-padded in a box of `N`, with their length.
/// Filled on the stack and moved into the box: `Box::new([0; N])` is a
/// `calloc`, which took twice a `malloc`'s time.
#[inline]
fn boxed<const N: usize>(bytes: &[u8]) -> (u8, Box<[u8; N]>) {
    let mut buf = [0u8; N];
    let len = bytes.len().min(N);
    buf[..len].copy_from_slice(&bytes[..len]);
    (len as u8, Box::new(buf))
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for Str {}

impl std::hash::Hash for Str {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bytes().hash(state);
    }
}

impl std::fmt::Debug for Str {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.as_str() {
            Some(s) => write!(f, "{s:?}"),
            None => write!(f, "Str({:?})", self.code_points().collect::<Vec<_>>()),
        }
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        Str::from_valid_bytes(s.as_bytes())
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        Str::from_valid_bytes(s.as_bytes())
    }
}

/// How wide CPython would store a string: the kind that decides the bytes
/// its hash is computed over (1, 2 or 4 bytes per code point).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StrWidth {
    /// All code points below U+0100.
    Latin1,
    /// All code points below U+10000.
    Ucs2,
    /// Some code point at or above U+10000.
    Ucs4,
}

impl Str {
    /// A string of the given code points; an error for values above U+10FFFF.
    pub fn from_code_points(points: impl IntoIterator<Item = u32>) -> Result<Str> {
        let mut bytes = Vec::new();
        for cp in points {
            push_code_point(&mut bytes, cp)?;
        }
        Ok(Str::from_valid_bytes(&bytes))
    }

    /// Decodes UTF-8 that may contain encoded surrogates, as Python's
    /// `bytes.decode("utf-8", "surrogatepass")` does. Any other malformation
    /// (overlong forms, bad continuation bytes, truncation, values above
    /// U+10FFFF) is a value error naming the byte position.
    pub fn from_utf8_surrogatepass(bytes: &[u8]) -> Result<Str> {
        match Str::short_ascii(bytes) {
            Some(inline) => Ok(inline),
            None => Str::from_utf8_general(bytes),
        }
    }

    /// [`from_utf8_surrogatepass`](Self::from_utf8_surrogatepass) for input
    /// that is not short ASCII (or not known to be).
    fn from_utf8_general(bytes: &[u8]) -> Result<Str> {
        validate_utf8_surrogatepass(bytes)?;
        Ok(Str::from_valid_bytes(bytes))
    }

    /// [`from_utf8_surrogatepass`](Self::from_utf8_surrogatepass) taking
    /// over `bytes` (no copy for a string of [`Str::LARGE`] bytes or more).
    ///
    /// ```
    /// use pyobj::Str;
    /// let long = "x".repeat(100);
    /// assert_eq!(Str::from_utf8_vec(long.clone().into_bytes())?, Str::from(long.as_str()));
    /// assert!(Str::from_utf8_vec(vec![0xff; 100]).is_err());
    /// # Ok::<(), pyobj::Error>(())
    /// ```
    pub fn from_utf8_vec(bytes: Vec<u8>) -> Result<Str> {
        validate_utf8_surrogatepass(&bytes)?;
        Ok(if bytes.len() >= Str::LARGE {
            Str::large(bytes.into_boxed_slice())
        } else {
            Str::from_valid_bytes(&bytes)
        })
    }

    /// Strings of this many bytes or more keep them in a boxed slice (see
    /// `Repr::Large`).
    pub const LARGE: usize = 64;

    /// Strings up to this many bytes are stored inline, without allocating.
    pub const INLINE: usize = 14;

    /// An inline str from 4 to 14 bytes of ASCII, checked and copied as two
    /// overlapping 8-byte (or 4-byte) words instead of byte by byte and a
    /// `memcpy` call: the most common str in a pickle (dict keys, names,
    /// short values) is exactly this. `None` for anything else.
    #[inline]
    fn short_ascii(bytes: &[u8]) -> Option<Str> {
        const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
        let n = bytes.len();
        let mut buf = [0u8; Str::INLINE];
        if (8..=Str::INLINE).contains(&n) {
            let head: [u8; 8] = bytes[..8].try_into().ok()?;
            let tail: [u8; 8] = bytes[n - 8..].try_into().ok()?;
            if (u64::from_ne_bytes(head) | u64::from_ne_bytes(tail)) & HIGH_BITS != 0 {
                return None;
            }
            buf[..8].copy_from_slice(&head);
            buf[n - 8..n].copy_from_slice(&tail);
        } else if (4..8).contains(&n) {
            let head: [u8; 4] = bytes[..4].try_into().ok()?;
            let tail: [u8; 4] = bytes[n - 4..].try_into().ok()?;
            if (u32::from_ne_bytes(head) | u32::from_ne_bytes(tail)) & (HIGH_BITS as u32) != 0 {
                return None;
            }
            buf[..4].copy_from_slice(&head);
            buf[n - 4..n].copy_from_slice(&tail);
        } else {
            return None;
        }
        Some(Str {
            repr: Repr::Inline { len: n as u8, buf },
            hash: AtomicI64::new(NOT_HASHED),
        })
    }

    /// A string of bytes already known to be surrogatepass UTF-8.
    fn from_valid_bytes(bytes: &[u8]) -> Str {
        if bytes.len() >= Str::LARGE {
            return Str::large(bytes.into());
        }
        let repr = if bytes.len() <= Str::INLINE {
            let mut buf = [0u8; Str::INLINE];
            buf[..bytes.len()].copy_from_slice(bytes);
            Repr::Inline {
                len: bytes.len() as u8,
                buf,
            }
        } else if bytes.len() <= 24 {
            let (len, buf) = boxed(bytes);
            Repr::Boxed24 { len, buf }
        } else if bytes.len() <= 32 {
            let (len, buf) = boxed(bytes);
            Repr::Boxed32 { len, buf }
        } else if bytes.len() <= 48 {
            let (len, buf) = boxed(bytes);
            Repr::Boxed48 { len, buf }
        } else {
            let (len, buf) = boxed(bytes);
            Repr::Boxed64 { len, buf }
        };
        Str {
            repr,
            hash: AtomicI64::new(NOT_HASHED),
        }
    }

    /// A string of [`Str::LARGE`] bytes or more, already known to be
    /// surrogatepass UTF-8.
    fn large(bytes: Box<[u8]>) -> Str {
        Str {
            repr: Repr::Large(Box::new(bytes)),
            hash: AtomicI64::new(NOT_HASHED),
        }
    }

    /// The hash computed earlier by [`Heap::hash`](crate::Heap::hash), if any.
    #[inline]
    pub(crate) fn cached_hash(&self) -> Option<i64> {
        let hash = self.hash.load(Ordering::Relaxed);
        (hash != NOT_HASHED).then_some(hash)
    }

    #[inline]
    pub(crate) fn cache_hash(&self, hash: i64) {
        self.hash.store(hash, Ordering::Relaxed);
    }

    #[inline]
    fn bytes(&self) -> &[u8] {
        match &self.repr {
            Repr::Inline { len, buf } => &buf[..*len as usize],
            Repr::Boxed24 { len, buf } => &buf[..*len as usize],
            Repr::Boxed32 { len, buf } => &buf[..*len as usize],
            Repr::Boxed48 { len, buf } => &buf[..*len as usize],
            Repr::Boxed64 { len, buf } => &buf[..*len as usize],
            Repr::Large(bytes) => bytes,
            Repr::Chunked(chunked) => chunked.bytes(),
        }
    }

    /// The string as a Rust `&str`, unless it holds a lone surrogate.
    #[inline]
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(self.bytes()).ok()
    }

    /// The string as text, with each lone surrogate replaced by U+FFFD.
    pub fn to_string_lossy(&self) -> std::borrow::Cow<'_, str> {
        match self.as_str() {
            Some(s) => std::borrow::Cow::Borrowed(s),
            None => std::borrow::Cow::Owned(
                self.code_points()
                    .map(|cp| char::from_u32(cp).unwrap_or('\u{FFFD}'))
                    .collect(),
            ),
        }
    }

    /// The UTF-8 bytes with surrogates encoded in place: what Python's
    /// `encode("utf-8", "surrogatepass")` returns.
    #[inline]
    pub fn as_surrogatepass_bytes(&self) -> &[u8] {
        self.bytes()
    }

    /// A short string's bytes as stored, zero-padded to [`Str::INLINE`]
    /// bytes, and how many of them count; `None` for a longer string. A
    /// writer can copy the whole fixed-size array (a few moves, no call)
    /// and keep the first `len` bytes.
    ///
    /// ```
    /// use pyobj::Str;
    /// let s = Str::from("abc");
    /// let (padded, len) = s.inline_padded().unwrap();
    /// assert_eq!((&padded[..4], len), (&b"abc\0"[..], 3));
    /// assert!(Str::from("a longer string").inline_padded().is_none());
    /// ```
    #[inline]
    pub fn inline_padded(&self) -> Option<(&[u8; Str::INLINE], usize)> {
        match &self.repr {
            Repr::Inline { buf, len } => Some((buf, usize::from(*len))),
            Repr::Boxed24 { .. }
            | Repr::Boxed32 { .. }
            | Repr::Boxed48 { .. }
            | Repr::Boxed64 { .. }
            | Repr::Chunked(_)
            | Repr::Large(_) => None,
        }
    }

    /// The code points, in order.
    pub fn code_points(&self) -> CodePoints<'_> {
        CodePoints { rest: self.bytes() }
    }

    /// `len(s)`: the number of code points.
    pub fn char_len(&self) -> usize {
        // Every code point has exactly one byte that is not a continuation byte.
        self.bytes().iter().filter(|b| (**b & 0xC0) != 0x80).count()
    }

    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes().is_empty()
    }

    /// The narrowest of CPython's storage widths that holds every code point.
    pub fn width(&self) -> StrWidth {
        let mut width = StrWidth::Latin1;
        for &b in self.bytes() {
            // Lead bytes 0xC2/0xC3 are U+0080..U+00FF; larger leads widen.
            if b >= 0xF0 {
                return StrWidth::Ucs4;
            } else if b >= 0xC4 && (b & 0xC0) != 0x80 {
                width = StrWidth::Ucs2;
            }
        }
        width
    }
}

/// Iterator over the code points of a [`Str`].
#[derive(Clone, Debug)]
pub struct CodePoints<'a> {
    rest: &'a [u8],
}

impl Iterator for CodePoints<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        let (&first, tail) = self.rest.split_first()?;
        let (len, init) = match first {
            0x00..=0x7F => (1, first as u32),
            0xC0..=0xDF => (2, (first & 0x1F) as u32),
            0xE0..=0xEF => (3, (first & 0x0F) as u32),
            _ => (4, (first & 0x07) as u32),
        };
        let len = len.min(self.rest.len());
        let cp = tail[..len - 1]
            .iter()
            .fold(init, |acc, b| (acc << 6) | (b & 0x3F) as u32);
        self.rest = &self.rest[len..];
        Some(cp)
    }
}

/// Appends one code point in UTF-8 layout, surrogates included.
pub(crate) fn push_code_point(out: &mut Vec<u8>, cp: u32) -> Result<()> {
    match cp {
        0..=0x7F => out.push(cp as u8),
        0x80..=0x7FF => out.extend_from_slice(&[0xC0 | (cp >> 6) as u8, 0x80 | (cp & 0x3F) as u8]),
        0x800..=0xFFFF => out.extend_from_slice(&[
            0xE0 | (cp >> 12) as u8,
            0x80 | ((cp >> 6) & 0x3F) as u8,
            0x80 | (cp & 0x3F) as u8,
        ]),
        0x10000..=0x10FFFF => out.extend_from_slice(&[
            0xF0 | (cp >> 18) as u8,
            0x80 | ((cp >> 12) & 0x3F) as u8,
            0x80 | ((cp >> 6) & 0x3F) as u8,
            0x80 | (cp & 0x3F) as u8,
        ]),
        _ => {
            return Err(Error::value_error(format!(
                "chr() arg not in range(0x110000): {cp:#x}"
            )))
        }
    }
    Ok(())
}

/// Checks that `bytes` is surrogatepass UTF-8: ASCII (most strs in
/// pickles) word by word, then the standard validator (the general one's
/// setup cost dominated for short strings), then the surrogatepass rules.
fn validate_utf8_surrogatepass(bytes: &[u8]) -> Result<()> {
    if !bytes.is_ascii() && std::str::from_utf8(bytes).is_err() {
        validate_surrogatepass(bytes)?;
    }
    Ok(())
}

/// Checks UTF-8 in which three-byte surrogate encodings are allowed, and on
/// failure reports the same byte range and reason as CPython's decoder with
/// the "surrogatepass" handler (which only ever accepts a whole surrogate).
fn validate_surrogatepass(bytes: &[u8]) -> Result<()> {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        let (len, second) = match b {
            0xC2..=0xDF => (2, 0x80..=0xBF),
            0xE0 => (3, 0xA0..=0xBF),
            // Strictly 0x80..=0x9F; 0xA0.. are surrogates, passed below.
            0xED => (3, 0x80..=0x9F),
            0xE1..=0xEF => (3, 0x80..=0xBF),
            0xF0 => (4, 0x90..=0xBF),
            0xF1..=0xF3 => (4, 0x80..=0xBF),
            0xF4 => (4, 0x80..=0x8F),
            _ => return Err(bad_utf8(bytes, i, i + 1, "invalid start byte")),
        };
        let mut failure = None;
        for j in 1..len {
            let Some(&c) = bytes.get(i + j) else {
                failure = Some((bytes.len(), "unexpected end of data"));
                break;
            };
            let ok = if j == 1 {
                second.contains(&c)
            } else {
                (0x80..=0xBF).contains(&c)
            };
            if !ok {
                failure = Some((i + j, "invalid continuation byte"));
                break;
            }
        }
        match failure {
            None => i += len,
            Some(_)
                if b == 0xED
                    && bytes.get(i + 1).is_some_and(|c| (0xA0..=0xBF).contains(c))
                    && bytes.get(i + 2).is_some_and(|c| (0x80..=0xBF).contains(c)) =>
            {
                i += 3
            }
            Some((end, reason)) => return Err(bad_utf8(bytes, i, end, reason)),
        }
    }
    Ok(())
}

#[cold]
fn bad_utf8(bytes: &[u8], start: usize, end: usize, reason: &str) -> Error {
    let message = if end - start <= 1 {
        format!(
            "'utf-8' codec can't decode byte {:#04x} in position {start}: {reason}",
            bytes[start]
        )
    } else {
        format!(
            "'utf-8' codec can't decode bytes in position {start}-{}: {reason}",
            end - 1
        )
    };
    Error::new(crate::ErrorKind::Value, message)
}

impl Str {
    /// Whether CPython keeps one object for this str's value (`''` and the
    /// one-character strs below U+0100), given as UTF-8; a heap does the
    /// same, so every `new_str("a")` is the same object. The answer is the
    /// value's index in that table (the code point, or 256 for `''`): a
    /// writer that emulates the heap's sharing without a heap keys its memo
    /// entries by it.
    ///
    /// ```
    /// use pyobj::{Heap, Str};
    /// assert_eq!(Str::shared_index("é".as_bytes()), Some(0xE9));
    /// assert_eq!(Str::shared_index(b""), Some(256));
    /// assert_eq!(Str::shared_index("Ā".as_bytes()), None);
    /// let mut heap = Heap::new();
    /// assert_eq!(heap.new_str("é"), heap.new_str("é"));
    /// ```
    #[inline]
    pub fn shared_index(utf8: &[u8]) -> Option<usize> {
        // Longer text first, in one test: it is nearly every str a load
        // makes (the match below alone cost `grouped` 2% more instructions).
        if utf8.len() > 2 {
            return None;
        }
        // One byte below 0x80, or `C2`/`C3` and a continuation byte.
        match *utf8 {
            [] => Some(EMPTY),
            [b] if b < 0x80 => Some(b as usize),
            [lead @ (0xC2 | 0xC3), cont] if cont & 0xC0 == 0x80 => {
                Some((((lead & 0x1F) as usize) << 6) | (cont & 0x3F) as usize)
            }
            _ => None,
        }
    }
}

impl Heap {
    /// A `str` from Rust text.
    pub fn new_str(&mut self, value: &str) -> Obj {
        if let Some(index) = Str::shared_index(value.as_bytes()) {
            return self.shared_str(index);
        }
        let value = self.str_from_valid_bytes(value.as_bytes());
        self.insert(Object::Str(value))
    }

    /// A [`Str`] of bytes already known to be surrogatepass UTF-8, its
    /// text in one of the heap's chunks if it is of medium length.
    #[inline]
    fn str_from_valid_bytes(&mut self, bytes: &[u8]) -> Str {
        if bytes.len() > Str::INLINE && bytes.len() < Str::LARGE {
            if let Some(chunked) = self.chunks.copy(bytes) {
                return Str {
                    repr: Repr::Chunked(chunked),
                    hash: AtomicI64::new(NOT_HASHED),
                };
            }
        }
        Str::from_valid_bytes(bytes)
    }

    /// A `str` decoded from UTF-8 in which encoded surrogates are allowed
    /// (what pickle's BINUNICODE carries; see
    /// [`Str::from_utf8_surrogatepass`]). Short ASCII text, the usual case,
    /// is built straight into its slot.
    ///
    /// ```
    /// use pyobj::Heap;
    /// let mut heap = Heap::new();
    /// let s = heap.new_str_utf8(b"caf\xc3\xa9")?;
    /// assert_eq!(heap.repr(s)?, "'café'");
    /// assert!(heap.new_str_utf8(b"\xff").is_err());
    /// # Ok::<(), pyobj::Error>(())
    /// ```
    #[inline]
    pub fn new_str_utf8(&mut self, bytes: &[u8]) -> Result<Obj> {
        if let Some(index) = Str::shared_index(bytes) {
            return Ok(self.shared_str(index));
        }
        if let Some(short) = Str::short_ascii(bytes) {
            return Ok(self.insert(Object::Str(short)));
        }
        validate_utf8_surrogatepass(bytes)?;
        let value = self.str_from_valid_bytes(bytes);
        Ok(self.insert(Object::Str(value)))
    }

    /// [`Heap::new_str_utf8`] taking over `bytes` (no copy for a long
    /// string): the unpickler's large payloads.
    pub fn new_str_utf8_vec(&mut self, bytes: Vec<u8>) -> Result<Obj> {
        Ok(self.new_str_from(Str::from_utf8_vec(bytes)?))
    }

    /// A `str` from a [`Str`] payload (which may hold lone surrogates).
    pub fn new_str_from(&mut self, value: Str) -> Obj {
        if let Some(index) = Str::shared_index(value.as_surrogatepass_bytes()) {
            return self.shared_str(index);
        }
        self.insert(Object::Str(value))
    }

    /// The shared `str` object for `name`, made on first use.
    ///
    /// CPython interns identifiers (attribute names, class and module names), so
    /// one pickle refers to them through the memo; interning here reproduces that
    /// sharing. Interned strings are reclaimed like any other when unreachable.
    pub fn intern(&mut self, name: &str) -> Obj {
        if let Some(&obj) = self.interned.get(name) {
            if self.contains(obj) {
                return obj;
            }
        }
        let obj = self.new_str(name);
        self.interned.insert(name.into(), obj);
        obj
    }

    /// The payload of a `str`.
    pub fn as_str_obj(&self, obj: Obj) -> Result<&Str> {
        match self.slot_or_int_kind(obj)? {
            Object::Str(s) => Ok(s),
            other => Err(Error::type_error(format!(
                "expected str, got '{}'",
                other.type_name()
            ))),
        }
    }

    /// A `str` as Rust text; a value error if it holds a lone surrogate.
    pub fn as_str(&self, obj: Obj) -> Result<&str> {
        self.as_str_obj(obj)?.as_str().ok_or_else(|| {
            Error::value_error("str contains a lone surrogate and is not valid UTF-8")
        })
    }
}

/// Appends `repr(s)` to `out`, exactly as CPython writes it.
///
/// Single quotes unless the text holds `'` and no `"`; the chosen quote and
/// `\` are backslash-escaped, as are `\t`, `\n` and `\r`. Other code points
/// that are not printable (Python's `str.isprintable()`) are escaped as
/// `\xNN` below U+0100, `\uNNNN` below U+10000, and `\UNNNNNNNN` above; that
/// includes lone surrogates (`\ud800`), so the result is always valid UTF-8.
///
/// ```
/// use pyobj::kinds::str::write_str_repr;
/// use pyobj::Str;
/// let mut out = String::new();
/// write_str_repr(&mut out, &Str::from_code_points([0x27, 0x41, 0xD800, 0x0A])?);
/// assert_eq!(out, r#""'A\ud800\n""#);
/// # Ok::<(), pyobj::Error>(())
/// ```
pub fn write_str_repr(out: &mut String, s: &Str) {
    use std::fmt::Write as _;

    // ASCII bytes never occur inside a multi-byte UTF-8 sequence, so the
    // quote scan can look at raw bytes.
    let bytes = s.as_surrogatepass_bytes();
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    out.reserve(bytes.len() + 2);
    out.push(quote);
    for cp in s.code_points() {
        match cp {
            0x5C => out.push_str("\\\\"),
            0x09 => out.push_str("\\t"),
            0x0A => out.push_str("\\n"),
            0x0D => out.push_str("\\r"),
            _ if cp == quote as u32 => {
                out.push('\\');
                out.push(quote);
            }
            _ => match char::from_u32(cp) {
                Some(c) if crate::kinds::printable::is_printable(cp) => out.push(c),
                // Writing to a String cannot fail.
                _ if cp < 0x100 => {
                    let _ = write!(out, "\\x{cp:02x}");
                }
                _ if cp < 0x10000 => {
                    let _ = write!(out, "\\u{cp:04x}");
                }
                _ => {
                    let _ = write!(out, "\\U{cp:08x}");
                }
            },
        }
    }
    out.push(quote);
}

#[cfg(test)]
mod tests {
    use super::Str;

    /// Every length, across the inline, boxed-array and boxed-slice forms
    /// and their edges, keeps its bytes, its equality and its hash input,
    /// however the str was made.
    #[test]
    fn every_length_keeps_its_text_in_every_form() {
        for n in 0..=130 {
            for unit in ["x", "é", "\u{20ac}"] {
                let text = unit.repeat(n);
                let from_str = Str::from(text.as_str());
                let from_bytes = Str::from_utf8_surrogatepass(text.as_bytes()).unwrap();
                let from_vec = Str::from_utf8_vec(text.clone().into_bytes()).unwrap();
                for s in [&from_str, &from_bytes, &from_vec] {
                    assert_eq!(s.as_str(), Some(text.as_str()), "{n} x {unit:?}");
                    assert_eq!(s.as_surrogatepass_bytes(), text.as_bytes());
                    assert_eq!(
                        s.inline_padded().is_some(),
                        text.len() <= Str::INLINE,
                        "{} bytes",
                        text.len()
                    );
                }
                assert!(from_str == from_bytes && from_bytes == from_vec);
                assert_eq!(from_str.clone().as_str(), Some(text.as_str()));
            }
        }
    }

    /// Strs a heap makes keep medium-length text in its shared chunks;
    /// they equal the same text made without a heap, hash alike, survive
    /// collections that free their neighbours, and copies taken out of the
    /// heap outlive it.
    #[test]
    fn heap_made_strs_keep_their_text_through_collection_and_after_the_heap() {
        let mut heap = crate::Heap::new();
        let mut kept = Vec::new();
        let mut guards = Vec::new();
        let mut texts = Vec::new();
        for n in 0..=130 {
            for (i, unit) in ["x", "é", "\u{20ac}"].into_iter().enumerate() {
                let text = unit.repeat(n);
                let a = heap.new_str(&text);
                let b = heap.new_str_utf8(text.as_bytes()).unwrap();
                let expected = Str::from(text.as_str());
                for obj in [a, b] {
                    assert_eq!(heap.as_str_obj(obj).unwrap(), &expected, "{n} x {unit:?}");
                }
                assert_eq!(heap.hash(a).unwrap(), heap.hash(b).unwrap());
                if (n + i) % 4 == 0 {
                    guards.push(heap.root(a));
                    kept.push(a);
                    texts.push(text);
                }
            }
        }
        let stats = heap.collect();
        assert!(stats.freed > kept.len(), "{stats:?}");
        let copies: Vec<Str> = kept
            .iter()
            .zip(&texts)
            .map(|(&obj, text)| {
                let s = heap.as_str_obj(obj).unwrap();
                assert_eq!(s.as_str(), Some(text.as_str()));
                s.clone()
            })
            .collect();
        drop(heap);
        for (copy, text) in copies.iter().zip(&texts) {
            assert_eq!(copy.as_str(), Some(text.as_str()));
        }
    }
}
