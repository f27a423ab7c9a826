//! `Registry`: the copyreg of a heap — named globals, the safe-callable set,
//! the dispatch table and extension codes.

use std::sync::Arc;

use pyobj::{Heap, Kind, NativeFn, Obj, Rooted};
use rustc_hash::FxBuildHasher;

use crate::builtins::Builtins;
use crate::extension::Extensions;
use crate::names::{Name, NameRef};
use crate::Result;

/// A reduce function for a dispatch table: takes the object, returns a reduce
/// value object (a `str` or a tuple, validated by [`Reduced::from_object`](crate::Reduced::from_object)).
pub type ReduceFn = Arc<dyn Fn(&mut Heap, Obj) -> pyobj::Result<Obj> + Send + Sync>;

/// A dispatch table: exact class → reduce function (subclasses are not matched,
/// as in CPython).
pub type DispatchTable = hashbrown::HashMap<Obj, ReduceFn, FxBuildHasher>;

/// The registry of one heap: what a pickle may name, and how to reduce types.
///
/// Every object it holds is rooted, so registered classes and functions
/// survive [`Heap::collect`]. The strict unpickler resolves globals here and
/// nowhere else: a name that is not registered cannot be loaded, and a
/// function registered without a Rust implementation cannot be called.
///
/// `Registry::new` registers the built-in classes (`builtins.list`, ...),
/// the functions CPython's own pickler writes (`copyreg._reconstructor`,
/// `copyreg.__newobj__`, `copyreg.__newobj_ex__`, `_codecs.encode`), and the
/// standard-library types of [`crate::stdlib`] (datetime, Decimal,
/// OrderedDict, ...), all implemented in Rust.
///
/// ```
/// use pyobj::{ClassSpec, Heap, Kind};
/// use reduce::Registry;
/// let mut heap = Heap::new();
/// let mut registry = Registry::new(&mut heap);
/// assert_eq!(registry.lookup("builtins", "set"), Some(heap.builtin_class(Kind::Set)));
/// let point = heap.new_class(ClassSpec::new("geometry", "Point"))?;
/// registry.register_class(&mut heap, point)?;
/// assert_eq!(registry.lookup("geometry", "Point"), Some(point));
/// assert_eq!(registry.name_of(point), Some(("geometry", "Point")));
/// # Ok::<(), reduce::Error>(())
/// ```
pub struct Registry {
    globals: hashbrown::HashMap<Name, Rooted, FxBuildHasher>,
    names: hashbrown::HashMap<Obj, Name, FxBuildHasher>,
    dispatch: DispatchTable,
    stand_ins: hashbrown::HashSet<Obj, FxBuildHasher>,
    extensions: Extensions,
    pub(crate) builtins: Builtins,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("globals", &self.globals.len())
            .field("dispatch", &self.dispatch.len())
            .finish_non_exhaustive()
    }
}

impl Registry {
    /// A registry with the built-in classes and the functions CPython's
    /// pickler refers to already registered.
    pub fn new(heap: &mut Heap) -> Registry {
        let builtins = Builtins::create(heap);
        let mut registry = Registry {
            globals: Default::default(),
            names: Default::default(),
            dispatch: Default::default(),
            stand_ins: Default::default(),
            extensions: Extensions::default(),
            builtins,
        };
        for kind in [
            Kind::Int,
            Kind::Bool,
            Kind::Float,
            Kind::Complex,
            Kind::Str,
            Kind::Bytes,
            Kind::ByteArray,
            Kind::Tuple,
            Kind::List,
            Kind::Dict,
            Kind::Set,
            Kind::FrozenSet,
        ] {
            let class = heap.builtin_class(kind);
            registry.insert(heap, "builtins", kind.type_name(), class);
        }
        let object = heap.object_class();
        registry.insert(heap, "builtins", "object", object);
        let picklebuffer = heap.builtin_class(Kind::PickleBuffer);
        registry.insert(heap, "pickle", "PickleBuffer", picklebuffer);
        for (module, name, obj) in registry.builtins.named() {
            registry.insert(heap, module, name, obj);
        }
        // Classes built from ClassSpecs the crate itself writes; an error here
        // would be a bug in this crate, not in any input.
        match crate::partial::create_class(heap) {
            Ok(partial) => registry.insert(heap, "functools", "partial", partial),
            Err(e) => debug_assert!(false, "creating functools.partial failed: {e}"),
        }
        if let Err(e) = crate::stdlib::register_all(heap, &mut registry) {
            debug_assert!(false, "registering the standard library failed: {e}");
        }
        registry
    }

    fn insert(&mut self, heap: &mut Heap, module: &str, qualname: &str, obj: Obj) {
        let name: Name = (module.into(), qualname.into());
        self.names.entry(obj).or_insert_with(|| name.clone());
        let rooted = heap.root(obj);
        self.globals.insert(name, rooted);
    }

    /// The object registered as `module.qualname`, if any. Dotted qualnames
    /// (`Outer.Inner`) are looked up whole.
    pub fn lookup(&self, module: &str, qualname: &str) -> Option<Obj> {
        self.globals
            .get(&NameRef(module, qualname))
            .map(Rooted::get)
    }

    /// Registers `obj` under `module.qualname`: the strict unpickler can then
    /// resolve it, and the pickler can write it by name.
    pub fn register_global(
        &mut self,
        heap: &mut Heap,
        module: &str,
        qualname: &str,
        obj: Obj,
    ) -> Result<()> {
        heap.get(obj)?;
        self.insert(heap, module, qualname, obj);
        Ok(())
    }

    /// Registers a class under its own module and qualified name.
    pub fn register_class(&mut self, heap: &mut Heap, class: Obj) -> Result<()> {
        let c = heap.as_class(class)?;
        let (module, qualname) = (c.module(), c.qualname());
        let module = heap.as_str(module)?.to_string();
        let qualname = heap.as_str(qualname)?.to_string();
        self.register_global(heap, &module, &qualname, class)
    }

    /// Makes a function implemented in Rust and registers it as
    /// `module.qualname`, so pickles may name and call it.
    pub fn register_function(
        &mut self,
        heap: &mut Heap,
        module: &str,
        qualname: &str,
        f: NativeFn,
    ) -> Obj {
        let obj = heap.new_function(module, qualname, Some(f));
        self.insert(heap, module, qualname, obj);
        obj
    }

    /// The name `obj` is registered under, if any.
    pub fn name_of(&self, obj: Obj) -> Option<(&str, &str)> {
        self.names.get(&obj).map(|(m, n)| (&**m, &**n))
    }

    /// Records that `class` is an inert stand-in (see [`crate::standin`]).
    pub(crate) fn mark_stand_in(&mut self, class: Obj) {
        self.stand_ins.insert(class);
    }

    /// The `builtins.getattr` this registry gives pickles: how protocols
    /// below 4 name nested classes (`getattr(Outer, 'Inner')`).
    pub fn getattr_function(&self) -> Obj {
        self.builtins.getattr
    }

    /// Whether `obj` is a stand-in made for an unknown global.
    pub fn is_stand_in(&self, obj: Obj) -> bool {
        self.stand_ins.contains(&obj)
    }

    /// The extension code registered for `module.name` (copyreg's `_extension_registry`).
    pub fn extension_code(&self, module: &str, name: &str) -> Option<u32> {
        self.extensions.code(module, name)
    }

    /// The `(module, name)` registered for an extension code (copyreg's `_inverted_registry`).
    pub fn extension(&self, code: u32) -> Option<(&str, &str)> {
        self.extensions.name(code)
    }

    /// copyreg's `add_extension(module, name, code)`, with its validation.
    pub fn add_extension(&mut self, module: &str, name: &str, code: i64) -> Result<()> {
        self.extensions.add(module, name, code)
    }

    /// copyreg's `remove_extension(module, name, code)`, with its validation.
    pub fn remove_extension(&mut self, module: &str, name: &str, code: i64) -> Result<()> {
        self.extensions.remove(module, name, code)
    }

    /// The heap-wide dispatch table (copyreg's `dispatch_table`).
    pub fn dispatch_table(&self) -> Option<&DispatchTable> {
        Some(&self.dispatch)
    }

    /// copyreg's `pickle(class, reduce_function)`: reduce instances of exactly
    /// `class` with `f`.
    pub fn set_dispatch(&mut self, class: Obj, f: ReduceFn) {
        self.dispatch.insert(class, f);
    }
}
