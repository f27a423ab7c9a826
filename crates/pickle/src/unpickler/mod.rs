//! The Unpickler: the dispatch loop, one match arm per opcode, each calling a
//! `load_<opcode>` method in its family's file.

mod containers;
mod kept;
mod memo;
mod numbers;
mod objects;
mod strings;

use pyobj::{Heap, Obj};
use reduce::Registry;
use rustc_hash::FxHashMap;

use crate::opcodes::Opcode;
use crate::read::{IoRead, Read, SliceRead};
use crate::resolve::{Resolver, StrictResolver};
use crate::{Error, ErrorKind, LoadOptions, Result};
use kept::Kept;

/// The longest text argument (a protocol-0 line) accepted, so a pickle of one
/// endless line cannot grow a buffer without bound.
const MAX_LINE: usize = 1 << 26;

/// Bytes charged against [`Limits::max_bytes`](crate::Limits) per object
/// created, on top of its payload: roughly its heap slot.
const OBJECT_COST: u64 = 32;

/// A `persistent_load` hook: gets the persistent id, returns the object.
pub type PersistentLoad = Box<dyn FnMut(&mut Heap, Obj) -> Result<Obj>>;

/// Loads pickles from one source, in order.
///
/// The memo is kept between [`load`](Unpickler::load) calls, as CPython's is.
///
/// ```
/// use pickle::{LoadOptions, Unpickler};
/// use pyobj::Heap;
/// use reduce::Registry;
///
/// let mut heap = Heap::new();
/// let mut registry = Registry::new(&mut heap);
/// // Two pickles written one after the other: pickle.dumps(1, 2) + pickle.dumps([], 2)
/// let data = b"\x80\x02K\x01.\x80\x02]q\x00.";
/// let mut unpickler = Unpickler::from_slice(data, LoadOptions::new());
/// let one = unpickler.load(&mut heap, &mut registry)?;
/// let list = unpickler.load(&mut heap, &mut registry)?;
/// assert_eq!(heap.repr(one)?, "1");
/// assert_eq!(heap.repr(list)?, "[]");
/// # Ok::<(), pickle::Error>(())
/// ```
pub struct Unpickler<R> {
    reader: R,
    options: LoadOptions,
    memo: memo::Memo,
    stack: Vec<Obj>,
    marks: Vec<usize>,
    proto: u8,
    scratch: Vec<u8>,
    spent: u64,
    persistent_load: Option<PersistentLoad>,
    buffers: Option<std::vec::IntoIter<Obj>>,
    resolver: Box<dyn Resolver>,
    extension_cache: FxHashMap<u32, Obj>,
    /// Stand-ins already given their names' objects by STACK_GLOBAL.
    named_stand_ins: rustc_hash::FxHashSet<Obj>,
    /// Module name objects of this pickle that named a real (registered)
    /// global, and that global's own module name object: a stand-in named
    /// with the same object takes the real one, so the two share it when
    /// pickled again, as they shared it in this pickle.
    module_aliases: FxHashMap<Obj, Obj>,
    /// Offset and opcode being executed, for error positions.
    at: (u64, Option<Opcode>),
}

impl<R> Drop for Unpickler<R> {
    /// Leaves the stack, marks and memo vectors for the thread's next
    /// unpickler (see `kept.rs`).
    fn drop(&mut self) {
        Kept {
            stack: std::mem::take(&mut self.stack),
            marks: std::mem::take(&mut self.marks),
            memo: self.memo.take_dense(),
        }
        .keep();
    }
}

impl<R> std::fmt::Debug for Unpickler<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unpickler")
            .field("options", &self.options)
            .field("memo", &self.memo.len())
            .finish_non_exhaustive()
    }
}

impl<'a> Unpickler<SliceRead<'a>> {
    /// An unpickler over a byte slice.
    pub fn from_slice(data: &'a [u8], options: LoadOptions) -> Self {
        Unpickler::new(SliceRead::new(data), options)
    }

    /// The bytes after the last STOP loaded.
    pub fn remaining(&self) -> &'a [u8] {
        self.reader.remaining()
    }
}

impl<R: std::io::Read> Unpickler<IoRead<R>> {
    /// An unpickler over any reader; it never reads past the STOP of the
    /// pickle it loads.
    pub fn from_reader(reader: R, options: LoadOptions) -> Self {
        Unpickler::new(IoRead::new(reader), options)
    }
}

/// The most stack and memo entries a load reserves before it starts.
const PRESIZE: usize = 1024;

/// The most heap slots a load reserves before it starts (4 MiB of slot
/// storage, reserved rather than touched); a larger load grows the heap as
/// it goes, by doubling.
const HEAP_PRESIZE: usize = 1 << 17;

/// The fewest stack entries a load reserves: one allocation of this size
/// costs what the first of the several growths from empty would.
const STACK_FLOOR: usize = 32;

impl<R: Read> Unpickler<R> {
    /// An unpickler over `reader` with the strict resolver.
    pub fn new(reader: R, options: LoadOptions) -> Self {
        let kept = Kept::take();
        Unpickler {
            reader,
            options,
            memo: memo::Memo::with_dense(kept.memo),
            stack: kept.stack,
            marks: kept.marks,
            proto: 0,
            scratch: Vec::new(),
            spent: 0,
            persistent_load: None,
            buffers: None,
            resolver: Box::new(StrictResolver),
            extension_cache: FxHashMap::default(),
            named_stand_ins: Default::default(),
            module_aliases: FxHashMap::default(),
            at: (0, None),
        }
    }

    /// Sets the `persistent_load` hook called for PERSID and BINPERSID.
    pub fn persistent_load(mut self, hook: PersistentLoad) -> Self {
        self.persistent_load = Some(hook);
        self
    }

    /// Supplies the out-of-band buffers NEXT_BUFFER takes, in order.
    pub fn buffers(mut self, buffers: Vec<Obj>) -> Self {
        self.buffers = Some(buffers.into_iter());
        self
    }

    /// Replaces the resolver of globals.
    pub fn resolver(mut self, resolver: Box<dyn Resolver>) -> Self {
        self.resolver = resolver;
        self
    }

    /// Loads the next pickle.
    ///
    /// # Errors
    /// [`ErrorKind::Truncated`] at the end of input, [`ErrorKind::Unpickling`]
    /// for malformed data, [`ErrorKind::Unsafe`] for a global that is not
    /// registered, [`ErrorKind::Limit`] past a limit; each with the offset
    /// and opcode where loading stopped.
    pub fn load(&mut self, heap: &mut Heap, registry: &mut Registry) -> Result<Obj> {
        self.stack.clear();
        self.marks.clear();
        // Room for about as many objects as a pickle of this size holds (an
        // eighth of its bytes, at most PRESIZE; the stack at least
        // STACK_FLOOR): growing the stack and the memo from empty took 13
        // reallocations, 6% of loading pyperformance's DICT_GROUP (3 KB).
        // A sixteenth was too few for pyperformance's DICT (683 bytes, 59
        // memo entries, 68 on the stack at once) and its 20-int tuple.
        let objects = self.reader.remaining_hint() / 8;
        self.stack.reserve(objects.clamp(STACK_FLOOR, PRESIZE));
        // The memo as far as the heap below: a pickle of 20,000 memoized
        // strs grew it from PRESIZE five times, copying 250 KB a load (4%
        // of loading `grouped`). Reserved, not touched, as the heap's slots.
        self.memo.reserve(objects.min(HEAP_PRESIZE));
        // Room in the heap for as many, up to HEAP_PRESIZE: growing a fresh
        // heap's slots by doubling copied them all each time (15% of
        // loading `grouped`, 20,000 strs in 290 KB).
        heap.reserve(objects.min(HEAP_PRESIZE));
        self.proto = 0;
        self.spent = 0;
        let result = self.run(heap, registry);
        self.stack.clear();
        self.marks.clear();
        let (offset, opcode) = self.at;
        result.map_err(|e| {
            if e.offset().is_some() {
                e
            } else {
                e.with_position(offset, opcode)
            }
        })
    }

    fn run(&mut self, heap: &mut Heap, registry: &mut Registry) -> Result<Obj> {
        loop {
            let offset = self.reader.offset();
            // `at` is written once per opcode; the error paths set it themselves.
            let byte = match self.reader.next_byte() {
                Ok(Some(byte)) => byte,
                Ok(None) => {
                    self.at = (offset, None);
                    // CPython's only EOFError: no opcode where one was expected.
                    return Err(Error::new(ErrorKind::Truncated, "Ran out of input"));
                }
                Err(e) => {
                    self.at = (offset, None);
                    return Err(e);
                }
            };
            let Some(op) = Opcode::from_byte(byte) else {
                self.at = (offset, None);
                return Err(invalid_load_key(byte));
            };
            self.at = (offset, Some(op));
            match op {
                // Stack and memo.
                Opcode::MARK => self.load_mark()?,
                Opcode::STOP => return self.pop(),
                Opcode::POP => self.load_pop()?,
                Opcode::POP_MARK => {
                    self.marker()?;
                }
                Opcode::DUP => {
                    let top = self.top()?;
                    self.push(top)?;
                }
                Opcode::GET => self.load_get()?,
                Opcode::BINGET => {
                    let i = self.read_u8()? as u64;
                    self.get_memo(i)?;
                }
                Opcode::LONG_BINGET => {
                    let i = self.read_u32()? as u64;
                    self.get_memo(i)?;
                }
                Opcode::PUT => self.load_put()?,
                Opcode::BINPUT => {
                    let i = self.read_u8()? as u64;
                    self.put_memo(i)?;
                }
                Opcode::LONG_BINPUT => {
                    let i = self.read_u32()? as u64;
                    self.put_memo(i)?;
                }
                Opcode::MEMOIZE => {
                    let i = self.memo.len() as u64;
                    self.put_memo(i)?;
                }
                Opcode::PROTO => self.load_proto()?,
                Opcode::FRAME => self.load_frame()?,
                // Numbers.
                Opcode::NONE => self.push(heap.none())?,
                Opcode::NEWTRUE => self.push(heap.bool(true))?,
                Opcode::NEWFALSE => self.push(heap.bool(false))?,
                Opcode::INT => self.load_int(heap)?,
                Opcode::BININT => {
                    let v = self.read_u32()? as i32 as i64;
                    self.push_new(heap.new_int(v))?;
                }
                Opcode::BININT1 => {
                    let v = self.read_u8()? as i64;
                    self.push_new(heap.new_int(v))?;
                }
                Opcode::BININT2 => {
                    let v = self.read_u16()? as i64;
                    self.push_new(heap.new_int(v))?;
                }
                Opcode::LONG => self.load_long(heap)?,
                Opcode::LONG1 => {
                    let n = self.read_u8()? as u64;
                    self.load_long_bytes(heap, n)?;
                }
                Opcode::LONG4 => self.load_long4(heap)?,
                Opcode::FLOAT => self.load_float(heap)?,
                Opcode::BINFLOAT => {
                    let bits = self.read_array::<8>()?;
                    self.push_new(heap.new_float(f64::from_be_bytes(bits)))?;
                }
                // Strings and bytes.
                Opcode::STRING => self.load_string(heap)?,
                Opcode::BINSTRING => {
                    let n = self.read_u32()? as u64;
                    self.load_binstring(heap, n)?;
                }
                Opcode::SHORT_BINSTRING => {
                    let n = self.read_u8()? as u64;
                    self.load_binstring(heap, n)?;
                }
                Opcode::BINBYTES => {
                    let n = self.read_u32()? as u64;
                    self.load_bytes(heap, n, false)?;
                }
                Opcode::SHORT_BINBYTES => {
                    let n = self.read_u8()? as u64;
                    self.load_bytes(heap, n, false)?;
                }
                Opcode::BINBYTES8 => {
                    let n = self.read_size8("BINBYTES")?;
                    self.load_bytes(heap, n, false)?;
                }
                Opcode::BYTEARRAY8 => {
                    let n = self.read_size8("BYTEARRAY8")?;
                    self.load_bytes(heap, n, true)?;
                }
                Opcode::UNICODE => self.load_unicode(heap)?,
                Opcode::BINUNICODE => {
                    let n = self.read_u32()? as u64;
                    self.load_binunicode(heap, n)?;
                }
                Opcode::SHORT_BINUNICODE => {
                    let n = self.read_u8()? as u64;
                    self.load_binunicode(heap, n)?;
                }
                Opcode::BINUNICODE8 => {
                    let n = self.read_size8("BINUNICODE")?;
                    self.load_binunicode(heap, n)?;
                }
                Opcode::NEXT_BUFFER => self.load_next_buffer()?,
                Opcode::READONLY_BUFFER => self.load_readonly_buffer(heap)?,
                // Containers.
                Opcode::EMPTY_TUPLE => self.push_new(heap.new_tuple(Vec::new()))?,
                Opcode::TUPLE1 => self.load_tuple_n(heap, 1)?,
                Opcode::TUPLE2 => self.load_tuple_n(heap, 2)?,
                Opcode::TUPLE3 => self.load_tuple_n(heap, 3)?,
                Opcode::TUPLE => self.load_tuple(heap)?,
                Opcode::EMPTY_LIST => self.push_new(heap.new_list(Vec::new()))?,
                Opcode::LIST => self.load_list(heap)?,
                Opcode::EMPTY_DICT => self.push_new(heap.new_dict())?,
                Opcode::DICT => self.load_dict(heap)?,
                Opcode::EMPTY_SET => {
                    let set = heap.new_set([])?;
                    self.push_new(set)?;
                }
                Opcode::FROZENSET => self.load_frozenset(heap)?,
                Opcode::APPEND => self.load_append(heap, registry)?,
                Opcode::APPENDS => self.load_appends(heap, registry)?,
                Opcode::SETITEM => self.load_setitem(heap, registry)?,
                Opcode::SETITEMS => self.load_setitems(heap, registry)?,
                Opcode::ADDITEMS => self.load_additems(heap, registry)?,
                // Objects and globals.
                Opcode::GLOBAL => self.load_global(heap, registry)?,
                Opcode::STACK_GLOBAL => self.load_stack_global(heap, registry)?,
                Opcode::INST => self.load_inst(heap, registry)?,
                Opcode::OBJ => self.load_obj(heap, registry)?,
                Opcode::REDUCE => self.load_reduce(heap, registry)?,
                Opcode::BUILD => self.load_build(heap, registry)?,
                Opcode::NEWOBJ => self.load_newobj(heap, registry)?,
                Opcode::NEWOBJ_EX => self.load_newobj_ex(heap, registry)?,
                Opcode::EXT1 => {
                    let code = self.read_u8()? as i64;
                    self.load_ext(heap, registry, code)?;
                }
                Opcode::EXT2 => {
                    let code = self.read_u16()? as i64;
                    self.load_ext(heap, registry, code)?;
                }
                Opcode::EXT4 => {
                    let code = self.read_u32()? as i32 as i64;
                    self.load_ext(heap, registry, code)?;
                }
                Opcode::PERSID => self.load_persid(heap)?,
                Opcode::BINPERSID => self.load_binpersid(heap)?,
            }
        }
    }

    // ---- reading arguments ----

    #[inline]
    fn read_array<const N: usize>(&mut self) -> Result<[u8; N]> {
        self.reader.read_array()
    }

    #[inline]
    fn read_u8(&mut self) -> Result<u8> {
        Ok(self.read_array::<1>()?[0])
    }

    #[inline]
    fn read_u16(&mut self) -> Result<u16> {
        Ok(u16::from_le_bytes(self.read_array()?))
    }

    #[inline]
    fn read_u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.read_array()?))
    }

    /// An 8-byte length, which CPython rejects above `isize::MAX`.
    fn read_size8(&mut self, what: &str) -> Result<u64> {
        let n = u64::from_le_bytes(self.read_array()?);
        if n > i64::MAX as u64 {
            return Err(Error::new(
                ErrorKind::Object(pyobj::ErrorKind::Overflow),
                format!("{what} exceeds system's maximum size of {} bytes", i64::MAX),
            ));
        }
        Ok(n)
    }

    /// `n` payload bytes, charged against the byte budget before reading.
    fn read_payload(&mut self, n: u64) -> Result<&[u8]> {
        self.charge(n)?;
        self.reader.read_bytes(n, &mut self.scratch)
    }

    /// A text line without its `\n`.
    fn read_line(&mut self) -> Result<&[u8]> {
        let line = self.reader.read_line(MAX_LINE, &mut self.scratch)?;
        Ok(&line[..line.len() - 1])
    }

    #[inline]
    fn charge(&mut self, bytes: u64) -> Result<()> {
        self.spent = charged(self.spent, bytes, self.options.limits.max_bytes)?;
        Ok(())
    }

    // ---- the stack ----

    fn fence(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    #[cold]
    fn underflow(&self) -> Error {
        Error::new(
            ErrorKind::Unpickling,
            if self.marks.is_empty() {
                "unpickling stack underflow"
            } else {
                "unexpected MARK found"
            },
        )
    }

    #[inline]
    fn push(&mut self, obj: Obj) -> Result<()> {
        self.stack.push(obj);
        Ok(())
    }

    /// Pushes a newly created object, charging the budget for it.
    #[inline]
    fn push_new(&mut self, obj: Obj) -> Result<()> {
        self.charge(OBJECT_COST)?;
        self.stack.push(obj);
        Ok(())
    }

    fn pop(&mut self) -> Result<Obj> {
        if self.stack.len() <= self.fence() {
            return Err(self.underflow());
        }
        self.stack.pop().ok_or_else(|| self.underflow())
    }

    fn top(&self) -> Result<Obj> {
        if self.stack.len() <= self.fence() {
            return Err(self.underflow());
        }
        self.stack.last().copied().ok_or_else(|| self.underflow())
    }

    /// Pops the top mark and returns its position: the items above it stay
    /// on the stack (`stack[mark..]`) for the caller to use in place and
    /// then truncate, so APPENDS and SETITEMS allocate nothing.
    fn pop_mark(&mut self) -> Result<usize> {
        let Some(mark) = self.marks.pop() else {
            return Err(Error::new(ErrorKind::Unpickling, "could not find MARK"));
        };
        Ok(mark.min(self.stack.len()))
    }

    /// The object just below `mark`: the container MARK … APPENDS adds to.
    fn below_mark(&self, mark: usize) -> Result<Obj> {
        if mark <= self.fence() {
            return Err(self.underflow());
        }
        Ok(self.stack[mark - 1])
    }

    /// Pops the top mark and returns the items above it.
    fn marker(&mut self) -> Result<Vec<Obj>> {
        let Some(mark) = self.marks.pop() else {
            return Err(Error::new(ErrorKind::Unpickling, "could not find MARK"));
        };
        Ok(self.stack.split_off(mark.min(self.stack.len())))
    }

    fn load_mark(&mut self) -> Result<()> {
        if self.marks.len() >= self.options.limits.max_depth {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "MARKs nested deeper than {} (Limits::max_depth)",
                    self.options.limits.max_depth
                ),
            ));
        }
        self.marks.push(self.stack.len());
        Ok(())
    }

    fn load_pop(&mut self) -> Result<()> {
        if self.marks.last() == Some(&self.stack.len()) {
            self.marks.pop();
            return Ok(());
        }
        self.pop().map(drop)
    }

    // ---- the memo ----

    #[inline]
    fn get_memo(&mut self, index: u64) -> Result<()> {
        match self.memo.get(index) {
            Some(obj) => self.push(obj),
            None => Err(memo_missing(index)),
        }
    }

    #[inline]
    fn put_memo(&mut self, index: u64) -> Result<()> {
        let top = self.top()?;
        if !self.memo.store(index, top, self.options.limits.max_memo) {
            return Err(self.memo_full());
        }
        Ok(())
    }

    #[cold]
    fn memo_full(&self) -> Error {
        Error::new(
            ErrorKind::Limit,
            format!(
                "more than {} memo entries (Limits::max_memo)",
                self.options.limits.max_memo
            ),
        )
    }

    fn load_get(&mut self) -> Result<()> {
        let line = self.read_line()?;
        if let Some(index) = plain_decimal(line) {
            return self.get_memo(index);
        }
        let text = String::from_utf8_lossy(line);
        let text = text.trim();
        // A negative index is a valid int that no memo holds.
        if let Some(digits) = text.strip_prefix('-') {
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::new(
                    ErrorKind::Unpickling,
                    format!("Memo value not found at index {text}"),
                ));
            }
        }
        let index = parse_decimal_index(line)?;
        self.get_memo(index)
    }

    fn load_put(&mut self) -> Result<()> {
        let line = self.read_line()?;
        if let Some(index) = plain_decimal(line) {
            self.top()?;
            return self.put_memo(index);
        }
        let line = line.to_vec();
        self.top()?;
        let text = String::from_utf8_lossy(&line);
        let trimmed = text.trim();
        if trimmed.starts_with('-')
            && trimmed[1..].bytes().all(|b| b.is_ascii_digit())
            && trimmed.len() > 1
        {
            return Err(Error::new(
                ErrorKind::Object(pyobj::ErrorKind::Value),
                "negative PUT argument",
            ));
        }
        let index = parse_decimal_index(&line)?;
        self.put_memo(index)
    }

    fn load_proto(&mut self) -> Result<()> {
        let proto = self.read_u8()?;
        if proto > crate::HIGHEST_PROTOCOL {
            return Err(Error::new(
                ErrorKind::Value,
                format!("unsupported pickle protocol: {proto}"),
            ));
        }
        self.proto = proto;
        Ok(())
    }

    fn load_frame(&mut self) -> Result<()> {
        let n = u64::from_le_bytes(self.read_array()?);
        if n > i64::MAX as u64 {
            return Err(Error::new(
                ErrorKind::Object(pyobj::ErrorKind::Overflow),
                format!(
                    "FRAME length exceeds system's maximum of {} bytes",
                    i64::MAX
                ),
            ));
        }
        if !self.reader.has_at_least(n) {
            return Err(crate::read::truncated());
        }
        Ok(())
    }

    /// A writable buffer becomes a read-only view of the same memory (Python's
    /// `memoryview(buf).toreadonly()`); read-only buffers stay as they are.
    fn load_readonly_buffer(&mut self, heap: &mut Heap) -> Result<()> {
        let buffer = self.top()?;
        let view = heap.readonly_view(buffer).map_err(|e| {
            Error::new(
                ErrorKind::Object(e.kind()),
                format!("memoryview: {}", e.message()),
            )
        })?;
        if let Some(top) = self.stack.last_mut() {
            *top = view;
        }
        Ok(())
    }

    fn load_next_buffer(&mut self) -> Result<()> {
        let Some(buffers) = self.buffers.as_mut() else {
            return Err(Error::new(
                ErrorKind::Unpickling,
                "pickle stream refers to out-of-band data but no *buffers* argument was given",
            ));
        };
        match buffers.next() {
            Some(buffer) => self.push(buffer),
            None => Err(Error::new(
                ErrorKind::Unpickling,
                "not enough out-of-band buffers",
            )),
        }
    }
}

#[cold]
fn memo_missing(index: u64) -> Error {
    Error::new(
        ErrorKind::Unpickling,
        format!("Memo value not found at index {index}"),
    )
}

/// `spent + bytes` if it stays within `budget`, else the limit error.
#[inline]
fn charged(spent: u64, bytes: u64, budget: u64) -> Result<u64> {
    let spent = spent.saturating_add(bytes);
    if spent > budget {
        return Err(over_budget(budget));
    }
    Ok(spent)
}

#[cold]
fn over_budget(budget: u64) -> Error {
    Error::new(
        ErrorKind::Limit,
        format!("pickle needs more than the {budget}-byte budget (Limits::max_bytes)"),
    )
}

/// A memo index written in decimal (GET/PUT): Python's `int(text)` rules.
fn parse_decimal_index(line: &[u8]) -> Result<u64> {
    if let Some(index) = plain_decimal(line) {
        return Ok(index);
    }
    let text = std::str::from_utf8(line).unwrap_or("");
    let trimmed = text.trim().trim_start_matches('+');
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        // A valid int that no memo index can be: CPython's Py_ssize_t overflow.
        return Err(Error::new(
            ErrorKind::Object(pyobj::ErrorKind::Overflow),
            "Python int too large to convert to C ssize_t",
        ));
    }
    trimmed.parse::<u64>().map_err(|_| {
        Error::new(
            ErrorKind::Object(pyobj::ErrorKind::Value),
            format!(
                "invalid literal for int() with base 10: {}",
                python_bytes_text_repr(line)
            ),
        )
    })
}

/// The usual memo index text, 1 to 19 plain decimal digits, read without
/// the general parser's allocations (protocol 0 writes one per object).
#[inline]
pub(super) fn plain_decimal(line: &[u8]) -> Option<u64> {
    if line.is_empty() || line.len() > 19 {
        return None;
    }
    let mut value = 0u64;
    for &digit in line {
        if !digit.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u64::from(digit - b'0');
    }
    Some(value)
}

/// `repr()` of a str decoded from ASCII-ish bytes, for messages.
fn python_bytes_text_repr(bytes: &[u8]) -> String {
    let text: String = bytes.iter().map(|&b| b as char).collect();
    let s = pyobj::Str::from(text.as_str());
    let mut out = String::new();
    pyobj::kinds::str::write_str_repr(&mut out, &s);
    out
}

#[cold]
fn invalid_load_key(byte: u8) -> Error {
    let shown = if (0x20..0x7f).contains(&byte) && byte != b'\'' && byte != b'\\' {
        (byte as char).to_string()
    } else {
        format!("\\x{byte:02x}")
    };
    Error::new(
        ErrorKind::Unpickling,
        format!("invalid load key, '{shown}'."),
    )
}

/// Loads one pickle from a byte slice; bytes after its STOP are ignored.
///
/// ```
/// use pickle::{loads, LoadOptions};
/// use pyobj::Heap;
/// use reduce::Registry;
/// let mut heap = Heap::new();
/// let mut registry = Registry::new(&mut heap);
/// // pickle.dumps({'a': [1, 2.5]}, 2)
/// let data = b"\x80\x02}q\x00X\x01\x00\x00\x00aq\x01]q\x02(K\x01G@\x04\x00\x00\x00\x00\x00\x00es.";
/// let obj = loads(&mut heap, &mut registry, data, &LoadOptions::new())?;
/// assert_eq!(heap.repr(obj)?, "{'a': [1, 2.5]}");
/// # Ok::<(), pickle::Error>(())
/// ```
///
/// # Errors
/// See [`Unpickler::load`].
pub fn loads(
    heap: &mut Heap,
    registry: &mut Registry,
    data: &[u8],
    options: &LoadOptions,
) -> Result<Obj> {
    Unpickler::from_slice(data, options.clone()).load(heap, registry)
}

/// Loads one pickle from a reader, reading nothing past its STOP.
///
/// # Errors
/// See [`Unpickler::load`].
pub fn load<R: std::io::Read>(
    heap: &mut Heap,
    registry: &mut Registry,
    reader: R,
    options: &LoadOptions,
) -> Result<Obj> {
    Unpickler::from_reader(reader, options.clone()).load(heap, registry)
}
