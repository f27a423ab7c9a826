//! `ReduceValue`: what `__reduce_ex__` returns, validated as the C pickler validates it.

use pyobj::{Heap, Obj};

use crate::Result;

/// The result of reducing an object.
#[derive(Clone, Debug)]
pub enum Reduced {
    /// `__reduce__` returned a string: the object is a global, found in its
    /// module under this name (pickled with GLOBAL/STACK_GLOBAL).
    Global(String),
    /// `__reduce__` returned a tuple of 2 to 6 items.
    Value(ReduceValue),
}

/// A reduce tuple `(callable, args, state, listitems, dictitems, state_setter)`.
///
/// Loading means: `obj = callable(*args)`; append each of `listitems`; set each
/// pair of `dictitems`; then apply `state` (through `state_setter(obj, state)`
/// if given, else `__setstate__` or the default BUILD rule).
#[derive(Clone, Debug)]
pub struct ReduceValue {
    /// The callable (a class, a registered function, `copyreg.__newobj__`, ...).
    pub callable: Obj,
    /// The arguments, a `tuple`.
    pub args: Obj,
    /// The state, if any (`None` items of the tuple are absent here).
    pub state: Option<Obj>,
    /// Items to append, if any.
    pub listitems: Option<Vec<Obj>>,
    /// Pairs to set, if any.
    pub dictitems: Option<Vec<(Obj, Obj)>>,
    /// `state_setter(obj, state)`, if given.
    pub state_setter: Option<Obj>,
}

impl Reduced {
    /// Validates an object returned by a `__reduce__`/`__reduce_ex__` hook or a
    /// dispatch-table function, with the C pickler's checks and messages: a
    /// `str`, or a tuple of 2 to 6 items whose second item is a tuple. Items 4
    /// and 5 may be a list or tuple (of items, or of 2-tuples for dictitems),
    /// standing in for Python's iterators.
    pub fn from_object(heap: &Heap, value: Obj) -> Result<Reduced> {
        let _ = (heap, value);
        Err(crate::Error::pickling(
            "Reduced::from_object: not implemented yet",
        ))
    }
}
