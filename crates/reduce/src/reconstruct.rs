//! Reduce value → object: the one implementation of calling a constructor and
//! applying state, list items and dict items, shared by unpickling and copying.

use pyobj::{Heap, Obj};

use crate::{Registry, Result};

/// `callable(*args, **kwargs)` for a callable the registry deems safe: a
/// class (its `__new__` then `__init__` hooks, or the built-in constructor), or
/// a function registered with a Rust implementation. Anything else is an
/// [`ErrorKind::Unsafe`](crate::ErrorKind::Unsafe) error naming it.
pub fn call(
    heap: &mut Heap,
    registry: &Registry,
    callable: Obj,
    args: &[Obj],
    kwargs: Option<Obj>,
) -> Result<Obj> {
    let _ = (heap, registry, callable, args, kwargs);
    Err(crate::Error::pickling("call: not implemented yet"))
}

/// `cls.__new__(cls, *args, **kwargs)` (NEWOBJ, NEWOBJ_EX, `copyreg.__newobj__`).
pub fn new_object(
    heap: &mut Heap,
    registry: &Registry,
    class: Obj,
    args: &[Obj],
    kwargs: Option<Obj>,
) -> Result<Obj> {
    let _ = (heap, registry, class, args, kwargs);
    Err(crate::Error::pickling("new_object: not implemented yet"))
}

/// INST and OBJ: CPython's `_instantiate` — `cls.__new__(cls)` when there are
/// no arguments and the class has no `__getinitargs__`, else `cls(*args)`.
pub fn instantiate(heap: &mut Heap, registry: &Registry, class: Obj, args: &[Obj]) -> Result<Obj> {
    let _ = (heap, registry, class, args);
    Err(crate::Error::pickling("instantiate: not implemented yet"))
}

/// BUILD: applies `state` to `obj` — `__setstate__` if the class has one, else
/// a `(dict_state, slot_state)` pair or a dict into `__dict__` and slots.
pub fn set_state(heap: &mut Heap, registry: &Registry, obj: Obj, state: Obj) -> Result<()> {
    let _ = (heap, registry, obj, state);
    Err(crate::Error::pickling("set_state: not implemented yet"))
}

/// APPEND/APPENDS: extends a list, the list part of a list subclass instance,
/// or calls the object's `extend`/`append`.
pub fn append_items(heap: &mut Heap, registry: &Registry, obj: Obj, items: &[Obj]) -> Result<()> {
    let _ = (heap, registry, obj, items);
    Err(crate::Error::pickling("append_items: not implemented yet"))
}

/// SETITEM/SETITEMS: sets pairs in a dict, the dict part of a dict subclass
/// instance, or through the object's `__setitem__`.
pub fn set_items(
    heap: &mut Heap,
    registry: &Registry,
    obj: Obj,
    pairs: &[(Obj, Obj)],
) -> Result<()> {
    let _ = (heap, registry, obj, pairs);
    Err(crate::Error::pickling("set_items: not implemented yet"))
}

/// ADDITEMS: adds items to a set or the set part of a set subclass instance.
pub fn add_items(heap: &mut Heap, registry: &Registry, obj: Obj, items: &[Obj]) -> Result<()> {
    let _ = (heap, registry, obj, items);
    Err(crate::Error::pickling("add_items: not implemented yet"))
}
