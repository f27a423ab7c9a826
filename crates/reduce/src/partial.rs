//! `functools.partial` and `cls.__new__`: how protocols 2 and 3, which have
//! no NEWOBJ_EX opcode, spell `cls.__new__(cls, *args, **kwargs)`.
//!
//! CPython's pickler writes `partial(cls.__new__, cls, *args, **kwargs)()`
//! for an object whose `__getnewargs_ex__` gives keyword arguments when the
//! protocol is below 4; `cls.__new__` itself pickles as
//! `getattr(Owner, '__new__')`, where `Owner` is the class in the MRO that
//! defines `__new__` (`object` for most classes). This module supplies the
//! three pieces, in Rust, for both directions:
//! - [`class_new`]: the `Owner.__new__` function object of a class, one per
//!   owner so that repeated uses share an identity (and a memo entry), as
//!   `C.__new__ is C.__new__` in Python;
//! - the `functools.partial` class (registered by [`Registry::new`]), whose
//!   instances hold a [`Partial`] and reduce and set state exactly as
//!   CPython's `partial.__reduce__` / `__setstate__` do;
//! - `call_partial`: calling a partial during loading, which calls only
//!   what [`reconstruct::call`](crate::reconstruct::call) allows.

use pyobj::{native_fn, ClassSpec, Heap, Hook, NativePayload, Obj, Object};

use crate::builtins::from_reduce;
use crate::reconstruct::{call, new_object_in};
use crate::standin::{self, Construction};
use crate::{Error, ErrorKind, Registry, Result};

/// Partials whose function is itself a partial, followed while calling;
/// deeper chains (only a crafted pickle makes them) are refused.
const MAX_PARTIAL_CHAIN: usize = 64;

/// What a `functools.partial` object holds: `func(*args, **keywords)`.
#[derive(Clone, Copy, Debug)]
pub struct Partial {
    /// The function (or class) to call.
    pub func: Obj,
    /// The leading positional arguments (a tuple).
    pub args: Obj,
    /// The keyword arguments (a dict).
    pub keywords: Obj,
}

impl NativePayload for Partial {
    fn trace(&self, visit: &mut dyn FnMut(Obj)) {
        visit(self.func);
        visit(self.args);
        visit(self.keywords);
    }

    fn clone_payload(&self) -> Option<Box<dyn NativePayload>> {
        Some(Box::new(*self))
    }
}

fn type_error(message: &str) -> pyobj::Error {
    pyobj::Error::new(pyobj::ErrorKind::Type, message)
}

/// Whether `obj` may be called by a partial: the same test CPython's
/// `callable()` makes, for the kinds this heap has.
fn looks_callable(heap: &Heap, obj: Obj) -> bool {
    match heap.get(obj).as_deref() {
        Ok(Object::Class(_) | Object::Function(_)) => true,
        Ok(Object::Instance(_)) => heap.native::<Partial>(obj).ok().flatten().is_some(),
        _ => false,
    }
}

/// The `functools.partial` class; registered by [`Registry::new`].
pub(crate) fn create_class(heap: &mut Heap) -> pyobj::Result<Obj> {
    heap.new_class(
        ClassSpec::new("functools", "partial")
            // partial(func, *args, **keywords)
            .hook(
                Hook::New,
                native_fn(|heap, args, kwargs| {
                    let [class, func, rest @ ..] = args else {
                        return Err(type_error("type 'partial' takes at least one argument"));
                    };
                    if !looks_callable(heap, *func) {
                        return Err(type_error("the first argument must be callable"));
                    }
                    let args = heap.new_tuple(rest.to_vec());
                    // CPython copies a keywords dict that someone else holds.
                    let pairs: Vec<(Obj, Obj)> = match kwargs {
                        Some(k) => heap.as_dict(k)?.iter().collect(),
                        None => Vec::new(),
                    };
                    let keywords = heap.new_dict_from(pairs)?;
                    let obj = heap.new_instance(*class)?;
                    heap.set_native(
                        obj,
                        Box::new(Partial {
                            func: *func,
                            args,
                            keywords,
                        }),
                    )?;
                    Ok(obj)
                }),
            )
            // (type(p), (p.func,), (p.func, p.args, p.keywords, p.__dict__ or None))
            .hook(
                Hook::Reduce,
                native_fn(|heap, args, _| {
                    let obj = args[0];
                    let partial = *heap
                        .native::<Partial>(obj)?
                        .ok_or_else(|| type_error("partial object is not initialised"))?;
                    let class = heap.type_of(obj)?;
                    let dict = match heap.instance_dict(obj)? {
                        Some(d) if heap.dict_len(d)? > 0 => d,
                        _ => heap.none(),
                    };
                    let ctor_args = heap.new_tuple(vec![partial.func]);
                    let state =
                        heap.new_tuple(vec![partial.func, partial.args, partial.keywords, dict]);
                    Ok(heap.new_tuple(vec![class, ctor_args, state]))
                }),
            )
            .hook(Hook::SetState, native_fn(set_state)),
    )
}

/// CPython's `partial.__setstate__`, with its one message for every bad state.
fn set_state(heap: &mut Heap, args: &[Obj], _: Option<Obj>) -> pyobj::Result<Obj> {
    let invalid = || type_error("invalid partial state");
    let [obj, state] = args else {
        return Err(invalid());
    };
    let [func, fn_args, keywords, dict] = match &*heap.get(*state)? {
        Object::Tuple(items) if items.len() == 4 => [items[0], items[1], items[2], items[3]],
        _ => return Err(invalid()),
    };
    let keywords_ok = keywords == heap.none() || heap.as_dict(keywords).is_ok();
    if !looks_callable(heap, func) || heap.as_tuple(fn_args).is_err() || !keywords_ok {
        return Err(invalid());
    }
    let keywords = if keywords == heap.none() {
        heap.new_dict()
    } else {
        keywords
    };
    if dict != heap.none() {
        let pairs: Vec<(Obj, Obj)> = heap
            .as_dict(dict)
            .map_err(|_| type_error("setting partial object's dictionary to a non-dict"))?
            .iter()
            .collect();
        if let Some(own) = heap.instance_dict(*obj)? {
            for (k, v) in pairs {
                heap.dict_set(own, k, v)?;
            }
        }
    }
    heap.set_native(
        *obj,
        Box::new(Partial {
            func,
            args: fn_args,
            keywords,
        }),
    )?;
    Ok(heap.none())
}

/// `functools.partial(func, *args, **keywords)` as a heap object, for the
/// pickler's protocol 2-3 spelling of NEWOBJ_EX.
///
/// # Errors
/// If `functools.partial` is not registered, or `func` is not callable.
pub fn new_partial(
    heap: &mut Heap,
    registry: &Registry,
    func: Obj,
    args: &[Obj],
    keywords: Option<Obj>,
) -> Result<Obj> {
    let class = registry
        .get("functools", "partial")
        .ok_or_else(|| Error::pickling("functools.partial is not registered"))?;
    let mut full = Vec::with_capacity(args.len() + 1);
    full.push(func);
    full.extend_from_slice(args);
    call(heap, registry, class, &full, keywords)
}

/// `cls.__new__`: the `Owner.__new__` function of the first class in `cls`'s
/// MRO that defines `__new__` — a built-in type, a class with its own
/// [`Hook::New`], or a stand-in (whose real definition is unknown, and whose
/// pickles name it as the owner). Made once per owner and kept in the
/// owner's attribute dict, so every use is the same object.
///
/// # Errors
/// If `cls` is not a class.
pub fn class_new(heap: &mut Heap, registry: &Registry, cls: Obj) -> Result<Obj> {
    let mro = heap.as_class(cls)?.mro().to_vec();
    let mut owner = heap.object_class();
    for class in mro {
        let c = heap.as_class(class)?;
        if c.is_builtin() || c.hooks().get(Hook::New).is_some() || registry.is_stand_in(class) {
            owner = class;
            break;
        }
    }
    let own_dict = heap.as_class(owner)?.dict();
    if let Some(existing) = heap.dict_get_str(own_dict, "__new__")? {
        return Ok(existing);
    }
    let (module, qualname) = {
        let c = heap.as_class(owner)?;
        (
            heap.as_str(c.module())?.to_string(),
            format!("{}.__new__", heap.as_str(c.qualname())?),
        )
    };
    // Calling it is NEWOBJ_EX's `cls.__new__(cls, *args, **kwargs)`.
    let function = heap.new_function(
        &module,
        &qualname,
        Some(native_fn(|heap, args, kwargs| {
            let Some((&cls, rest)) = args.split_first() else {
                return Err(type_error("__new__(): not enough arguments"));
            };
            new_object_in(heap, cls, rest, kwargs).map_err(from_reduce)
        })),
    );
    heap.class_setattr(owner, "__new__", function)?;
    Ok(function)
}

/// Whether `func` is a `cls.__new__` function made by [`class_new`].
fn is_class_new(heap: &Heap, func: Obj) -> bool {
    match heap.get(func).as_deref() {
        Ok(Object::Function(f)) => heap
            .as_str(f.qualname())
            .is_ok_and(|q| q.ends_with(".__new__")),
        _ => false,
    }
}

/// Calls the partial object `partial` with `args` and `kwargs`:
/// `func(*p.args, *args, **{**p.keywords, **kwargs})`.
///
/// When what would be built belongs to a stand-in (the function is one, or
/// it is `cls.__new__` of a stand-in class), nothing is called: the result
/// is a stand-in instance recording this call, so it pickles back to the
/// same `partial(...)()` bytes.
pub(crate) fn call_partial(
    heap: &mut Heap,
    registry: &Registry,
    partial: Obj,
    args: &[Obj],
    kwargs: Option<Obj>,
) -> Result<Obj> {
    let mut func = partial;
    let mut positional = args.to_vec();
    let mut pairs: Vec<(Obj, Obj)> = match kwargs {
        Some(k) => heap.as_dict(k)?.iter().collect(),
        None => Vec::new(),
    };
    let mut chain = 0;
    while let Some(p) = heap.native::<Partial>(func).ok().flatten().copied() {
        chain += 1;
        if chain > MAX_PARTIAL_CHAIN {
            return Err(Error::new(
                ErrorKind::Object(pyobj::ErrorKind::Recursion),
                format!("partial objects nested more than {MAX_PARTIAL_CHAIN} deep"),
            ));
        }
        let mut merged = heap.as_tuple(p.args)?.to_vec();
        merged.extend_from_slice(&positional);
        positional = merged;
        // Call-time keywords override the stored ones.
        let mut stored: Vec<(Obj, Obj)> = heap.as_dict(p.keywords)?.iter().collect();
        stored.append(&mut pairs);
        pairs = stored;
        func = p.func;
    }
    let target_class = if registry.is_stand_in(func) {
        Some(func)
    } else if is_class_new(heap, func) {
        positional
            .first()
            .copied()
            .filter(|&cls| registry.is_stand_in(cls))
    } else {
        None
    };
    if let Some(class) = target_class {
        let obj = heap.new_instance(class)?;
        let args = heap.new_tuple(args.to_vec());
        standin::record(heap, obj, partial, Construction::Call { args })?;
        return Ok(obj);
    }
    let kwargs = if pairs.is_empty() {
        None
    } else {
        Some(heap.new_dict_from(pairs)?)
    };
    call(heap, registry, func, &positional, kwargs)
}
