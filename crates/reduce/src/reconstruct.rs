//! Reduce value → object: the one implementation of calling a constructor and
//! applying state, list items and dict items, shared by unpickling and copying.

use pyobj::{Heap, Hook, Int, Kind, Obj, Object};

use crate::standin::{self, Construction};
use crate::{Error, ErrorKind, ReduceValue, Registry, Result};

/// Bytes a `bytes(n)` / `bytearray(n)` call may ask for: a pickle saying
/// `bytearray(10**12)` gets an error, not an allocation.
const MAX_ZEROED_BYTES: i64 = 1 << 30;

fn type_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Object(pyobj::ErrorKind::Type), message)
}

fn attribute_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Object(pyobj::ErrorKind::Attribute), message)
}

/// The qualified name of a class, for messages.
fn class_name(heap: &Heap, class: Obj) -> String {
    heap.as_class(class)
        .ok()
        .and_then(|c| heap.as_str(c.qualname()).ok())
        .unwrap_or("?")
        .to_string()
}

/// `callable(*args, **kwargs)` for a callable the registry deems safe: a
/// class (its `__new__` then `__init__` hooks, or the built-in constructor), or
/// a function with a Rust implementation. Anything else is an
/// [`ErrorKind::Unsafe`] error naming it.
pub fn call(
    heap: &mut Heap,
    registry: &Registry,
    callable: Obj,
    args: &[Obj],
    kwargs: Option<Obj>,
) -> Result<Obj> {
    if registry.is_stand_in(callable) {
        let args = heap.new_tuple(args.to_vec());
        return standin::instantiate(heap, callable, Construction::Call { args });
    }
    // copyreg.__newobj__/__newobj_ex__ are NEWOBJ/NEWOBJ_EX spelled as
    // calls (what protocols below 2 write): they go through `new_object`
    // so a stand-in class records the construction the same way either
    // spelling made it, and re-pickles to the same bytes every time.
    if callable == registry.builtins.newobj {
        if let Some((&class, rest)) = args.split_first() {
            if registry.is_stand_in(class) {
                return new_object(heap, registry, class, rest, None);
            }
        }
    }
    if callable == registry.builtins.newobj_ex {
        if let [class, positional, kwargs] = args {
            if registry.is_stand_in(*class) {
                let positional = heap.as_tuple(*positional)?.to_vec();
                return new_object(heap, registry, *class, &positional, Some(*kwargs));
            }
        }
    }
    if callable == registry.builtins.getattr {
        // `getattr(cls, '__new__')` is how protocols 2-3 name `cls.__new__`
        // (see `partial`); other attributes come from the heap as stored.
        if let [cls, name] = args {
            if heap.as_class(*cls).is_ok() && heap.as_str(*name).is_ok_and(|n| n == "__new__") {
                return crate::partial::class_new(heap, registry, *cls);
            }
        }
    }
    match &*heap.get(callable)? {
        Object::Class(_) => call_class(heap, callable, args, kwargs),
        Object::Instance(_) if heap.native::<crate::partial::Partial>(callable)?.is_some() => {
            crate::partial::call_partial(heap, registry, callable, args, kwargs)
        }
        Object::Function(f) => match f.native().cloned() {
            Some(native) => Ok(native(heap, args, kwargs)?),
            None => {
                let (module, qualname) = (f.module(), f.qualname());
                Err(Error::new(
                    ErrorKind::Unsafe,
                    format!(
                        "{}.{} has no Rust implementation registered and cannot be called",
                        heap.as_str(module)?,
                        heap.as_str(qualname)?
                    ),
                ))
            }
        },
        other => Err(type_error(format!(
            "'{}' object is not callable",
            other.type_name()
        ))),
    }
}

/// `cls(*args, **kwargs)`: `__new__` then `__init__`.
fn call_class(heap: &mut Heap, class: Obj, args: &[Obj], kwargs: Option<Obj>) -> Result<Obj> {
    let c = heap.as_class(class)?;
    if c.is_builtin() {
        if kwargs.is_some_and(|k| heap.dict_len(k).unwrap_or(0) > 0) {
            return Err(type_error(format!(
                "{}() takes no keyword arguments",
                class_name(heap, class)
            )));
        }
        let layout = c.layout();
        return construct_builtin(heap, layout, args);
    }
    let init = heap.find_hook(class, Hook::Init)?;
    let has_new = heap.find_hook(class, Hook::New)?.is_some();
    if init.is_none()
        && !has_new
        && (!args.is_empty() || kwargs.is_some())
        && heap.as_class(class)?.layout() == Kind::Instance
    {
        return Err(type_error(format!(
            "{}() takes no arguments",
            class_name(heap, class)
        )));
    }
    let obj = new_object_in(heap, class, args, kwargs)?;
    if let Some(init) = init {
        if heap.is_instance(obj, class)? {
            let mut full = Vec::with_capacity(args.len() + 1);
            full.push(obj);
            full.extend_from_slice(args);
            init(heap, &full, kwargs)?;
        }
    }
    Ok(obj)
}

/// `cls.__new__(cls, *args, **kwargs)` (NEWOBJ, NEWOBJ_EX, `copyreg.__newobj__`).
pub fn new_object(
    heap: &mut Heap,
    registry: &Registry,
    class: Obj,
    args: &[Obj],
    kwargs: Option<Obj>,
) -> Result<Obj> {
    if registry.is_stand_in(class) {
        let args = heap.new_tuple(args.to_vec());
        let construction = match kwargs {
            Some(kwargs) => Construction::NewObjEx { args, kwargs },
            None => Construction::NewObj { args },
        };
        return standin::instantiate(heap, class, construction);
    }
    new_object_in(heap, class, args, kwargs)
}

pub(crate) fn new_object_in(
    heap: &mut Heap,
    class: Obj,
    args: &[Obj],
    kwargs: Option<Obj>,
) -> Result<Obj> {
    let c = heap.as_class(class).map_err(|_| {
        type_error(format!(
            "__new__(X): X is not a type object ({})",
            heap.type_name(class).unwrap_or_default()
        ))
    })?;
    if c.is_builtin() {
        let layout = c.layout();
        return construct_builtin(heap, layout, args);
    }
    let layout = c.layout();
    if let Some(new) = heap.find_hook(class, Hook::New)? {
        let mut full = Vec::with_capacity(args.len() + 1);
        full.push(class);
        full.extend_from_slice(args);
        return Ok(new(heap, &full, kwargs)?);
    }
    let obj = heap.new_instance(class)?;
    // A subclass of an immutable built-in gets its value from __new__'s
    // arguments, as int.__new__(MyInt, 5) does.
    if layout != Kind::Instance && !args.is_empty() {
        let value = construct_builtin(heap, layout, args)?;
        heap.set_instance_base(obj, value)?;
    }
    Ok(obj)
}

/// INST and OBJ: CPython's `_instantiate` — `cls.__new__(cls)` when there are
/// no arguments and the class has no `__getinitargs__`, else `cls(*args)`.
pub fn instantiate(heap: &mut Heap, registry: &Registry, class: Obj, args: &[Obj]) -> Result<Obj> {
    if args.is_empty()
        && heap.as_class(class).is_ok()
        && heap.find_hook(class, Hook::GetInitArgs)?.is_none()
    {
        return new_object(heap, registry, class, &[], None);
    }
    call(heap, registry, class, args, None)
}

/// BUILD: applies `state` to `obj` — `__setstate__` if the class has one, else
/// a `(dict_state, slot_state)` pair or a dict into `__dict__` and slots.
pub fn set_state(heap: &mut Heap, registry: &Registry, obj: Obj, state: Obj) -> Result<()> {
    let class = heap.type_of(obj)?;
    if registry.is_stand_in(class) {
        standin::record_mut(heap, obj)?.states.push(state);
        // A dict state, and both halves of a `(dict, slots)` state, are also
        // applied to the instance's dict, so the instance can be inspected
        // (by `pkl show`, or read into a struct); re-pickling uses the record.
        let (first, second) = match &*heap.get(state)? {
            Object::Tuple(items) if items.len() == 2 => (items[0], Some(items[1])),
            _ => (state, None),
        };
        if let Some(dict) = heap.instance_dict(obj)? {
            for part in std::iter::once(first).chain(second) {
                // Keys and values interleaved, set in one batch (the
                // instance dict is sized once instead of growing per key).
                let flat = match &*heap.get(part)? {
                    Object::Dict(d) => d.flat_items(),
                    _ => continue,
                };
                heap.dict_set_pairs(dict, &flat)?;
            }
        }
        return Ok(());
    }
    if let Some(setstate) = heap.find_hook(class, Hook::SetState)? {
        setstate(heap, &[obj, state], None)?;
        return Ok(());
    }
    let (dict_state, slot_state) = match &*heap.get(state)? {
        Object::Tuple(items) if items.len() == 2 => (items[0], Some(items[1])),
        _ => (state, None),
    };
    if dict_state != heap.none() {
        let pairs: Vec<(Obj, Obj)> = match &*heap.get(dict_state)? {
            Object::Dict(d) => d.iter().collect(),
            _ => {
                return Err(Error::new(
                    ErrorKind::Unpickling,
                    "state is not a dictionary",
                ))
            }
        };
        // CPython fetches `obj.__dict__` for any dict state, empty or not,
        // so BUILD with `{}` on an int fails as it does there. Classes and
        // functions have a `__dict__` in Python, though not one BUILD can
        // fill here.
        let dict = heap.instance_dict(obj).ok().flatten();
        let has_dict_attribute =
            dict.is_some() || matches!(heap.kind(obj)?, Kind::Class | Kind::Function);
        if !has_dict_attribute || (dict.is_none() && !pairs.is_empty()) {
            return Err(attribute_error(format!(
                "'{}' object has no attribute '__dict__'",
                heap.type_name(obj)?
            )));
        }
        if let Some(dict) = dict {
            for (key, value) in pairs {
                // CPython interns str keys of instance dicts.
                let key = match heap.as_str(key) {
                    Ok(text) => {
                        let text = text.to_string();
                        heap.intern(&text)
                    }
                    Err(_) => key,
                };
                heap.dict_set(dict, key, value)?;
            }
        }
    }
    if let Some(slots) = slot_state {
        if slots != heap.none() {
            let pairs: Vec<(Obj, Obj)> = match &*heap.get(slots)? {
                Object::Dict(d) => d.iter().collect(),
                _ => {
                    return Err(Error::new(
                        ErrorKind::Unpickling,
                        "slot state is not a dictionary",
                    ))
                }
            };
            for (key, value) in pairs {
                let name = heap.as_str(key)?.to_string();
                heap.setattr(obj, &name, value)?;
            }
        }
    }
    Ok(())
}

/// The built-in part an object stores items in: itself, or the base of a
/// subclass-of-built-in instance.
fn storage(heap: &Heap, obj: Obj, kind: Kind) -> Option<Obj> {
    match &*heap.get(obj).ok()? {
        Object::Instance(inst) => inst.base().filter(|b| heap.kind(*b).ok() == Some(kind)),
        other if other.kind() == kind => Some(obj),
        _ => None,
    }
}

/// APPEND/APPENDS: extends a list or the list part of a list subclass instance.
pub fn append_items(heap: &mut Heap, registry: &Registry, obj: Obj, items: &[Obj]) -> Result<()> {
    if registry.is_stand_in(heap.type_of(obj)?) {
        standin::record_mut(heap, obj)?
            .listitems
            .extend_from_slice(items);
        return Ok(());
    }
    let Some(list) = storage(heap, obj, Kind::List) else {
        return Err(attribute_error(format!(
            "'{}' object has no attribute 'extend'",
            heap.type_name(obj)?
        )));
    };
    heap.list_mut(list)?.extend_from_slice(items);
    Ok(())
}

/// SETITEM/SETITEMS: sets pairs in a dict or the dict part of a dict subclass instance.
pub fn set_items(
    heap: &mut Heap,
    registry: &Registry,
    obj: Obj,
    pairs: &[(Obj, Obj)],
) -> Result<()> {
    if registry.is_stand_in(heap.type_of(obj)?) {
        standin::record_mut(heap, obj)?
            .dictitems
            .extend_from_slice(pairs);
        return Ok(());
    }
    let Some(dict) = storage(heap, obj, Kind::Dict) else {
        return Err(type_error(format!(
            "'{}' object does not support item assignment",
            heap.type_name(obj)?
        )));
    };
    for &(key, value) in pairs {
        heap.dict_set(dict, key, value)?;
    }
    Ok(())
}

/// ADDITEMS: adds items to a set or the set part of a set subclass instance.
pub fn add_items(heap: &mut Heap, registry: &Registry, obj: Obj, items: &[Obj]) -> Result<()> {
    if registry.is_stand_in(heap.type_of(obj)?) {
        // Recorded as appended items; no standard-library pickle adds
        // items to an object of an unknown class.
        standin::record_mut(heap, obj)?
            .listitems
            .extend_from_slice(items);
        return Ok(());
    }
    let Some(set) = storage(heap, obj, Kind::Set) else {
        return Err(attribute_error(format!(
            "'{}' object has no attribute 'add'",
            heap.type_name(obj)?
        )));
    };
    for &item in items {
        heap.set_add(set, item)?;
    }
    Ok(())
}

/// Builds an object from a reduce value: `callable(*args)`, then list items,
/// dict items, and state (through `state_setter(obj, state)` if given).
pub fn reconstruct(heap: &mut Heap, registry: &Registry, value: &ReduceValue) -> Result<Obj> {
    let args = heap.as_tuple(value.args)?.to_vec();
    let obj = call(heap, registry, value.callable, &args, None)?;
    if let Some(items) = &value.listitems {
        append_items(heap, registry, obj, items)?;
    }
    if let Some(pairs) = &value.dictitems {
        set_items(heap, registry, obj, pairs)?;
    }
    if let Some(state) = value.state {
        match value.state_setter {
            Some(setter) => {
                call(heap, registry, setter, &[obj, state], None)?;
            }
            None => set_state(heap, registry, obj, state)?,
        }
    }
    Ok(obj)
}

/// The items of an iterable built-in, as Python's `list(iterable)` sees them.
pub(crate) fn iterate(heap: &mut Heap, obj: Obj) -> Result<Vec<Obj>> {
    let obj = match &*heap.get(obj)? {
        Object::Instance(inst) => inst.base().unwrap_or(obj),
        _ => obj,
    };
    Ok(match &*heap.get(obj)? {
        Object::List(items) => items.to_vec(),
        Object::Tuple(items) => items.to_vec(),
        Object::Set(s) | Object::FrozenSet(s) => s.iter().collect(),
        Object::Dict(d) => d.keys().collect(),
        Object::Bytes(_) | Object::ByteArray(_) => {
            let bytes = heap.as_bytes(obj)?.to_vec();
            bytes.into_iter().map(|b| heap.new_int(b as i64)).collect()
        }
        Object::Str(s) => {
            let points: Vec<u32> = s.code_points().collect();
            let mut out = Vec::with_capacity(points.len());
            for cp in points {
                let ch = pyobj::Str::from_code_points([cp])?;
                out.push(heap.new_str_from(ch));
            }
            out
        }
        other => {
            return Err(type_error(format!(
                "'{}' object is not iterable",
                other.type_name()
            )))
        }
    })
}

fn number(heap: &Heap, obj: Obj) -> Result<f64> {
    Ok(match &*heap.get(obj)? {
        Object::Int(Int::Small(v)) => *v as f64,
        Object::Int(Int::Big(b)) => num_traits::ToPrimitive::to_f64(&**b).unwrap_or(f64::INFINITY),
        Object::Bool(b) => *b as i64 as f64,
        Object::Float(f) => *f,
        other => {
            return Err(type_error(format!(
                "must be real number, not {}",
                other.type_name()
            )))
        }
    })
}

fn bytes_from(heap: &mut Heap, args: &[Obj], what: &str) -> Result<Vec<u8>> {
    match args {
        [] => Ok(Vec::new()),
        [source] => match &*heap.get(*source)? {
            Object::Bytes(b) => Ok(b.to_vec()),
            Object::ByteArray(b) => Ok(b.to_vec()),
            Object::Int(Int::Small(n)) => {
                if *n < 0 {
                    Err(Error::new(
                        ErrorKind::Object(pyobj::ErrorKind::Value),
                        "negative count",
                    ))
                } else if *n > MAX_ZEROED_BYTES {
                    Err(Error::new(
                        ErrorKind::Object(pyobj::ErrorKind::Memory),
                        format!("{what}({n}) is larger than this runtime allows"),
                    ))
                } else {
                    Ok(vec![0; *n as usize])
                }
            }
            Object::Str(_) => Err(type_error("string argument without an encoding")),
            _ => {
                let items = iterate(heap, *source)?;
                items
                    .into_iter()
                    .map(|i| {
                        heap.as_i64(i)
                            .ok()
                            .and_then(|v| u8::try_from(v).ok())
                            .ok_or_else(|| {
                                Error::new(
                                    ErrorKind::Object(pyobj::ErrorKind::Value),
                                    "bytes must be in range(0, 256)",
                                )
                            })
                    })
                    .collect()
            }
        },
        [text, encoding, ..] => {
            let text = heap.as_str_obj(*text)?.clone();
            let encoding = heap
                .as_str(*encoding)?
                .to_ascii_lowercase()
                .replace(['-', '_'], "");
            match encoding.as_str() {
                "latin1" | "iso88591" | "l1" => text
                    .code_points()
                    .map(|cp| {
                        u8::try_from(cp).map_err(|_| {
                            Error::new(
                                ErrorKind::Object(pyobj::ErrorKind::Value),
                                "'latin-1' codec can't encode character",
                            )
                        })
                    })
                    .collect(),
                _ => match text.as_str() {
                    Some(s) if encoding == "utf8" || encoding == "ascii" && s.is_ascii() => {
                        Ok(s.as_bytes().to_vec())
                    }
                    _ => Err(Error::new(
                        ErrorKind::Object(pyobj::ErrorKind::Value),
                        format!("cannot encode with {encoding}"),
                    )),
                },
            }
        }
    }
}

/// A built-in type called like a function: `set(iterable)`, `complex(1, 2)`,
/// `bytearray(b"...")`, and the rest.
pub(crate) fn construct_builtin(heap: &mut Heap, kind: Kind, args: &[Obj]) -> Result<Obj> {
    let too_many = |max: usize| {
        type_error(format!(
            "{}() takes at most {max} argument{} ({} given)",
            kind.type_name(),
            if max == 1 { "" } else { "s" },
            args.len()
        ))
    };
    Ok(match kind {
        Kind::List | Kind::Tuple | Kind::Set | Kind::FrozenSet => {
            let items = match args {
                [] => Vec::new(),
                [source] => iterate(heap, *source)?,
                _ => return Err(too_many(1)),
            };
            match kind {
                Kind::List => heap.new_list(items),
                Kind::Tuple => heap.new_tuple(items),
                Kind::Set => heap.new_set(items)?,
                _ => heap.new_frozenset(items)?,
            }
        }
        Kind::Dict => {
            let dict = heap.new_dict();
            match args {
                [] => {}
                [source] => {
                    let pairs: Vec<(Obj, Obj)> = match &*heap.get(*source)? {
                        Object::Dict(d) => d.iter().collect(),
                        _ => {
                            let mut pairs = Vec::new();
                            for item in iterate(heap, *source)? {
                                match &*heap.get(item)? {
                                    Object::Tuple(kv) if kv.len() == 2 => pairs.push((kv[0], kv[1])),
                                    Object::List(kv) if kv.len() == 2 => pairs.push((kv[0], kv[1])),
                                    _ => {
                                        return Err(type_error(
                                            "cannot convert dictionary update sequence element to a sequence of length 2",
                                        ))
                                    }
                                }
                            }
                            pairs
                        }
                    };
                    for (k, v) in pairs {
                        heap.dict_set(dict, k, v)?;
                    }
                }
                _ => return Err(too_many(1)),
            }
            dict
        }
        Kind::Bytes => {
            let bytes = bytes_from(heap, args, "bytes")?;
            heap.new_bytes_from_vec(bytes)
        }
        Kind::ByteArray => {
            let bytes = bytes_from(heap, args, "bytearray")?;
            heap.new_bytearray_from_vec(bytes)
        }
        Kind::Complex => match args {
            [] => heap.new_complex(0.0, 0.0),
            [re] if heap.kind(*re)? == Kind::Complex => {
                let c = heap.as_complex(*re)?;
                heap.new_complex(c.re, c.im)
            }
            [re] => {
                let re = number(heap, *re)?;
                heap.new_complex(re, 0.0)
            }
            [re, im] => {
                let (re, im) = (number(heap, *re)?, number(heap, *im)?);
                heap.new_complex(re, im)
            }
            _ => return Err(too_many(2)),
        },
        Kind::Float => match args {
            [] => heap.new_float(0.0),
            [x] => match &*heap.get(*x)? {
                Object::Str(s) => {
                    let text = s.to_string_lossy().trim().to_string();
                    let value: f64 = text.parse().map_err(|_| {
                        Error::new(
                            ErrorKind::Object(pyobj::ErrorKind::Value),
                            format!("could not convert string to float: '{text}'"),
                        )
                    })?;
                    heap.new_float(value)
                }
                _ => {
                    let value = number(heap, *x)?;
                    heap.new_float(value)
                }
            },
            _ => return Err(too_many(1)),
        },
        Kind::Int | Kind::Bool => match args {
            [] => heap.new_int(0),
            [x] => match &*heap.get(*x)? {
                Object::Int(i) => {
                    let i = i.to_bigint();
                    heap.new_bigint(i)
                }
                Object::Bool(b) => heap.new_int(*b as i64),
                Object::Float(f) if f.is_finite() => {
                    let value = num_bigint::BigInt::from(f.trunc() as i128);
                    heap.new_bigint(value)
                }
                Object::Str(s) => {
                    let text = s.to_string_lossy().trim().replace('_', "");
                    let value: num_bigint::BigInt = text.parse().map_err(|_| {
                        Error::new(
                            ErrorKind::Object(pyobj::ErrorKind::Value),
                            format!("invalid literal for int() with base 10: '{text}'"),
                        )
                    })?;
                    heap.new_bigint(value)
                }
                other => {
                    return Err(type_error(format!(
                        "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                        other.type_name()
                    )))
                }
            },
            _ => return Err(too_many(2)),
        },
        Kind::Str => match args {
            [] => heap.new_str(""),
            [x] => match &*heap.get(*x)? {
                Object::Str(s) => {
                    let s = s.clone();
                    heap.new_str_from(s)
                }
                _ => {
                    let text = heap.repr(*x)?;
                    heap.new_str(&text)
                }
            },
            _ => return Err(too_many(3)),
        },
        Kind::PickleBuffer => match args {
            [target] => heap.new_picklebuffer(*target)?,
            _ => {
                return Err(type_error(format!(
                    "PickleBuffer() takes exactly 1 argument ({} given)",
                    args.len()
                )))
            }
        },
        Kind::None | Kind::Class | Kind::Instance | Kind::Function => {
            return Err(type_error(format!(
                "cannot create '{}' instances",
                kind.type_name()
            )))
        }
    })
}
