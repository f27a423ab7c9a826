//! `ReduceValue`: what `__reduce_ex__` returns, validated as the C pickler validates it.

use pyobj::{Heap, Obj, Object};

use crate::{Error, Result};

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
        let items = match &*heap.get(value)? {
            Object::Str(s) => return Ok(Reduced::Global(s.to_string_lossy().into_owned())),
            Object::Tuple(items) => items.to_vec(),
            _ => return Err(Error::pickling("__reduce__ must return a string or tuple")),
        };
        if !(2..=6).contains(&items.len()) {
            return Err(Error::pickling(
                "tuple returned by __reduce__ must contain 2 through 6 elements",
            ));
        }
        let none = heap.none();
        let present = |i: usize| items.get(i).copied().filter(|o| *o != none);
        if heap.as_tuple(items[1]).is_err() {
            return Err(Error::pickling(
                "second element of the tuple returned by __reduce__ must be a tuple",
            ));
        }
        let listitems = match present(3) {
            None => None,
            Some(seq) => Some(sequence(heap, seq, "fourth")?),
        };
        let dictitems = match present(4) {
            None => None,
            Some(seq) => {
                let mut pairs = Vec::new();
                for pair in sequence(heap, seq, "fifth")? {
                    match &*heap.get(pair)? {
                        Object::Tuple(kv) if kv.len() == 2 => pairs.push((kv[0], kv[1])),
                        _ => return Err(Error::pickling(
                            "fifth element of the tuple returned by __reduce__ must yield 2-tuples",
                        )),
                    }
                }
                Some(pairs)
            }
        };
        Ok(Reduced::Value(ReduceValue {
            callable: items[0],
            args: items[1],
            state: present(2),
            listitems,
            dictitems,
            state_setter: present(5),
        }))
    }
}

fn sequence(heap: &Heap, obj: Obj, which: &str) -> Result<Vec<Obj>> {
    match &*heap.get(obj)? {
        Object::List(items) => Ok(items.to_vec()),
        Object::Tuple(items) => Ok(items.to_vec()),
        other => Err(Error::pickling(format!(
            "{which} element of the tuple returned by __reduce__ must be an iterator, not {}",
            other.type_name()
        ))),
    }
}
