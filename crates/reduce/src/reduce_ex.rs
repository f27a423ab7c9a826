//! Object → reduce value: hook precedence and CPython's default `object.__reduce_ex__`.

use pyobj::{Heap, Obj};

use crate::{DispatchTable, Reduced, Registry, Result};

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
    let _ = (heap, registry, obj, protocol, dispatch);
    Err(crate::Error::pickling("reduce: not implemented yet"))
}
