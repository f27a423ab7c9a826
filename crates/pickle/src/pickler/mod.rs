//! The Pickler: CPython's save() order, driven by an explicit work stack so
//! nesting depth never touches the native stack; `save_<kind>` methods live
//! in their family's file.

mod buffers;
mod containers;
mod numbers;
mod objects;
mod scratch;
mod strings;

use std::io;

use pyobj::{Heap, Kind, Obj, ObjTable, Object};
use reduce::{DispatchTable, Registry};
use rustc_hash::FxHashSet;

use crate::framing::Framer;
use crate::opcodes::Opcode;
use crate::spare::Room;
use crate::{DumpOptions, Error, ErrorKind, Result};
use containers::{Nested, MAX_NESTED};

pub use buffers::BufferCallback;
#[cfg(not(feature = "serde"))]
use numbers::write_small_int;
// The scalar encoders, shared with the serde writer.
#[cfg(feature = "serde")]
pub(crate) use numbers::{write_bool, write_float, write_int, write_small_int};
pub(crate) use objects::global_name;
#[cfg(feature = "serde")]
pub(crate) use strings::{write_bytes, write_str, write_str_and_put, StrPayload};

/// A `persistent_id` hook: `Some(pid)` to write the object as a persistent id.
pub type PersistentId = Box<dyn FnMut(&mut Heap, Obj) -> Result<Option<Obj>>>;

/// A `reducer_override` hook: `Some(reduce value)` (a str or tuple object) to
/// pickle the object that way, `None` for the normal path (Python's
/// `NotImplemented`).
pub type ReducerOverride = Box<dyn FnMut(&mut Heap, Obj) -> Result<Option<Obj>>>;

/// One step of the save walk. Containers push their items and a closing
/// step instead of recursing.
#[derive(Debug)]
pub(crate) enum Task {
    /// CPython's save(obj).
    Save(Obj),
    /// Save `items[pos..end]` in order: atoms and memo hits are written on the
    /// spot, and the walk defers only at the first item that needs its own
    /// steps (most items of big lists never touch the task stack).
    SaveItems {
        items: Items,
        pos: usize,
        end: usize,
    },
    /// Protocol 0's unbatched containers: save `items[pos..]` in groups of
    /// `width` (1 for a list's items, 2 for a dict's key and value), writing
    /// `op` (APPEND, SETITEM) after each group.
    SaveGroups {
        items: std::rc::Rc<[Obj]>,
        pos: usize,
        width: usize,
        op: Opcode,
    },
    /// Save `obj` without consulting persistent_id (the pid itself).
    SavePid(Obj),
    /// Write one opcode byte.
    Op(Opcode),
    /// Memoize `obj` (no-op in fast mode).
    Memoize(Obj),
    /// After a tuple's items: TUPLEn/TUPLE, or the POP dance if the tuple was
    /// reached from inside itself.
    FinishTuple { tuple: Obj, len: usize },
    /// After a frozenset's items (protocol 4+).
    FinishFrozenSet(Obj),
    /// After REDUCE/NEWOBJ: memo check, then items and state.
    /// Its tail is the top of [`Pickler::tails`]: the FinishReduce tasks
    /// run in the reverse order of their pushing, like the tails stack, and
    /// keeping the tail there keeps `Task` small without a box per reduce.
    FinishReduce,
    /// Fast mode: `obj` is no longer being saved.
    Leave(Obj),
}

/// Where a batch's items come from.
#[derive(Clone, Debug)]
pub(crate) enum Items {
    /// A copy made when the container was reached (sets, dicts with
    /// holes).
    Copied(std::rc::Rc<[Obj]>),
    /// A list's or tuple's items, read from the heap as they are saved, as
    /// CPython's batch_list_exact reads by index: no copy to allocate. The
    /// slice is looked up once per resumption of the batch, not per item.
    Seq(Obj),
    /// A dict without holes: item `i` is slot `i / 2`'s key (even) or
    /// value (odd), read from the heap. `len` is its size when it was
    /// reached; a different size later is CPython's "dictionary changed
    /// size during iteration".
    Dict { dict: Obj, len: usize },
}

/// What save_reduce writes after the construction opcode.
#[derive(Debug)]
pub(crate) struct ReduceTail {
    pub(crate) obj: Option<Obj>,
    pub(crate) listitems: Option<Vec<Obj>>,
    pub(crate) dictitems: Option<Vec<(Obj, Obj)>>,
    pub(crate) state: Option<Obj>,
    pub(crate) state_setter: Option<Obj>,
}

/// Writes pickles to `W`, byte-identical to CPython 3.11's C pickler.
///
/// The memo is kept across [`dump`](Pickler::dump) calls until
/// [`clear_memo`](Pickler::clear_memo), as CPython's is.
///
/// ```
/// use pickle::{DumpOptions, Pickler};
/// use pyobj::Heap;
/// use reduce::Registry;
/// let mut heap = Heap::new();
/// let registry = Registry::new(&mut heap);
/// let one = heap.new_int(1);
/// let list = heap.new_list(vec![one, one]);
/// let mut pickler = Pickler::new(Vec::new(), DumpOptions::new().protocol(2)?);
/// pickler.dump(&mut heap, &registry, list)?;
/// pickler.dump(&mut heap, &registry, list)?; // a memo hit: just a BINGET
/// assert_eq!(pickler.into_inner(), b"\x80\x02]q\x00(K\x01K\x01e.\x80\x02h\x00.");
/// # Ok::<(), pickle::Error>(())
/// ```
pub struct Pickler<W> {
    framer: Framer<W>,
    options: DumpOptions,
    /// Object → memo index (identity-keyed, as CPython's `id()` memo).
    memo: ObjTable<u32>,
    tasks: Vec<Task>,
    persistent_id: Option<PersistentId>,
    reducer_override: Option<ReducerOverride>,
    dispatch_table: Option<DispatchTable>,
    buffer_callback: Option<BufferCallback>,
    /// The pending reduce tails, one per [`Task::FinishReduce`] on `tasks`.
    tails: Vec<ReduceTail>,
    /// Reused for protocol 0's float text, so each float allocates nothing.
    scratch: String,
    /// Fast mode: containers being saved, to refuse cycles.
    in_progress: FxHashSet<Obj>,
}

impl<W> std::fmt::Debug for Pickler<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pickler")
            .field("options", &self.options)
            .field("memo", &self.memo.len())
            .finish_non_exhaustive()
    }
}

impl<W: io::Write> Pickler<W> {
    /// A pickler writing to `sink`.
    pub fn new(sink: W, options: DumpOptions) -> Self {
        Pickler::with_framer(Framer::new(sink), options)
    }

    fn with_framer(framer: Framer<W>, options: DumpOptions) -> Self {
        // Room for a few levels of nesting: growing from empty took two
        // reallocations in a dump of a small tuple.
        Pickler::with_parts(framer, options, ObjTable::new(), Vec::with_capacity(16))
    }

    fn with_parts(
        framer: Framer<W>,
        options: DumpOptions,
        memo: ObjTable<u32>,
        tasks: Vec<Task>,
    ) -> Self {
        Pickler {
            framer,
            options,
            memo,
            tasks,
            tails: Vec::new(),
            persistent_id: None,
            reducer_override: None,
            dispatch_table: None,
            buffer_callback: None,
            scratch: String::new(),
            in_progress: FxHashSet::default(),
        }
    }

    /// Sets the `persistent_id` hook, called for every object saved.
    pub fn persistent_id(mut self, hook: PersistentId) -> Self {
        self.persistent_id = Some(hook);
        self
    }

    /// Sets the `reducer_override` hook, consulted for objects that are not
    /// exact built-ins.
    pub fn reducer_override(mut self, hook: ReducerOverride) -> Self {
        self.reducer_override = Some(hook);
        self
    }

    /// Uses this dispatch table instead of the registry's.
    pub fn dispatch_table(mut self, table: DispatchTable) -> Self {
        self.dispatch_table = Some(table);
        self
    }

    /// Sets the `buffer_callback` that decides, for each `PickleBuffer`,
    /// whether its bytes go in the pickle or out of band (see
    /// [`BufferCallback`]).
    ///
    /// ```
    /// use std::{cell::RefCell, rc::Rc};
    /// use pickle::{DumpOptions, LoadOptions, Pickler, Unpickler};
    /// use pyobj::Heap;
    /// use reduce::Registry;
    /// let mut heap = Heap::new();
    /// let mut registry = Registry::new(&mut heap);
    /// let data = heap.new_bytes(&[7; 1000]);
    /// let view = heap.new_picklebuffer(data)?;
    /// let list = heap.new_list(vec![view]);
    /// let kept = Rc::new(RefCell::new(Vec::new()));
    /// let sink = kept.clone();
    /// let mut pickler = Pickler::new(Vec::new(), DumpOptions::new().protocol(5)?)
    ///     .buffer_callback(Box::new(move |_, buffer| {
    ///         sink.borrow_mut().push(buffer);
    ///         Ok(false) // out of band
    ///     }))?;
    /// pickler.dump(&mut heap, &registry, list)?;
    /// let bytes = pickler.into_inner();
    /// assert!(bytes.len() < 20); // the 1000 bytes stayed out
    /// let loaded = Unpickler::from_slice(&bytes, LoadOptions::new())
    ///     .buffers(kept.borrow().clone())
    ///     .load(&mut heap, &mut registry)?;
    /// assert_eq!(heap.picklebuffer_bytes(heap.as_list(loaded)?[0])?, &[7; 1000][..]);
    /// # Ok::<(), pickle::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Value`](crate::ErrorKind) below protocol 5, as CPython's
    /// "buffer_callback needs protocol >= 5".
    pub fn buffer_callback(mut self, callback: BufferCallback) -> Result<Self> {
        if self.options.protocol < 5 {
            return Err(Error::new(
                ErrorKind::Object(pyobj::ErrorKind::Value),
                "buffer_callback needs protocol >= 5",
            ));
        }
        self.buffer_callback = Some(callback);
        Ok(self)
    }

    /// Forgets every memoized object, as CPython's `clear_memo()`.
    pub fn clear_memo(&mut self) {
        self.memo.clear();
    }

    /// The sink.
    pub fn into_inner(self) -> W {
        self.framer.into_inner()
    }

    /// The sink, to inspect between dumps.
    pub fn get_mut(&mut self) -> &mut W {
        self.framer.sink_mut()
    }

    /// Writes one pickle of `obj`.
    ///
    /// # Errors
    /// [`ErrorKind::Pickling`] for an object that cannot be pickled (with
    /// CPython's message), [`ErrorKind::Io`] if the sink fails.
    pub fn dump(&mut self, heap: &mut Heap, registry: &Registry, obj: Obj) -> Result<()> {
        let protocol = self.options.protocol;
        if protocol >= 2 {
            self.framer.write(&[Opcode::PROTO as u8, protocol]);
        }
        if protocol >= 4 {
            self.framer.start_framing();
        }
        self.tasks.clear();
        self.tails.clear();
        self.in_progress.clear();
        // The object is saved directly, and STOP written after the tasks
        // it left: through the task stack, the two were a fifth of a dump
        // of `None`.
        let result = self
            .save(heap, registry, obj, true)
            .and_then(|()| self.run(heap, registry));
        self.tasks.clear();
        self.tails.clear();
        result?;
        self.framer.write_byte(Opcode::STOP as u8);
        self.framer.finish()
    }

    fn run(&mut self, heap: &mut Heap, registry: &Registry) -> Result<()> {
        while let Some(task) = self.tasks.pop() {
            match task {
                Task::Save(obj) => self.save(heap, registry, obj, true)?,
                Task::SaveItems { items, pos, end } => {
                    self.save_items(heap, items, pos, end, 0)?;
                }
                Task::SaveGroups {
                    items,
                    pos,
                    width,
                    op,
                } => {
                    let mut i = pos;
                    while i < items.len() {
                        let item = items[i];
                        i += 1;
                        let closes_group = i.is_multiple_of(width);
                        if !self.save_inline(heap, item)? {
                            if i < items.len() {
                                self.tasks.push(Task::SaveGroups {
                                    items,
                                    pos: i,
                                    width,
                                    op,
                                });
                            }
                            if closes_group {
                                self.tasks.push(Task::Op(op));
                            }
                            self.tasks.push(Task::Save(item));
                            break;
                        }
                        if closes_group {
                            self.framer.write_byte(op as u8);
                        }
                    }
                }
                Task::SavePid(obj) => self.save(heap, registry, obj, false)?,
                Task::Op(op) => self.framer.write_byte(op as u8),
                Task::Memoize(obj) => self.memoize(obj)?,
                Task::FinishTuple { tuple, len } => self.finish_tuple(tuple, len)?,
                Task::FinishFrozenSet(set) => self.finish_frozenset(set)?,
                Task::FinishReduce => {
                    let tail = self.tails.pop().ok_or_else(|| {
                        Error::new(ErrorKind::Pickling, "internal: reduce tail missing")
                    })?;
                    self.finish_reduce(tail)?
                }
                Task::Leave(obj) => {
                    self.in_progress.remove(&obj);
                }
            }
        }
        Ok(())
    }

    /// CPython's save(): persistent id, atoms, memo, exact built-ins, then
    /// globals and the reduce protocol.
    fn save(
        &mut self,
        heap: &mut Heap,
        registry: &Registry,
        obj: Obj,
        check_pid: bool,
    ) -> Result<()> {
        self.framer.maybe_commit()?;
        if check_pid {
            if let Some(hook) = self.persistent_id.as_mut() {
                if let Some(pid) = hook(heap, obj)? {
                    return self.save_pers(heap, pid);
                }
            }
        }
        let protocol = self.options.protocol;
        let Some(object) = heap.slot_object(obj)? else {
            // An int carried in its handle.
            let value = obj.as_immediate_int().unwrap_or_default();
            return self.save_long(&pyobj::Int::Small(value));
        };
        match object {
            Object::None => {
                self.framer.write_byte(Opcode::NONE as u8);
                return Ok(());
            }
            Object::Bool(b) => return self.save_bool(*b),
            Object::Int(i) => {
                let i = i.clone();
                return self.save_long(&i);
            }
            Object::Float(f) => {
                self.save_float(*f)?;
                return Ok(());
            }
            Object::Str(s) => return self.save_str(obj, s),
            _ => {}
        }
        if let Some(index) = self.memo.get(obj) {
            self.write_get(index)?;
            return Ok(());
        }
        // A small list, tuple or dict is begun on the spot, as one met among
        // a batch's items is (`save_nested` writes nothing when it defers):
        // scheduling it as tasks was a tenth of a dump of pyperformance's
        // `TUPLE`.
        let container = matches!(object, Object::List(_) | Object::Tuple(_) | Object::Dict(_));
        if container && self.save_nested(heap, obj, 0)? != Nested::Deferred {
            return Ok(());
        }
        match object {
            Object::Bytes(_) if protocol >= 3 => return self.save_bytes(heap, obj),
            _ => {}
        }
        let kind = object.kind();
        if self.options.fast {
            if !self.in_progress.insert(obj) {
                return Err(Error::new(
                    ErrorKind::Pickling,
                    format!(
                        "fast mode: can't pickle cyclic objects including object type {}",
                        heap.type_name(obj)?
                    ),
                ));
            }
            self.tasks.push(Task::Leave(obj));
        }
        match kind {
            Kind::Bytes => self.save_bytes_legacy(heap, registry, obj),
            Kind::Tuple => self.save_tuple(heap, obj),
            Kind::List => self.save_list(heap, obj),
            Kind::Dict => self.save_dict(heap, obj),
            Kind::Set => self.save_set(heap, registry, obj),
            Kind::FrozenSet => self.save_frozenset(heap, registry, obj),
            Kind::ByteArray => self.save_bytearray(heap, registry, obj),
            Kind::PickleBuffer => self.save_picklebuffer(heap, obj),
            Kind::Class | Kind::Function => {
                if let Some(value) = self.override_reduce(heap, obj)? {
                    return self.save_reduce_value(heap, registry, obj, value);
                }
                self.save_global(heap, registry, obj, None)
            }
            Kind::Complex | Kind::Instance => {
                if let Some(value) = self.override_reduce(heap, obj)? {
                    return self.save_reduce_value(heap, registry, obj, value);
                }
                let reduced =
                    reduce::reduce(heap, registry, obj, protocol, self.dispatch_table.as_ref())?;
                self.save_reduced(heap, registry, obj, reduced)
            }
            Kind::None | Kind::Bool | Kind::Int | Kind::Float | Kind::Str => Ok(()),
        }
    }

    /// Saves `items[pos..end]`, atoms and memo hits on the spot; at the
    /// first item that needs steps of its own, schedules it and the rest.
    /// Answers whether every item was saved on the spot.
    #[inline(always)]
    pub(super) fn save_items(
        &mut self,
        heap: &Heap,
        items: Items,
        pos: usize,
        end: usize,
        depth: u32,
    ) -> Result<bool> {
        self.save_items_from(heap, items, pos, end, depth, None)
    }

    /// [`save_items`](Self::save_items), where the caller may already have
    /// saved the items before `pos + offset` on the spot and found the one
    /// there, `deferred = Some((offset, item))`, not an atom.
    #[inline(always)]
    pub(super) fn save_items_from(
        &mut self,
        heap: &Heap,
        items: Items,
        mut pos: usize,
        end: usize,
        depth: u32,
        mut deferred: Option<(usize, Obj)>,
    ) -> Result<bool> {
        // A list's or tuple's items, read once: the heap cannot change
        // while this runs (`&Heap`; hooks run from the task loop). A list
        // that shrank since the batch was scheduled (a hook changed it)
        // ends the batch early, as CPython's index loop does.
        // (`end` itself goes on to a resumed batch unclamped, which clamps
        // it again then, as before.)
        let (seq, stop) = match &items {
            Items::Copied(all) => (&all[..], end.min(all.len())),
            Items::Seq(seq) => {
                let all = seq_items(heap, *seq)?;
                (all, end.min(all.len()))
            }
            Items::Dict { .. } => (&[][..], end),
        };
        loop {
            if deferred.is_none() {
                deferred = match &items {
                    Items::Dict { dict, len } => {
                        self.save_dict_pairs_inline(heap, *dict, *len, pos, end)?
                    }
                    _ => self.save_inline_run(heap, seq.get(pos..stop).unwrap_or_default())?,
                };
            }
            let Some((offset, item)) = deferred.take() else {
                return Ok(true);
            };
            let next = pos + offset + 1;
            let below = self.tasks.len();
            let nested = if depth < MAX_NESTED {
                self.save_nested(heap, item, depth + 1)?
            } else {
                Nested::Deferred
            };
            match nested {
                Nested::Saved => pos = next,
                Nested::Started => {
                    // The batch resumes after the rest of the item.
                    if next < end {
                        self.tasks.insert(
                            below,
                            Task::SaveItems {
                                items,
                                pos: next,
                                end,
                            },
                        );
                    }
                    return Ok(false);
                }
                Nested::Deferred => {
                    if next < end {
                        self.tasks.push(Task::SaveItems {
                            items,
                            pos: next,
                            end,
                        });
                    }
                    self.tasks.push(Task::Save(item));
                    return Ok(false);
                }
            }
        }
    }

    /// A dict batch's items `pos..end` (item `i` is entry `i / 2`'s key or
    /// value) saved on the spot, pair by pair, each entry read once (a
    /// batch may start or end at a value, where an earlier batch
    /// deferred); at the first that is not an atom, its offset from `pos`.
    #[inline]
    fn save_dict_pairs_inline(
        &mut self,
        heap: &Heap,
        dict: Obj,
        len: usize,
        pos: usize,
        end: usize,
    ) -> Result<Option<(usize, Obj)>> {
        let payload = heap.as_dict(dict)?;
        if payload.len() != len {
            return Err(dict_changed_size());
        }
        let mut i = pos;
        while i < end {
            let (key, value) = payload.slot(i / 2).ok_or_else(dict_changed_size)?;
            if i.is_multiple_of(2) {
                if !self.save_inline(heap, key)? {
                    return Ok(Some((i - pos, key)));
                }
                i += 1;
                if i == end {
                    break;
                }
            }
            if !self.save_inline(heap, value)? {
                return Ok(Some((i - pos, value)));
            }
            i += 1;
        }
        Ok(None)
    }

    /// Saves items inline until one needs its own steps; returns its
    /// position in `items` and the item, or `None` when all were saved.
    /// A leading run of ints goes to the framer's int run first, from here
    /// (inlined at each caller), so that a container of ints alone never
    /// calls the item loop, whose entry and exit (it keeps many registers)
    /// were 45 instructions a container.
    #[inline(always)]
    pub(super) fn save_inline_run(
        &mut self,
        heap: &Heap,
        items: &[Obj],
    ) -> Result<Option<(usize, Obj)>> {
        // A run of ints is worth its call from two on (a tuple of mixed
        // atoms often begins with one).
        let starts_with_ints = matches!(items, [a, b, ..] if !a.is_slot() && !b.is_slot());
        if starts_with_ints && self.options.protocol >= 1 && self.persistent_id.is_none() {
            let ints = self.framer.write_int_run(items)?;
            let Some(rest) = items.get(ints..).filter(|rest| !rest.is_empty()) else {
                return Ok(None);
            };
            let deferred = self.save_inline_items(heap, rest)?;
            return Ok(deferred.map(|(offset, item)| (ints + offset, item)));
        }
        self.save_inline_items(heap, items)
    }

    /// The item loop of [`save_inline_run`](Self::save_inline_run).
    // Never inlined: inlined into `save_nested` (where the compiler chose
    // to once `save_items_from` took the run's slice from its callers),
    // grouped p4 dumps took 3% more instructions.
    #[inline(never)]
    fn save_inline_items(&mut self, heap: &Heap, items: &[Obj]) -> Result<Option<(usize, Obj)>> {
        for (offset, &item) in items.iter().enumerate() {
            if !self.save_inline(heap, item)? {
                return Ok(Some((offset, item)));
            }
        }
        Ok(None)
    }

    /// Saves `obj` right away if it needs no steps of its own (None, bool,
    /// int, float, a memo hit, a str); false if it must go through save().
    #[inline(always)]
    fn save_inline(&mut self, heap: &Heap, obj: Obj) -> Result<bool> {
        if self.persistent_id.is_some() {
            return Ok(false);
        }
        // Each kind begins its save with the frame check: the writes that
        // take a `Room` make it themselves.
        let Some(object) = heap.slot_object(obj)? else {
            // An int carried in its handle.
            self.save_word_int(obj.as_immediate_int().unwrap_or_default())?;
            return Ok(true);
        };
        match object {
            Object::None => self.framer.room()?.put([Opcode::NONE as u8]),
            Object::Bool(b) => self.save_bool(*b)?,
            Object::Int(pyobj::Int::Small(v)) => self.save_word_int(*v)?,
            Object::Float(f) => self.save_float(*f)?,
            Object::Str(s) => self.save_str(obj, s)?,
            _ => match self.memo.get(obj) {
                Some(index) => self.write_get(index)?,
                None => return Ok(false),
            },
        }
        Ok(true)
    }

    /// An int of a machine word: one that fits 32 bits is written with the
    /// frame check its write makes; a wider one makes the check first.
    #[inline(always)]
    fn save_word_int(&mut self, v: i64) -> Result<()> {
        if !write_small_int(&mut self.framer, self.options.protocol, v)? {
            self.framer.maybe_commit()?;
            self.save_long(&pyobj::Int::Small(v))?;
        }
        Ok(())
    }

    /// Schedules `finish_reduce(tail)` (see [`Task::FinishReduce`]).
    pub(super) fn push_finish_reduce(&mut self, tail: ReduceTail) {
        self.tails.push(tail);
        self.tasks.push(Task::FinishReduce);
    }

    fn override_reduce(&mut self, heap: &mut Heap, obj: Obj) -> Result<Option<Obj>> {
        match self.reducer_override.as_mut() {
            Some(hook) => hook(heap, obj),
            None => Ok(None),
        }
    }

    fn save_pers(&mut self, heap: &mut Heap, pid: Obj) -> Result<()> {
        if self.options.protocol == 0 {
            let text = match &*heap.get(pid)? {
                Object::Str(s) => s.to_string_lossy().into_owned(),
                _ => heap.repr(pid)?,
            };
            if !text.is_ascii() {
                return Err(Error::new(
                    ErrorKind::Pickling,
                    "persistent IDs in protocol 0 must be ASCII strings",
                ));
            }
            self.framer.write_byte(Opcode::PERSID as u8);
            self.framer.write(text.as_bytes());
            self.framer.write_byte(b'\n');
            return Ok(());
        }
        self.tasks.push(Task::Op(Opcode::BINPERSID));
        self.tasks.push(Task::SavePid(pid));
        Ok(())
    }

    // ---- the memo ----

    fn memoize(&mut self, obj: Obj) -> Result<()> {
        if self.options.fast {
            return Ok(());
        }
        let index = self.remember(obj)?;
        write_put(&mut self.framer, self.options.protocol, index);
        Ok(())
    }

    /// Gives `obj` the next memo index, without writing the PUT.
    #[inline(always)]
    fn remember(&mut self, obj: Obj) -> Result<u32> {
        let index = memo_index(self.memo.len())?;
        self.memo.insert(obj, index);
        Ok(index)
    }

    fn write_get(&mut self, index: u32) -> Result<()> {
        write_get(&mut self.framer, self.options.protocol, index)
    }
}

/// The memo index for the object after `len` others: an index past
/// LONG_BINPUT's four bytes is an error, as in CPython.
#[inline(always)]
fn memo_index(len: usize) -> Result<u32> {
    u32::try_from(len)
        .map_err(|_| Error::new(ErrorKind::Pickling, "memo id too large for LONG_BINPUT"))
}

/// The memo store of the object just written: PUT, BINPUT/LONG_BINPUT, or
/// protocol 4's MEMOIZE (which takes the next index implicitly).
#[inline(always)]
pub(crate) fn write_put<W: io::Write>(framer: &mut Framer<W>, protocol: u8, index: u32) {
    match protocol {
        0 => {
            framer.write_byte(Opcode::PUT as u8);
            framer.write_decimal(i64::from(index));
            framer.write_byte(b'\n');
        }
        1..=3 => {
            if index < 256 {
                framer.write(&[Opcode::BINPUT as u8, index as u8]);
            } else {
                let [a, b, c, d] = index.to_le_bytes();
                framer.write(&[Opcode::LONG_BINPUT as u8, a, b, c, d]);
            }
        }
        _ => framer.write_byte(Opcode::MEMOIZE as u8),
    }
}

/// A memo fetch: GET, BINGET or LONG_BINGET, after the frame check of the
/// save it stands for (see `Framer::room`).
#[inline(always)]
pub(crate) fn write_get<W: io::Write>(
    framer: &mut Framer<W>,
    protocol: u8,
    index: u32,
) -> Result<()> {
    let room = framer.room()?;
    if protocol == 0 {
        write_text_get(framer, index);
    } else {
        put_binget(room, index);
    }
    Ok(())
}

/// The memo fetch that ends a save whose object turned out to be memoized
/// while its parts were written (after the POPs that drop them): no frame
/// check, as in CPython.
pub(crate) fn write_get_after_pop<W: io::Write>(framer: &mut Framer<W>, protocol: u8, index: u32) {
    if protocol == 0 {
        write_text_get(framer, index);
    } else {
        put_binget(framer.spare_room(), index);
    }
}

/// BINGET or LONG_BINGET as one word, written whole and cut to length: no
/// branch on the index between two writes.
#[inline(always)]
fn put_binget(room: Room<'_>, index: u32) {
    let word = binget(index);
    room.put_padded([], &word.to_le_bytes(), (word >> 56) as usize, []);
}

/// The BINGET or LONG_BINGET of `index`, little-endian, with its length
/// (2 or 5) in the top byte.
#[inline(always)]
pub(crate) fn binget(index: u32) -> u64 {
    let (op, len) = if index < 256 {
        (Opcode::BINGET, 2)
    } else {
        (Opcode::LONG_BINGET, 5)
    };
    (len << 56) | (u64::from(index) << 8) | op as u64
}

/// Protocol 0's GET: out of line, so the binary ones inline small.
#[cold]
#[inline(never)]
fn write_text_get<W: io::Write>(framer: &mut Framer<W>, index: u32) {
    framer.write_byte(Opcode::GET as u8);
    framer.write_decimal(i64::from(index));
    framer.write_byte(b'\n');
}

/// The items of a list or tuple (see [`Items::Seq`]).
#[inline]
fn seq_items(heap: &Heap, seq: Obj) -> Result<&[Obj]> {
    match heap.slot_object(seq)? {
        Some(Object::List(items)) => Ok(items),
        Some(Object::Tuple(items)) => Ok(items),
        _ => Err(Error::new(
            ErrorKind::Pickling,
            format!(
                "internal: expected a list or tuple, got {}",
                heap.get(seq)?.type_name()
            ),
        )),
    }
}

#[cold]
fn dict_changed_size() -> Error {
    // CPython's RuntimeError, raised when a hook changes a dict mid-save.
    Error::new(
        ErrorKind::Pickling,
        "dictionary changed size during iteration",
    )
}

/// Pickles `obj` into a new byte vector.
///
/// ```
/// use pickle::{dumps, DumpOptions};
/// use pyobj::Heap;
/// use reduce::Registry;
/// let mut heap = Heap::new();
/// let registry = Registry::new(&mut heap);
/// let a = heap.new_str("a");
/// let t = heap.new_tuple(vec![a, a]);
/// assert_eq!(dumps(&mut heap, &registry, t, &DumpOptions::new().protocol(0)?)?, b"(Va\np0\ng0\ntp1\n.");
/// # Ok::<(), pickle::Error>(())
/// ```
///
/// # Errors
/// See [`Pickler::dump`].
pub fn dumps(
    heap: &mut Heap,
    registry: &Registry,
    obj: Obj,
    options: &DumpOptions,
) -> Result<Vec<u8>> {
    // The framer's buffer is the result: frames are not copied out to a
    // sink. The pickler (buffer, memo, task stack) is this thread's kept one.
    let mut pickler = scratch::take(*options);
    let result = pickler.dump(heap, registry, obj);
    let output = result.map(|()| scratch::output(&mut pickler));
    scratch::keep(pickler);
    output
}

/// Pickles `obj` to `writer`.
///
/// # Errors
/// See [`Pickler::dump`].
pub fn dump<W: io::Write>(
    heap: &mut Heap,
    registry: &Registry,
    obj: Obj,
    writer: W,
    options: &DumpOptions,
) -> Result<()> {
    Pickler::new(writer, *options).dump(heap, registry, obj)
}
