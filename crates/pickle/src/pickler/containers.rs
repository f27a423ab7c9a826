//! Tuples (including recursive ones), lists, dicts, sets and frozensets, with
//! CPython's APPENDS/SETITEMS/ADDITEMS batching and its quirks.

use std::rc::Rc;

use pyobj::{Heap, Kind, Obj, Object};
use reduce::Registry;

use super::strings::tail;
use super::{write_get_after_pop, Items, Pickler, ReduceTail, Task};
use crate::opcodes::Opcode;
use crate::Result;

/// Items per MARK…APPENDS/SETITEMS/ADDITEMS batch, as in CPython.
const BATCHSIZE: usize = 1000;

/// How many containers deep a batch's items are begun on the spot (see
/// [`Pickler::save_nested`]) before the rest go through the task stack:
/// each level is a few frames of native stack. pyperformance's `LIST` (a
/// list of lists of lists of ints) needs two.
pub(super) const MAX_NESTED: u32 = 4;

/// How [`Pickler::save_nested`] left a container it was given.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Nested {
    /// Written whole: the batch that met it goes on.
    Saved,
    /// Begun: its header is written and the rest of it is on the task
    /// stack, which the batch that met it must resume below.
    Started,
    /// Not begun (not a list, tuple or dict it takes): schedule a save.
    Deferred,
}

impl<W: std::io::Write> Pickler<W> {
    /// Pushes `tasks` so they run in the order given.
    fn schedule(&mut self, tasks: Vec<Task>) {
        self.tasks.extend(tasks.into_iter().rev());
    }

    /// Schedules MARK…`op` batches of [`BATCHSIZE`] entries (each `width`
    /// items: 1 for lists and sets, 2 for a dict's key and value) over
    /// `items`, saved in place by [`Task::SaveItems`]. With `empty_tail`, a
    /// size that is a multiple of the batch gets a trailing empty batch, as
    /// the C pickler writes for dicts and sets (it stops only after a batch
    /// that was not full). Tasks go straight onto the stack, last batch
    /// first: most containers are one batch, and building a task list per
    /// container showed up in profiles of many small dicts.
    fn schedule_batches(
        &mut self,
        heap: &Heap,
        items: Items,
        count: usize,
        width: usize,
        op: Opcode,
        empty_tail: bool,
    ) -> Result<()> {
        let step = BATCHSIZE * width;
        let ends_empty = empty_tail && (count / width).is_multiple_of(BATCHSIZE);
        if ends_empty {
            self.tasks.push(Task::Op(op));
            self.tasks.push(Task::Op(Opcode::MARK));
        }
        let batches = count.div_ceil(step);
        if batches == 1 && !ends_empty {
            // One batch, the common case: its items are written now, those
            // that need steps of their own left on the task stack above
            // the batch's closing opcode (which is written at once when
            // there are none). Scheduling the batch as three tasks was
            // about a third of pickling pyperformance's nested lists.
            self.framer.write_byte(Opcode::MARK as u8);
            self.tasks.push(Task::Op(op));
            if self.save_items(heap, items, 0, count, 0)? {
                self.tasks.pop();
                self.framer.write_byte(op as u8);
            }
            return Ok(());
        }
        for batch in (0..batches).rev() {
            let pos = batch * step;
            let end = (pos + step).min(count);
            self.tasks.push(Task::Op(op));
            self.tasks.push(Task::SaveItems {
                items: items.clone(),
                pos,
                end,
            });
            self.tasks.push(Task::Op(Opcode::MARK));
        }
        Ok(())
    }

    /// Begins a list, tuple or dict met among a batch's items right away,
    /// `depth` containers below the batch's own: its header and memo store
    /// are written, then its items as a batch of their own (which may
    /// begin containers too, down to [`MAX_NESTED`]). Written whole, the
    /// batch that met it goes on in place; otherwise the rest of it is on
    /// the task stack, exactly as `save` would have scheduled it, and the
    /// batch that met it resumes below that. The bytes are `save`'s; what
    /// this saves is the trip through the task stack for the container and
    /// for the batch around it, some 550 instructions a container
    /// (pyperformance's `MICRO_DICT`, a hundred 10-key dicts: 166K ->
    /// 132K per dump).
    ///
    /// Not taken (`Deferred`, nothing written) below protocol 2 (whose
    /// forms differ), in fast mode, with a persistent_id hook, for lists of
    /// more than one batch and for dicts of a batch or more or with holes.
    pub(super) fn save_nested(&mut self, heap: &Heap, obj: Obj, depth: u32) -> Result<Nested> {
        if self.options.protocol < 2 || self.options.fast || self.persistent_id.is_some() {
            return Ok(Nested::Deferred);
        }
        let Some(object) = heap.slot_object(obj)? else {
            return Ok(Nested::Deferred);
        };
        // What closes the container, its items, the first that was not an
        // atom (its position and handle; a dict's items have not been
        // looked at), and how many items there are.
        let (close, items, span) = match object {
            Object::List(items) if items.len() <= BATCHSIZE => {
                // The frame check a save begins with (the items make their own).
                self.framer.maybe_commit()?;
                self.framer.write_byte(Opcode::EMPTY_LIST as u8);
                self.memoize(obj)?;
                let close = match items.len() {
                    0 => return Ok(Nested::Saved),
                    1 => Opcode::APPEND,
                    _ => {
                        self.framer.write_byte(Opcode::MARK as u8);
                        Opcode::APPENDS
                    }
                };
                // Most items are atoms: one run over them, and the close.
                let Some(deferred) = self.save_inline_run(heap, items)? else {
                    self.framer.write_byte(close as u8);
                    return Ok(Nested::Saved);
                };
                (
                    Task::Op(close),
                    Items::Seq(obj),
                    (Some(deferred), items.len()),
                )
            }
            Object::Tuple(items) => {
                self.framer.maybe_commit()?;
                let len = items.len();
                let close = match len {
                    0 => {
                        // Never memoized.
                        self.framer.write_byte(Opcode::EMPTY_TUPLE as u8);
                        return Ok(Nested::Saved);
                    }
                    1 => Opcode::TUPLE1,
                    2 => Opcode::TUPLE2,
                    3 => Opcode::TUPLE3,
                    _ => {
                        self.framer.write_byte(Opcode::MARK as u8);
                        Opcode::TUPLE
                    }
                };
                let Some(deferred) = self.save_inline_run(heap, items)? else {
                    // Items saved on the spot cannot be the tuple (it is
                    // not in the memo yet): no recursion check.
                    self.framer.write_byte(close as u8);
                    self.memoize(obj)?;
                    return Ok(Nested::Saved);
                };
                (
                    Task::FinishTuple { tuple: obj, len },
                    Items::Seq(obj),
                    (Some(deferred), len),
                )
            }
            Object::Dict(dict) if dict.len() < BATCHSIZE && dict.slot_count() == dict.len() => {
                self.framer.maybe_commit()?;
                self.framer.write_byte(Opcode::EMPTY_DICT as u8);
                self.memoize(obj)?;
                let len = dict.len();
                let close = match len {
                    0 => return Ok(Nested::Saved),
                    1 => Opcode::SETITEM,
                    _ => {
                        self.framer.write_byte(Opcode::MARK as u8);
                        Opcode::SETITEMS
                    }
                };
                (
                    Task::Op(close),
                    Items::Dict { dict: obj, len },
                    (None, 2 * len),
                )
            }
            _ => return Ok(Nested::Deferred),
        };
        // The rest as a batch of its own, from the first item that was not
        // an atom (which that batch may begin in turn), its close pushed
        // first so that anything left for the task stack runs before it.
        let (deferred, count) = span;
        self.tasks.push(close);
        if !self.save_items_from(heap, items, 0, count, depth, deferred)? {
            return Ok(Nested::Started);
        }
        match self.tasks.pop() {
            Some(Task::Op(op)) => self.framer.write_byte(op as u8),
            // A tuple's items may have led back to it (through a container
            // begun here): its finish makes CPython's recursion check.
            Some(Task::FinishTuple { tuple, len }) => self.finish_tuple(tuple, len)?,
            _ => {
                return Err(crate::Error::new(
                    crate::ErrorKind::Pickling,
                    "internal: a nested container's close is missing",
                ))
            }
        }
        Ok(Nested::Saved)
    }

    /// Schedules protocol 0's item-by-item form: `width` items, then `op`.
    fn schedule_groups(&mut self, items: Rc<[Obj]>, width: usize, op: Opcode) {
        if !items.is_empty() {
            self.tasks.push(Task::SaveGroups {
                items,
                pos: 0,
                width,
                op,
            });
        }
    }

    pub(super) fn save_tuple(&mut self, heap: &mut Heap, obj: Obj) -> Result<()> {
        let len = heap.as_tuple(obj)?.len();
        let protocol = self.options.protocol;
        if len == 0 {
            // Never memoized.
            self.framer.write(if protocol == 0 { b"(t" } else { b")" });
            return Ok(());
        }
        if !(protocol >= 2 && len <= 3) {
            self.framer.write_byte(Opcode::MARK as u8);
        }
        self.tasks.push(Task::FinishTuple { tuple: obj, len });
        // Tuples are immutable: their items are read in place.
        self.tasks.push(Task::SaveItems {
            items: Items::Seq(obj),
            pos: 0,
            end: len,
        });
        Ok(())
    }

    pub(super) fn finish_tuple(&mut self, tuple: Obj, len: usize) -> Result<()> {
        let protocol = self.options.protocol;
        let short = protocol >= 2 && len <= 3;
        if let Some(index) = self.memo.get(tuple) {
            // The tuple was reached from inside itself and written already:
            // discard this partial copy and refer to the complete one.
            if short {
                self.framer.write(&vec![Opcode::POP as u8; len]);
            } else if protocol >= 1 {
                self.framer.write_byte(Opcode::POP_MARK as u8);
            } else {
                self.framer.write(&vec![Opcode::POP as u8; len + 1]);
            }
            write_get_after_pop(&mut self.framer, protocol, index);
            return Ok(());
        }
        let op = match (short, len) {
            (true, 1) => Opcode::TUPLE1,
            (true, 2) => Opcode::TUPLE2,
            (true, _) => Opcode::TUPLE3,
            (false, _) => Opcode::TUPLE,
        };
        self.framer.write_byte(op as u8);
        self.memoize(tuple)
    }

    pub(super) fn save_list(&mut self, heap: &mut Heap, obj: Obj) -> Result<()> {
        if self.options.protocol == 0 {
            let items: Rc<[Obj]> = Rc::from(heap.as_list(obj)?);
            self.framer.write(b"(l");
            self.memoize(obj)?;
            self.schedule_groups(items, 1, Opcode::APPEND);
            return Ok(());
        }
        self.framer.write_byte(Opcode::EMPTY_LIST as u8);
        self.memoize(obj)?;
        let items = heap.as_list(obj)?;
        match items.len() {
            0 => {}
            1 => {
                let item = items[0];
                self.tasks.push(Task::Op(Opcode::APPEND));
                self.tasks.push(Task::Save(item));
            }
            // The C pickler closes even a final one-item batch with APPENDS.
            n => self.schedule_batches(heap, Items::Seq(obj), n, 1, Opcode::APPENDS, false)?,
        }
        Ok(())
    }

    pub(super) fn save_dict(&mut self, heap: &mut Heap, obj: Obj) -> Result<()> {
        if self.options.protocol == 0 {
            let flat = heap.as_dict(obj)?.flat_items();
            self.framer.write(b"(d");
            self.memoize(obj)?;
            self.schedule_groups(flat.into(), 2, Opcode::SETITEM);
            return Ok(());
        }
        self.framer.write_byte(Opcode::EMPTY_DICT as u8);
        self.memoize(obj)?;
        let dict = heap.as_dict(obj)?;
        match dict.len() {
            0 => {}
            1 => {
                if let Some((key, value)) = dict.iter().next() {
                    self.tasks.push(Task::Op(Opcode::SETITEM));
                    self.tasks.push(Task::Save(value));
                    self.tasks.push(Task::Save(key));
                }
            }
            n => {
                // Read in place unless removals left holes in the entries.
                let items = if dict.slot_count() == n {
                    Items::Dict { dict: obj, len: n }
                } else {
                    Items::Copied(dict.flat_items().into())
                };
                self.schedule_batches(heap, items, 2 * n, 2, Opcode::SETITEMS, true)?;
            }
        }
        Ok(())
    }

    pub(super) fn save_set(
        &mut self,
        heap: &mut Heap,
        registry: &Registry,
        obj: Obj,
    ) -> Result<()> {
        let items: Vec<Obj> = heap.as_set(obj)?.iter().collect();
        if self.options.protocol < 4 {
            return self.save_set_as_reduce(heap, registry, obj, Kind::Set, items);
        }
        self.framer.write_byte(Opcode::EMPTY_SET as u8);
        self.memoize(obj)?;
        if !items.is_empty() {
            let count = items.len();
            self.schedule_batches(
                heap,
                Items::Copied(items.into()),
                count,
                1,
                Opcode::ADDITEMS,
                true,
            )?;
        }
        Ok(())
    }

    pub(super) fn save_frozenset(
        &mut self,
        heap: &mut Heap,
        registry: &Registry,
        obj: Obj,
    ) -> Result<()> {
        let items: Vec<Obj> = heap.as_set(obj)?.iter().collect();
        if self.options.protocol < 4 {
            return self.save_set_as_reduce(heap, registry, obj, Kind::FrozenSet, items);
        }
        self.framer.write_byte(Opcode::MARK as u8);
        let mut tasks: Vec<Task> = items.into_iter().map(Task::Save).collect();
        tasks.push(Task::FinishFrozenSet(obj));
        self.schedule(tasks);
        Ok(())
    }

    pub(super) fn finish_frozenset(&mut self, obj: Obj) -> Result<()> {
        if let Some(index) = self.memo.get(obj) {
            self.framer.write_byte(Opcode::POP_MARK as u8);
            write_get_after_pop(&mut self.framer, self.options.protocol, index);
            return Ok(());
        }
        self.framer.write_byte(Opcode::FROZENSET as u8);
        self.memoize(obj)
    }

    /// Protocols below 4: `set([...])` / `frozenset([...])` as a reduce.
    fn save_set_as_reduce(
        &mut self,
        heap: &mut Heap,
        _registry: &Registry,
        obj: Obj,
        kind: Kind,
        items: Vec<Obj>,
    ) -> Result<()> {
        let class = heap.builtin_class(kind);
        let list = heap.new_list(items);
        let args = heap.new_tuple(vec![list]);
        self.push_reduce(heap, obj, class, args, tail(obj))
    }

    /// After the construction opcode of save_reduce.
    pub(super) fn finish_reduce(&mut self, tail: ReduceTail) -> Result<()> {
        if let Some(obj) = tail.obj {
            if let Some(index) = self.memo.get(obj) {
                self.framer.write_byte(Opcode::POP as u8);
                write_get_after_pop(&mut self.framer, self.options.protocol, index);
                return Ok(());
            }
            self.memoize(obj)?;
        }
        // The usual tail, an instance's state and BUILD, goes straight onto
        // the task stack (a task list per instance showed in profiles).
        if tail.listitems.is_none() && tail.dictitems.is_none() {
            match (tail.state, tail.state_setter, tail.obj) {
                (None, _, _) => return Ok(()),
                (Some(state), None, _) | (Some(state), _, None) => {
                    self.tasks.push(Task::Op(Opcode::BUILD));
                    self.tasks.push(Task::Save(state));
                    return Ok(());
                }
                _ => {}
            }
        }
        let protocol = self.options.protocol;
        let mut tasks = Vec::new();
        if let Some(items) = tail.listitems {
            if protocol == 0 {
                for x in items {
                    tasks.extend([Task::Save(x), Task::Op(Opcode::APPEND)]);
                }
            } else {
                tasks.extend(generic_batches(
                    &items,
                    Opcode::APPEND,
                    Opcode::APPENDS,
                    |x| vec![Task::Save(*x)],
                ));
            }
        }
        if let Some(pairs) = tail.dictitems {
            if protocol == 0 {
                for (k, v) in pairs {
                    tasks.extend([Task::Save(k), Task::Save(v), Task::Op(Opcode::SETITEM)]);
                }
            } else {
                tasks.extend(generic_batches(
                    &pairs,
                    Opcode::SETITEM,
                    Opcode::SETITEMS,
                    |(k, v)| vec![Task::Save(*k), Task::Save(*v)],
                ));
            }
        }
        if let Some(state) = tail.state {
            match (tail.state_setter, tail.obj) {
                (Some(setter), Some(obj)) => tasks.extend([
                    Task::Save(setter),
                    Task::Save(obj),
                    Task::Save(state),
                    Task::Op(Opcode::TUPLE2),
                    Task::Op(Opcode::REDUCE),
                    Task::Op(Opcode::POP),
                ]),
                _ => tasks.extend([Task::Save(state), Task::Op(Opcode::BUILD)]),
            }
        }
        self.schedule(tasks);
        Ok(())
    }
}

/// The batching of reduce list/dict items: MARK…op per 1000, but a final
/// batch of one item is written with the single-item opcode.
fn generic_batches<T>(
    items: &[T],
    single: Opcode,
    many: Opcode,
    save: impl Fn(&T) -> Vec<Task>,
) -> Vec<Task> {
    let mut tasks = Vec::new();
    for chunk in items.chunks(BATCHSIZE) {
        if chunk.len() == 1 {
            tasks.extend(save(&chunk[0]));
            tasks.push(Task::Op(single));
        } else {
            tasks.push(Task::Op(Opcode::MARK));
            for item in chunk {
                tasks.extend(save(item));
            }
            tasks.push(Task::Op(many));
        }
    }
    tasks
}
