//! save_global (GLOBAL, STACK_GLOBAL, EXT*, the getattr form of nested
//! names) and save_reduce (REDUCE, NEWOBJ, NEWOBJ_EX, BUILD).

use pyobj::{Heap, Obj, Object};
use reduce::{ReduceValue, Reduced, Registry};

use super::{write_get, Pickler, ReduceTail, Task};
use crate::opcodes::Opcode;
use crate::{compat, Error, ErrorKind, Result};

/// What save_reduce does with a reduce value's callable: CPython looks at
/// its `__name__` for copyreg's two constructors.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Constructor {
    NewObj,
    NewObjEx,
    Other,
}

fn pickling(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Pickling, message)
}

/// "Can't pickle <repr>: <reason>". The repr is made only here, for the
/// message: save_global had made it on every call, which cost more than
/// the rest of it (a fifth of pickling pyperformance's profile dict, which
/// names `datetime.date`).
#[cold]
fn cant_pickle(heap: &Heap, obj: Obj, reason: &str) -> Error {
    match heap.repr(obj) {
        Ok(repr) => pickling(format!("Can't pickle {repr}: {reason}")),
        Err(e) => e.into(),
    }
}

/// The module and qualified name a class or function is known by, as
/// handles (interned strs, so repeated names hit the memo as in CPython).
pub(crate) fn global_name(heap: &Heap, obj: Obj) -> Result<(Obj, Obj)> {
    match &*heap.get(obj)? {
        Object::Class(c) => Ok((c.module(), c.qualname())),
        Object::Function(f) => Ok((f.module(), f.qualname())),
        Object::Instance(inst) => {
            let class = heap.as_class(inst.class())?;
            Ok((class.module(), class.qualname()))
        }
        other => Err(pickling(format!(
            "Can't pickle '{}' object by name",
            other.type_name()
        ))),
    }
}

impl<W: std::io::Write> Pickler<W> {
    /// save_global: `obj` by module and name, or `name` given by a reduce
    /// that returned a string.
    pub(super) fn save_global(
        &mut self,
        heap: &mut Heap,
        registry: &Registry,
        obj: Obj,
        name: Option<String>,
    ) -> Result<()> {
        let protocol = self.options.protocol;
        let (module_obj, qualname_obj) = global_name(heap, obj)?;
        let name_obj = match &name {
            Some(n) => heap.intern(n),
            None => qualname_obj,
        };
        // The names are read in place (copying them was two allocations
        // per global, 3% of dumping pyperformance's `DICT`); the heap is
        // changed only on the one path that copies what it still needs.
        let module = heap.as_str(module_obj)?;
        let name = match &name {
            Some(n) => n.as_str(),
            None => heap.as_str(qualname_obj)?,
        };
        if name.split('.').any(|part| part == "<locals>") {
            return Err(Error::new(
                ErrorKind::Object(pyobj::ErrorKind::Attribute),
                format!("Can't pickle local object '{name}'"),
            ));
        }
        // What a pickle names must be what loading that name gives back.
        let same = match registry.get(module, name) {
            Some(registered) => registered == obj,
            // A standard-library type the registry has not made yet cannot
            // be `obj`, which exists.
            None => !registry.is_deferred(module, name),
        };
        if !same {
            let reason = format!("it's not the same object as {module}.{name}");
            return Err(cant_pickle(heap, obj, &reason));
        }
        if protocol >= 2 {
            if let Some(code) = registry.extension_code(module, name) {
                if code <= 0xff {
                    self.framer.write(&[Opcode::EXT1 as u8, code as u8]);
                } else if code <= 0xffff {
                    self.framer.write_byte(Opcode::EXT2 as u8);
                    self.framer.write(&(code as u16).to_le_bytes());
                } else {
                    self.framer.write_byte(Opcode::EXT4 as u8);
                    self.framer.write(&(code as i32).to_le_bytes());
                }
                return Ok(());
            }
        }
        let nested = name.rsplit_once('.');
        if protocol >= 4 {
            self.schedule_global_tail(obj);
            self.tasks.push(Task::Op(Opcode::STACK_GLOBAL));
            self.tasks.push(Task::Save(name_obj));
            self.tasks.push(Task::Save(module_obj));
            return Ok(());
        }
        if let Some((parent_name, last)) = nested {
            // Protocols below 4 spell a nested name as getattr(parent, last).
            let Some(parent) = registry.get(module, parent_name) else {
                let reason = format!("attribute lookup {name} on {module} failed");
                return Err(cant_pickle(heap, obj, &reason));
            };
            let Some(getattr) = registry.get("builtins", "getattr") else {
                let reason = "builtins.getattr is not registered";
                return Err(cant_pickle(heap, obj, reason));
            };
            // CPython splits the dotted name afresh each time, so the last
            // part is a new str that never hits the memo.
            let last = last.to_owned();
            let last = heap.new_str(&last);
            let args = heap.new_tuple(vec![parent, last]);
            self.schedule_global_tail(obj);
            self.push_finish_reduce(ReduceTail {
                obj: None,
                listitems: None,
                dictitems: None,
                state: None,
                state_setter: None,
            });
            self.tasks.push(Task::Op(Opcode::REDUCE));
            self.tasks.push(Task::Save(args));
            self.tasks.push(Task::Save(getattr));
            return Ok(());
        }
        let (module, name) = if protocol < 3 && self.options.fix_imports {
            match compat::to_python2(module, name) {
                Some((m, Some(n))) => (m, n),
                Some((m, None)) => (m, name),
                None => (module, name),
            }
        } else {
            (module, name)
        };
        if protocol < 3 {
            if !module.is_ascii() {
                return Err(pickling(format!(
                    "can't pickle module identifier '{module}' using pickle protocol {protocol}"
                )));
            }
            if !name.is_ascii() {
                return Err(pickling(format!(
                    "can't pickle global identifier '{name}' using pickle protocol {protocol}"
                )));
            }
        }
        self.framer.write_byte(Opcode::GLOBAL as u8);
        self.framer.write(module.as_bytes());
        self.framer.write_byte(b'\n');
        self.framer.write(name.as_bytes());
        self.framer.write_byte(b'\n');
        self.memoize(obj)
    }

    /// After a STACK_GLOBAL or getattr sequence: the global itself is memoized
    /// (or, if it was reached meanwhile, nothing more is needed).
    fn schedule_global_tail(&mut self, obj: Obj) {
        self.tasks.push(Task::Memoize(obj));
    }

    /// A reduce value from a hook (str or tuple object).
    pub(super) fn save_reduce_value(
        &mut self,
        heap: &mut Heap,
        registry: &Registry,
        obj: Obj,
        value: Obj,
    ) -> Result<()> {
        let reduced = Reduced::from_object(heap, value)?;
        self.save_reduced(heap, registry, obj, reduced)
    }

    pub(super) fn save_reduced(
        &mut self,
        heap: &mut Heap,
        registry: &Registry,
        obj: Obj,
        reduced: Reduced,
    ) -> Result<()> {
        match reduced {
            Reduced::Global(name) => self.save_global(heap, registry, obj, Some(name)),
            Reduced::Value(value) => self.save_reduce(heap, registry, obj, value),
        }
    }

    /// save_reduce: the construction (NEWOBJ_EX, NEWOBJ or REDUCE), then the
    /// memo, list items, dict items and state.
    fn save_reduce(
        &mut self,
        heap: &mut Heap,
        registry: &Registry,
        obj: Obj,
        value: ReduceValue,
    ) -> Result<()> {
        let ReduceValue {
            callable,
            args,
            state,
            listitems,
            dictitems,
            state_setter,
        } = value;
        let protocol = self.options.protocol;
        // Compared as bytes: `as_str` would validate UTF-8 on every reduce.
        let name_of = |qualname: Obj| match heap
            .as_str_obj(qualname)
            .map(|s| s.as_surrogatepass_bytes())
        {
            Ok(b"__newobj__") => Constructor::NewObj,
            Ok(b"__newobj_ex__") => Constructor::NewObjEx,
            _ => Constructor::Other,
        };
        let constructor = match &*heap.get(callable)? {
            Object::Function(f) => name_of(f.qualname()),
            Object::Class(c) => name_of(c.qualname()),
            // Callable instances: a functools.partial, or a stand-in the
            // pickle being re-written called.
            Object::Instance(_)
                if heap.native::<reduce::partial::Partial>(callable)?.is_some()
                    || registry.is_stand_in(heap.type_of(callable)?) =>
            {
                Constructor::Other
            }
            _ => {
                return Err(pickling(
                    "first item of the tuple returned by __reduce__ must be callable",
                ))
            }
        };
        let tail = ReduceTail {
            obj: Some(obj),
            listitems,
            dictitems,
            state,
            state_setter,
        };
        if protocol >= 2 && constructor == Constructor::NewObj {
            return self.save_newobj(heap, obj, args, tail);
        }
        self.push_finish_reduce(tail);
        if protocol >= 2 && constructor == Constructor::NewObjEx {
            let items = heap.as_tuple(args)?;
            let [class, positional, kwargs] = items[..] else {
                return Err(pickling(format!(
                    "length of the NEWOBJ_EX argument tuple must be exactly 3, not {}",
                    items.len()
                )));
            };
            if heap.as_class(class).is_err() {
                return Err(pickling(format!(
                    "first item from NEWOBJ_EX argument tuple must be a class, not {}",
                    heap.type_name(class)?
                )));
            }
            if heap.as_tuple(positional).is_err() {
                return Err(pickling(format!(
                    "second item from NEWOBJ_EX argument tuple must be a tuple, not {}",
                    heap.type_name(positional)?
                )));
            }
            if heap.as_dict(kwargs).is_err() {
                return Err(pickling(format!(
                    "third item from NEWOBJ_EX argument tuple must be a dict, not {}",
                    heap.type_name(kwargs)?
                )));
            }
            if protocol < 4 {
                // No NEWOBJ_EX opcode: `partial(cls.__new__, cls, *args, **kwargs)()`.
                let cls_new = reduce::partial::class_new(heap, registry, class)?;
                let mut newargs = vec![class];
                newargs.extend_from_slice(heap.as_tuple(positional)?);
                let partial =
                    reduce::partial::new_partial(heap, registry, cls_new, &newargs, Some(kwargs))?;
                let no_args = heap.new_tuple(Vec::new());
                self.tasks.push(Task::Op(Opcode::REDUCE));
                self.tasks.push(Task::Save(no_args));
                self.tasks.push(Task::Save(partial));
                return Ok(());
            }
            self.tasks.push(Task::Op(Opcode::NEWOBJ_EX));
            self.tasks.push(Task::Save(kwargs));
            self.tasks.push(Task::Save(positional));
            self.tasks.push(Task::Save(class));
            return Ok(());
        }
        self.tasks.push(Task::Op(Opcode::REDUCE));
        self.tasks.push(Task::Save(args));
        self.tasks.push(Task::Save(callable));
        Ok(())
    }

    /// save_reduce's NEWOBJ form (protocol 2 and up, `copyreg.__newobj__`):
    /// `save(cls); save(args[1:]); NEWOBJ`, then the tail.
    fn save_newobj(
        &mut self,
        heap: &mut Heap,
        obj: Obj,
        args: Obj,
        tail: ReduceTail,
    ) -> Result<()> {
        let Some((&class, rest)) = heap.as_tuple(args)?.split_first() else {
            return Err(pickling("__newobj__ arglist is empty"));
        };
        // `args[1:]`: a fresh tuple, as in CPython (the empty one is the singleton).
        let rest = rest.to_vec();
        if heap.as_class(class).is_err() {
            return Err(pickling("args[0] from __newobj__ args is not a type"));
        }
        if heap.type_of(obj)? != class {
            return Err(pickling("args[0] from __newobj__ args has the wrong class"));
        }
        let no_more_args = rest.is_empty();
        let rest = heap.new_tuple(rest);
        // The common case, a plain instance of a class already written:
        // save(cls) is a memo hit and save(()) the empty tuple, so both are
        // written here (each after the frame check its save() starts with)
        // and the tail follows at once, without five trips through the
        // task stack. A persistent_id hook must see both objects first.
        if no_more_args && self.persistent_id.is_none() && self.memo.get(rest).is_none() {
            if let Some(index) = self.memo.get(class) {
                write_get(&mut self.framer, self.options.protocol, index)?;
                self.framer.maybe_commit()?;
                self.framer
                    .write(&[Opcode::EMPTY_TUPLE as u8, Opcode::NEWOBJ as u8]);
                return self.finish_reduce(tail);
            }
        }
        self.push_finish_reduce(tail);
        self.tasks.push(Task::Op(Opcode::NEWOBJ));
        self.tasks.push(Task::Save(rest));
        self.tasks.push(Task::Save(class));
        Ok(())
    }
}
