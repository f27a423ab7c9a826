//! `HookTable`: the Rust implementations of special methods an embedder attaches
//! to a class, found through the MRO. The object model stores and finds them;
//! the `reduce` crate gives them meaning.

use std::fmt;
use std::sync::Arc;

use crate::{Heap, Obj, Result};

/// A function implemented in Rust and callable on heap objects.
///
/// It receives the heap, the positional arguments and, if the caller passed
/// keyword arguments, a `dict` of them. For a hook the first positional argument
/// is the object (or the class, for `__new__`), as in Python.
pub type NativeFn = Arc<dyn Fn(&mut Heap, &[Obj], Option<Obj>) -> Result<Obj> + Send + Sync>;

/// Wraps a closure as a [`NativeFn`].
///
/// ```
/// use pyobj::{native_fn, Heap};
/// let double = native_fn(|heap: &mut Heap, args, _kwargs| {
///     let n = heap.as_i64(args[0])?;
///     Ok(heap.new_int(n * 2))
/// });
/// let mut heap = Heap::new();
/// let four = heap.new_int(4);
/// let eight = double(&mut heap, &[four], None)?;
/// assert_eq!(heap.as_i64(eight)?, 8);
/// # Ok::<(), pyobj::Error>(())
/// ```
pub fn native_fn<F>(f: F) -> NativeFn
where
    F: Fn(&mut Heap, &[Obj], Option<Obj>) -> Result<Obj> + Send + Sync + 'static,
{
    Arc::new(f)
}

/// The special methods a class can implement in Rust.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Hook {
    /// `__reduce_ex__(self, protocol)`
    ReduceEx,
    /// `__reduce__(self)`
    Reduce,
    /// `__getstate__(self)`
    GetState,
    /// `__setstate__(self, state)`
    SetState,
    /// `__getnewargs__(self)`
    GetNewArgs,
    /// `__getnewargs_ex__(self)`
    GetNewArgsEx,
    /// `__getinitargs__(self)`
    GetInitArgs,
    /// `__copy__(self)`
    Copy,
    /// `__deepcopy__(self, memo)`
    DeepCopy,
    /// `__new__(cls, *args, **kwargs)`
    New,
    /// `__init__(self, *args, **kwargs)`
    Init,
}

impl Hook {
    /// Every hook, in declaration order.
    pub const ALL: [Hook; 11] = [
        Hook::ReduceEx,
        Hook::Reduce,
        Hook::GetState,
        Hook::SetState,
        Hook::GetNewArgs,
        Hook::GetNewArgsEx,
        Hook::GetInitArgs,
        Hook::Copy,
        Hook::DeepCopy,
        Hook::New,
        Hook::Init,
    ];

    /// The dunder name, as used in Python and in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Hook::ReduceEx => "__reduce_ex__",
            Hook::Reduce => "__reduce__",
            Hook::GetState => "__getstate__",
            Hook::SetState => "__setstate__",
            Hook::GetNewArgs => "__getnewargs__",
            Hook::GetNewArgsEx => "__getnewargs_ex__",
            Hook::GetInitArgs => "__getinitargs__",
            Hook::Copy => "__copy__",
            Hook::DeepCopy => "__deepcopy__",
            Hook::New => "__new__",
            Hook::Init => "__init__",
        }
    }

    /// The hook with this dunder name, if any.
    pub fn from_name(name: &str) -> Option<Hook> {
        Hook::ALL.into_iter().find(|h| h.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The hooks one class defines itself (not inherited ones).
#[derive(Clone, Default)]
pub struct HookTable {
    slots: [Option<NativeFn>; Hook::ALL.len()],
}

impl HookTable {
    /// An empty table.
    pub fn new() -> HookTable {
        HookTable::default()
    }

    /// Sets (or replaces) a hook.
    pub fn set(&mut self, hook: Hook, f: NativeFn) {
        self.slots[hook.index()] = Some(f);
    }

    /// Removes a hook, so lookup continues to the next class in the MRO.
    pub fn remove(&mut self, hook: Hook) {
        self.slots[hook.index()] = None;
    }

    /// The hook this class defines itself, if any.
    pub fn get(&self, hook: Hook) -> Option<&NativeFn> {
        self.slots[hook.index()].as_ref()
    }

    /// Whether no hook is set.
    pub fn is_empty(&self) -> bool {
        self.slots.iter().all(Option::is_none)
    }
}

impl fmt::Debug for HookTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(
                Hook::ALL
                    .iter()
                    .filter(|h| self.get(**h).is_some())
                    .map(|h| h.name()),
            )
            .finish()
    }
}
