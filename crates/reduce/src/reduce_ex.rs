//! Object → reduce value: hook precedence and CPython's default `object.__reduce_ex__`.

use pyobj::{Heap, Hook, Kind, Obj, Object};

use crate::standin::{Construction, StandIn};
use crate::state::{get_state, not_picklable};
use crate::{DispatchTable, Error, ReduceValue, Reduced, Registry, Result};

/// Reduces `obj` for `protocol` the way the C pickler finds a reduce value for
/// an object that is not a built-in it handles itself: the dispatch table
/// (`dispatch`, or the registry's if `None`) by exact class, then the class's
/// `__reduce_ex__` hook, then `__reduce__`, then CPython's default
/// `object.__reduce_ex__(protocol)` (copyreg `_reduce_ex` for protocols 0–1,
/// `__newobj__`/`__newobj_ex__` for 2 and up, default `__getstate__` with slots).
pub fn reduce(
    heap: &mut Heap,
    registry: &Registry,
    obj: Obj,
    protocol: u8,
    dispatch: Option<&DispatchTable>,
) -> Result<Reduced> {
    let class = heap.type_of(obj)?;
    if registry.is_stand_in(class) {
        return replay_stand_in(heap, registry, obj, class, protocol);
    }
    let table = dispatch.or(registry.dispatch_table());
    if let Some(f) = table.and_then(|t| t.get(&class)).cloned() {
        let value = f(heap, obj)?;
        return Reduced::from_object(heap, value);
    }
    if heap.kind(obj)? == Kind::Complex {
        // copyreg registers pickle_complex in its dispatch table.
        let c = heap.as_complex(obj)?;
        let re = heap.new_float(c.re);
        let im = heap.new_float(c.im);
        let args = heap.new_tuple(vec![re, im]);
        return Ok(Reduced::Value(ReduceValue {
            callable: heap.builtin_class(Kind::Complex),
            args,
            state: None,
            listitems: None,
            dictitems: None,
            state_setter: None,
        }));
    }
    if let Some(f) = heap.find_hook(class, Hook::ReduceEx)? {
        let p = heap.new_int(protocol as i64);
        let value = f(heap, &[obj, p], None)?;
        return Reduced::from_object(heap, value);
    }
    if let Some(f) = heap.find_hook(class, Hook::Reduce)? {
        let value = f(heap, &[obj], None)?;
        return Reduced::from_object(heap, value);
    }
    if protocol < 2 {
        reduce_ex_legacy(heap, registry, obj, class, protocol)
    } else {
        reduce_newobj(heap, registry, obj, class)
    }
}

/// copyreg._reduce_ex, for protocols 0 and 1.
fn reduce_ex_legacy(
    heap: &mut Heap,
    registry: &Registry,
    obj: Obj,
    class: Obj,
    protocol: u8,
) -> Result<Reduced> {
    let c = heap.as_class(class)?;
    if c.is_builtin() {
        return Err(not_picklable(heap, obj));
    }
    let (layout, has_slots) = (c.layout(), !c.slot_layout().is_empty());
    let none = heap.none();
    let (base, base_state) = match &*heap.get(obj)? {
        Object::Instance(inst) => match (layout, inst.base()) {
            (Kind::Instance, _) | (_, None) => (heap.object_class(), none),
            (kind, Some(part)) => (heap.builtin_class(kind), part),
        },
        _ => return Err(not_picklable(heap, obj)),
    };
    if has_slots && heap.find_hook(class, Hook::GetState)?.is_none() {
        return Err(Error::new(
            crate::ErrorKind::Object(pyobj::ErrorKind::Type),
            format!(
                "a class that defines __slots__ without defining __getstate__ cannot be pickled with protocol {protocol}"
            ),
        ));
    }
    let args = heap.new_tuple(vec![class, base, base_state]);
    let state = get_state(heap, obj, false)?;
    // copyreg keeps the state only if it is true in Python's sense.
    let truthy = match &*heap.get(state)? {
        Object::None => false,
        Object::Bool(b) => *b,
        Object::Int(i) => !i.is_zero(),
        Object::Float(f) => *f != 0.0,
        Object::Dict(d) => !d.is_empty(),
        Object::Tuple(t) => !t.is_empty(),
        Object::List(l) => !l.is_empty(),
        Object::Str(s) => !s.is_empty(),
        Object::Bytes(b) => !b.is_empty(),
        _ => true,
    };
    Ok(Reduced::Value(ReduceValue {
        callable: registry.builtins.reconstructor,
        args,
        state: truthy.then_some(state),
        listitems: None,
        dictitems: None,
        state_setter: None,
    }))
}

/// typeobject.c's reduce_newobj, for protocols 2 and up.
fn reduce_newobj(heap: &mut Heap, registry: &Registry, obj: Obj, class: Obj) -> Result<Reduced> {
    let (args, kwargs) = new_arguments(heap, obj, class)?;
    let has_args = args.is_some();
    let positional = match args {
        Some(a) => heap.as_tuple(a)?.to_vec(),
        None => Vec::new(),
    };
    let kwargs = match kwargs {
        Some(k) if heap.dict_len(k)? > 0 => Some(k),
        _ => None,
    };
    let (callable, newargs) = match kwargs {
        // Protocol 2 and up (this path) split `(cls,)` into cls and `()`
        // and never save the tuple itself, so one per class serves.
        None if positional.is_empty() => (registry.builtins.newobj, heap.class_tuple(class)?),
        None => {
            let mut items = vec![class];
            items.extend(positional);
            (registry.builtins.newobj, heap.new_tuple(items))
        }
        Some(kwargs) => {
            let args = heap.new_tuple(positional);
            (
                registry.builtins.newobj_ex,
                heap.new_tuple(vec![class, args, kwargs]),
            )
        }
    };
    let base = match &*heap.get(obj)? {
        Object::Instance(inst) => inst.base(),
        _ => None,
    };
    let base_kind = match base {
        Some(b) => Some(heap.kind(b)?),
        None => None,
    };
    let required = !(has_args || matches!(base_kind, Some(Kind::List | Kind::Dict)));
    if required && heap.as_class(class)?.is_builtin() {
        return Err(not_picklable(heap, obj));
    }
    let state = get_state(heap, obj, required)?;
    let none = heap.none();
    let listitems = match (base, base_kind) {
        (Some(b), Some(Kind::List)) => Some(heap.as_list(b)?.to_vec()),
        _ => None,
    };
    let dictitems = match (base, base_kind) {
        (Some(b), Some(Kind::Dict)) => Some(heap.as_dict(b)?.iter().collect()),
        _ => None,
    };
    Ok(Reduced::Value(ReduceValue {
        callable,
        args: newargs,
        state: (state != none).then_some(state),
        listitems,
        dictitems,
        state_setter: None,
    }))
}

/// `__getnewargs_ex__` or `__getnewargs__` (hooks), or the arguments an
/// immutable built-in part implies (`int.__getnewargs__` and friends).
fn new_arguments(heap: &mut Heap, obj: Obj, class: Obj) -> Result<(Option<Obj>, Option<Obj>)> {
    let type_error = |m: String| Error::new(crate::ErrorKind::Object(pyobj::ErrorKind::Type), m);
    if let Some(f) = heap.find_hook(class, Hook::GetNewArgsEx)? {
        let value = f(heap, &[obj], None)?;
        let items = match &*heap.get(value)? {
            Object::Tuple(items) => items.to_vec(),
            other => {
                return Err(type_error(format!(
                    "__getnewargs_ex__ should return a tuple, not '{}'",
                    other.type_name()
                )))
            }
        };
        if items.len() != 2 {
            return Err(Error::new(
                crate::ErrorKind::Object(pyobj::ErrorKind::Value),
                format!(
                    "__getnewargs_ex__ should return a tuple of length 2, not {}",
                    items.len()
                ),
            ));
        }
        if heap.kind(items[0])? != Kind::Tuple {
            return Err(type_error(format!(
                "first item of the tuple returned by __getnewargs_ex__ must be a tuple, not '{}'",
                heap.type_name(items[0])?
            )));
        }
        if heap.kind(items[1])? != Kind::Dict {
            return Err(type_error(format!(
                "second item of the tuple returned by __getnewargs_ex__ must be a dict, not '{}'",
                heap.type_name(items[1])?
            )));
        }
        return Ok((Some(items[0]), Some(items[1])));
    }
    if let Some(f) = heap.find_hook(class, Hook::GetNewArgs)? {
        let value = f(heap, &[obj], None)?;
        if heap.kind(value)? != Kind::Tuple {
            return Err(type_error(format!(
                "__getnewargs__ should return a tuple, not '{}'",
                heap.type_name(value)?
            )));
        }
        return Ok((Some(value), None));
    }
    // int, float, complex, str, bytes and tuple define __getnewargs__.
    if let Ok(Object::Instance(inst)) = heap.get(obj).as_deref() {
        if let Some(part) = inst.base() {
            let args = match &*heap.get(part)? {
                Object::Int(_) | Object::Float(_) | Object::Str(_) | Object::Bytes(_) => {
                    Some(vec![part])
                }
                Object::Complex(c) => {
                    let (re, im) = (c.re, c.im);
                    let re = heap.new_float(re);
                    let im = heap.new_float(im);
                    Some(vec![re, im])
                }
                Object::Tuple(items) => Some(items.to_vec()),
                _ => None,
            };
            if let Some(items) = args {
                let items = if heap.kind(part)? == Kind::Tuple {
                    let t = heap.new_tuple(items);
                    vec![t]
                } else {
                    items
                };
                return Ok((Some(heap.new_tuple(items)), None));
            }
        }
    }
    Ok((None, None))
}

/// The reduce value that rebuilds a stand-in exactly as its pickle did.
fn replay_stand_in(
    heap: &mut Heap,
    registry: &Registry,
    obj: Obj,
    class: Obj,
    protocol: u8,
) -> Result<Reduced> {
    // Only what the reduce value needs is copied out of the record: cloning
    // the whole of it allocated its `states` vector once per instance.
    let record = heap.native::<StandIn>(obj)?.map(|r| {
        (
            r.callable,
            r.construction.clone(),
            r.states.last().copied(),
            (!r.listitems.is_empty()).then(|| r.listitems.clone()),
            (!r.dictitems.is_empty()).then(|| r.dictitems.clone()),
        )
    });
    let Some((record_callable, construction, state, listitems, dictitems)) = record else {
        // Made by copyreg._reconstructor and never given state: a plain object.
        return if protocol < 2 {
            reduce_ex_legacy(heap, registry, obj, class, protocol)
        } else {
            reduce_newobj(heap, registry, obj, class)
        };
    };
    let (callable, args) = match construction {
        Construction::Call { args } => (record_callable, args),
        Construction::NewObj { args } if protocol >= 2 && heap.as_tuple(args)?.is_empty() => {
            (registry.builtins.newobj, heap.class_tuple(class)?)
        }
        Construction::NewObj { args } => {
            let mut items = vec![class];
            items.extend_from_slice(heap.as_tuple(args)?);
            (registry.builtins.newobj, heap.new_tuple(items))
        }
        Construction::NewObjEx { args, kwargs } => (
            registry.builtins.newobj_ex,
            heap.new_tuple(vec![class, args, kwargs]),
        ),
        Construction::Plain if protocol < 2 => {
            let object = heap.object_class();
            let none = heap.none();
            (
                registry.builtins.reconstructor,
                heap.new_tuple(vec![class, object, none]),
            )
        }
        Construction::Plain => (registry.builtins.newobj, heap.class_tuple(class)?),
    };
    Ok(Reduced::Value(ReduceValue {
        callable,
        args,
        state,
        listitems,
        dictitems,
        state_setter: None,
    }))
}
