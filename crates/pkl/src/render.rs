//! `pkl show`'s text: Python's `repr()` for built-in values, and for objects
//! of classes this program does not have, a form that says how the pickle
//! built them — never a memory address.
//!
//! | object | shown as |
//! |---|---|
//! | built by calling `mod.f(args)` (REDUCE) | `<mod.f(1, 'a')>` |
//! | built by `cls.__new__(cls, args)` (NEWOBJ) | `<mod.Cls.__new__(1)>` |
//! | … with keyword arguments (NEWOBJ_EX) | `<mod.Cls.__new__(1, k=2)>` |
//! | made without arguments | `<mod.Cls.__new__()>` |
//! | … then given state (BUILD) | `… state={'x': 1}>` |
//! | … items appended / set | `… append=[1, 2]`, `… setitem={'a': 1}` |
//! | a class or function | `<class 'mod.Cls'>` / `<function mod.f>` |
//! | a `functools.partial` | `functools.partial(<function mod.f>, 1, k=2)` |
//! | built by calling such an object | `<functools.partial(...)>()` |
//! | a persistent id (PERSID/BINPERSID) | `<persistent id 'the id'>` |
//!
//! Containers reached again while being shown print CPython's markers
//! (`[...]`, `{...}`); nesting deeper than 500 levels prints `...`; more than
//! 64 MiB of text for one pickle is an error.

use pyobj::{Heap, Obj, Object};
use reduce::standin::{Construction, StandIn};

const MAX_DEPTH: usize = 500;

/// The most text `show` writes for one pickle. A pickle that shares one
/// object many times at many levels (a "reference bomb") prints
/// exponentially large, as it would in Python; past this it is an error, not
/// a hang.
pub const MAX_OUTPUT: usize = 64 << 20;

/// The text `pkl show` prints for `obj`.
pub fn show(heap: &Heap, obj: Obj) -> Result<String, pyobj::Error> {
    let mut out = String::new();
    let mut active = Vec::new();
    write(heap, obj, &mut out, &mut active)?;
    Ok(out)
}

/// `module.qualname` of a class or function (the repr of anything else).
pub fn name_of(heap: &Heap, obj: Obj) -> Result<String, pyobj::Error> {
    Ok(match &*heap.get(obj)? {
        Object::Class(c) => format!(
            "{}.{}",
            heap.as_str(c.module())?,
            heap.as_str(c.qualname())?
        ),
        Object::Function(f) => format!(
            "{}.{}",
            heap.as_str(f.module())?,
            heap.as_str(f.qualname())?
        ),
        _ => heap.repr(obj)?,
    })
}

fn write_seq(
    heap: &Heap,
    items: &[Obj],
    out: &mut String,
    active: &mut Vec<Obj>,
) -> Result<(), pyobj::Error> {
    for (i, &item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write(heap, item, out, active)?;
    }
    Ok(())
}

fn write(
    heap: &Heap,
    obj: Obj,
    out: &mut String,
    active: &mut Vec<Obj>,
) -> Result<(), pyobj::Error> {
    if out.len() > MAX_OUTPUT {
        return Err(pyobj::Error::new(
            pyobj::ErrorKind::Memory,
            format!(
                "the text would exceed {} MiB (objects shared many times print once per use); `pkl json` writes each shared object once",
                MAX_OUTPUT >> 20
            ),
        ));
    }
    if active.len() >= MAX_DEPTH {
        out.push_str("...");
        return Ok(());
    }
    let object = heap.get(obj)?;
    let (open, close, marker) = match &*object {
        Object::List(_) => ("[", "]", "[...]"),
        Object::Tuple(items) if items.len() == 1 => ("(", ",)", "(...)"),
        Object::Tuple(_) => ("(", ")", "(...)"),
        Object::Dict(_) => ("{", "}", "{...}"),
        Object::Set(s) if s.is_empty() => ("set(", ")", "set(...)"),
        Object::Set(_) => ("{", "}", "set(...)"),
        Object::FrozenSet(s) if s.is_empty() => ("frozenset(", ")", "frozenset(...)"),
        Object::FrozenSet(_) => ("frozenset({", "})", "frozenset(...)"),
        Object::Instance(_) => ("<", ">", "<...>"),
        _ => {
            match &*object {
                Object::Function(_) => {
                    out.push_str(&format!("<function {}>", name_of(heap, obj)?));
                }
                _ => out.push_str(&heap.repr(obj)?),
            }
            return Ok(());
        }
    };
    if active.contains(&obj) {
        out.push_str(marker);
        return Ok(());
    }
    active.push(obj);
    out.push_str(open);
    match &*object {
        Object::List(items) => write_seq(heap, items, out, active)?,
        Object::Tuple(items) => write_seq(heap, items, out, active)?,
        Object::Set(s) | Object::FrozenSet(s) => {
            let items: Vec<Obj> = s.iter().collect();
            write_seq(heap, &items, out, active)?;
        }
        Object::Dict(d) => {
            for (i, (k, v)) in d.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(heap, k, out, active)?;
                out.push_str(": ");
                write(heap, v, out, active)?;
            }
        }
        Object::Instance(inst) => write_instance(heap, obj, inst, out, active)?,
        _ => {}
    }
    out.push_str(close);
    active.pop();
    Ok(())
}

fn write_instance(
    heap: &Heap,
    obj: Obj,
    inst: &pyobj::Instance,
    out: &mut String,
    active: &mut Vec<Obj>,
) -> Result<(), pyobj::Error> {
    if let Some(pid) = crate::persistent::pid_of(heap, obj) {
        out.push_str("persistent id ");
        return write(heap, pid, out, active);
    }
    let class_name = name_of(heap, inst.class())?;
    if let Some(std) = heap.native::<reduce::stdlib::StdArgs>(obj)? {
        out.push_str(&class_name);
        out.push('(');
        write_seq(heap, heap.as_tuple(std.args)?, out, active)?;
        out.push(')');
        return Ok(());
    }
    if let Some(partial) = heap.native::<reduce::partial::Partial>(obj)?.copied() {
        // functools.partial(func, *args, **keywords), as Python would spell it.
        out.push_str(&class_name);
        out.push('(');
        write(heap, partial.func, out, active)?;
        for &arg in heap.as_tuple(partial.args)? {
            out.push_str(", ");
            write(heap, arg, out, active)?;
        }
        for (key, value) in heap.as_dict(partial.keywords)?.iter() {
            out.push_str(", ");
            out.push_str(&heap.as_str_obj(key)?.to_string_lossy());
            out.push('=');
            write(heap, value, out, active)?;
        }
        out.push(')');
        return Ok(());
    }
    match heap.native::<StandIn>(obj)? {
        Some(record) => {
            match &record.construction {
                Construction::Call { args } => {
                    // A callable object (a partial, say) is shown as built;
                    // classes and functions by name.
                    if heap.kind(record.callable)? == pyobj::Kind::Instance {
                        write(heap, record.callable, out, active)?;
                    } else {
                        out.push_str(&name_of(heap, record.callable)?);
                    }
                    out.push('(');
                    write_seq(heap, heap.as_tuple(*args)?, out, active)?;
                }
                Construction::NewObj { args } => {
                    out.push_str(&format!("{class_name}.__new__("));
                    write_seq(heap, heap.as_tuple(*args)?, out, active)?;
                }
                Construction::NewObjEx { args, kwargs } => {
                    out.push_str(&format!("{class_name}.__new__("));
                    let args = heap.as_tuple(*args)?;
                    write_seq(heap, args, out, active)?;
                    for (i, (k, v)) in heap.as_dict(*kwargs)?.iter().enumerate() {
                        if i > 0 || !args.is_empty() {
                            out.push_str(", ");
                        }
                        out.push_str(&heap.as_str_obj(k)?.to_string_lossy());
                        out.push('=');
                        write(heap, v, out, active)?;
                    }
                }
                Construction::Plain => out.push_str(&format!("{class_name}.__new__(")),
            }
            out.push(')');
            if !record.listitems.is_empty() {
                out.push_str(" append=[");
                write_seq(heap, &record.listitems, out, active)?;
                out.push(']');
            }
            if !record.dictitems.is_empty() {
                out.push_str(" setitem={");
                for (i, (k, v)) in record.dictitems.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write(heap, *k, out, active)?;
                    out.push_str(": ");
                    write(heap, *v, out, active)?;
                }
                out.push('}');
            }
            for state in &record.states {
                out.push_str(" state=");
                write(heap, *state, out, active)?;
            }
        }
        None => {
            out.push_str(&format!("{class_name}.__new__()"));
            if let Some(base) = inst.base() {
                out.push_str(" value=");
                write(heap, base, out, active)?;
            }
            if let Some(dict) = inst.dict() {
                if heap.dict_len(dict)? > 0 {
                    out.push_str(" state=");
                    write(heap, dict, out, active)?;
                }
            }
        }
    }
    Ok(())
}
