//! `NativePayload`: how an embedder's Rust value lives inside an instance and
//! tells the collector which handles it holds.

use std::any::Any;
use std::fmt::Debug;

use crate::Obj;

/// A Rust value carried by an instance (see [`Heap::set_native`](crate::Heap::set_native)).
///
/// The collector cannot see inside a Rust value, so a payload that holds
/// handles must report them in [`trace`](NativePayload::trace); forgetting one
/// lets the collector reclaim an object the payload still uses (a later access
/// gives a stale-handle error, never undefined behaviour).
///
/// ```
/// use pyobj::{Heap, NativePayload, Obj};
///
/// #[derive(Debug, Clone)]
/// struct Counter { hits: u64, last_key: Option<Obj> }
///
/// impl NativePayload for Counter {
///     fn trace(&self, visit: &mut dyn FnMut(Obj)) {
///         if let Some(key) = self.last_key { visit(key) }
///     }
///     fn clone_payload(&self) -> Option<Box<dyn NativePayload>> {
///         Some(Box::new(self.clone()))
///     }
/// }
/// ```
pub trait NativePayload: Any + Debug + Send {
    /// Calls `visit` with every handle this value holds.
    fn trace(&self, visit: &mut dyn FnMut(Obj)) {
        let _ = visit;
    }

    /// A copy for `copy.copy`/`deepcopy`, or `None` if the value cannot be copied.
    fn clone_payload(&self) -> Option<Box<dyn NativePayload>> {
        None
    }
}

impl dyn NativePayload {
    /// The payload as `T`, if it is one.
    pub fn downcast_ref<T: NativePayload>(&self) -> Option<&T> {
        (self as &dyn Any).downcast_ref()
    }

    /// The payload as `T`, mutably, if it is one.
    pub fn downcast_mut<T: NativePayload>(&mut self) -> Option<&mut T> {
        (self as &mut dyn Any).downcast_mut()
    }
}
