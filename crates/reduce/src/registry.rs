//! `Registry`: the copyreg of a heap — named globals, the dispatch table, the
//! safe-callable set, and extension codes.

use std::sync::Arc;

use pyobj::{Heap, Obj};

use crate::Result;

/// A reduce function for a dispatch table: takes the object, returns a reduce
/// value object (a `str` or a tuple, validated by [`Reduced::from_object`](crate::Reduced::from_object)).
pub type ReduceFn = Arc<dyn Fn(&mut Heap, Obj) -> pyobj::Result<Obj> + Send + Sync>;

/// A dispatch table: exact class → reduce function (subclasses are not matched,
/// as in CPython).
pub type DispatchTable = hashbrown::HashMap<Obj, ReduceFn, rustc_hash::FxBuildHasher>;

/// The registry of one heap. See the crate docs for what is built in.
pub struct Registry {
    _private: (),
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").finish_non_exhaustive()
    }
}

impl Registry {
    /// A registry with everything CPython's pickler itself refers to already
    /// registered (`builtins.set`, `copyreg._reconstructor`, `copyreg.__newobj__`, ...).
    pub fn new(heap: &mut Heap) -> Registry {
        let _ = heap;
        Registry { _private: () }
    }

    /// The object registered as `module.qualname`, if any. Dotted qualnames
    /// (`Outer.Inner`) are looked up as registered, whole.
    pub fn lookup(&self, module: &str, qualname: &str) -> Option<Obj> {
        let _ = (module, qualname);
        None
    }

    /// Registers `obj` under `module.qualname`; it becomes resolvable by the
    /// strict unpickler and safe to call if it is callable.
    pub fn register_global(
        &mut self,
        heap: &mut Heap,
        module: &str,
        qualname: &str,
        obj: Obj,
    ) -> Result<()> {
        let _ = (heap, module, qualname, obj);
        Ok(())
    }

    /// The name `obj` is registered under, if any.
    pub fn name_of(&self, obj: Obj) -> Option<(&str, &str)> {
        let _ = obj;
        None
    }

    /// The extension code registered for `module.name` (copyreg's `_extension_registry`).
    pub fn extension_code(&self, module: &str, name: &str) -> Option<u32> {
        let _ = (module, name);
        None
    }

    /// The `(module, name)` registered for an extension code (copyreg's `_inverted_registry`).
    pub fn extension(&self, code: u32) -> Option<(&str, &str)> {
        let _ = code;
        None
    }

    /// The heap-wide dispatch table (copyreg's `dispatch_table`).
    pub fn dispatch_table(&self) -> Option<&DispatchTable> {
        None
    }
}
