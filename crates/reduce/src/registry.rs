//! `Registry`: the copyreg of a heap — named globals, the safe-callable set,
//! the dispatch table and extension codes.

use std::borrow::Cow;
use std::sync::Arc;

use pyobj::{Heap, Kind, NativeFn, Obj, Rooted};
use rustc_hash::FxBuildHasher;

use crate::builtins::Builtins;
use crate::extension::Extensions;
use crate::names::{Name, NameRef};
use crate::stdlib::{Deferred, DEFERRED};
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
/// `copyreg.__newobj__`, `copyreg.__newobj_ex__`, `_codecs.encode`),
/// `functools.partial`, and the standard-library types of [`crate::stdlib`]
/// (datetime, Decimal, OrderedDict, ...), all implemented in Rust. The
/// standard-library types are made the first time [`Registry::lookup`] (which
/// the unpickler's resolvers call) names them, so a new registry costs
/// little; [`Registry::get`] sees only what is made.
///
/// ```
/// use pyobj::{ClassSpec, Heap, Kind};
/// use reduce::Registry;
/// let mut heap = Heap::new();
/// let mut registry = Registry::new(&mut heap);
/// assert_eq!(registry.get("builtins", "set"), Some(heap.builtin_class(Kind::Set)));
/// let point = heap.new_class(ClassSpec::new("geometry", "Point"))?;
/// registry.register_class(&mut heap, point)?;
/// assert_eq!(registry.get("geometry", "Point"), Some(point));
/// assert_eq!(registry.name_of(point), Some(("geometry", "Point")));
///
/// // Made on first lookup, the same object from then on.
/// assert!(registry.get("decimal", "Decimal").is_none());
/// let decimal = registry.lookup(&mut heap, "decimal", "Decimal").unwrap();
/// assert_eq!(registry.get("decimal", "Decimal"), Some(decimal));
/// assert_eq!(registry.name_of(decimal), Some(("decimal", "Decimal")));
/// # Ok::<(), reduce::Error>(())
/// ```
pub struct Registry {
    globals: hashbrown::HashMap<Name, Global, FxBuildHasher>,
    names: hashbrown::HashMap<Obj, Name, FxBuildHasher>,
    dispatch: DispatchTable,
    stand_ins: hashbrown::HashSet<Obj, FxBuildHasher>,
    extensions: Extensions,
    pub(crate) builtins: Builtins,
}

/// A registered object, and the root that keeps it alive across
/// [`Heap::collect`] — none for the heap's built-in classes, which the heap
/// keeps alive itself (a root is an allocation, and they are most entries).
struct Global {
    obj: Obj,
    _root: Option<Rooted>,
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
        const BUILTIN_KINDS: [Kind; 12] = [
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
        ];
        let builtins = Builtins::create(heap);
        let named = builtins.named();
        // Every entry made here, and room for the deferred ones: growing
        // the maps step by step was a sixth of a new registry's work.
        let capacity = BUILTIN_KINDS.len() + 3 + named.len() + DEFERRED.len();
        let mut registry = Registry {
            globals: hashbrown::HashMap::with_capacity_and_hasher(capacity, FxBuildHasher),
            names: hashbrown::HashMap::with_capacity_and_hasher(capacity, FxBuildHasher),
            dispatch: Default::default(),
            stand_ins: Default::default(),
            extensions: Extensions::default(),
            builtins,
        };
        for kind in BUILTIN_KINDS {
            let class = heap.builtin_class(kind);
            registry.insert("builtins".into(), kind.type_name().into(), class, None);
        }
        let object = heap.object_class();
        registry.insert("builtins".into(), "object".into(), object, None);
        let picklebuffer = heap.builtin_class(Kind::PickleBuffer);
        registry.insert("pickle".into(), "PickleBuffer".into(), picklebuffer, None);
        for (module, name, obj) in named {
            registry.insert_rooted(heap, module.into(), name.into(), obj);
        }
        // A class built from a ClassSpec the crate itself writes; an error
        // here would be a bug in this crate, not in any input.
        match crate::partial::create_class(heap) {
            Ok(partial) => {
                registry.insert_rooted(heap, "functools".into(), "partial".into(), partial)
            }
            Err(e) => debug_assert!(false, "creating functools.partial failed: {e}"),
        }
        registry
    }

    /// Registers `obj`, kept alive by `root` (none only for what the heap
    /// keeps alive itself).
    fn insert(
        &mut self,
        module: Cow<'static, str>,
        qualname: Cow<'static, str>,
        obj: Obj,
        root: Option<Rooted>,
    ) {
        let name: Name = (module, qualname);
        self.names.entry(obj).or_insert_with(|| name.clone());
        self.globals.insert(name, Global { obj, _root: root });
    }

    /// Registers `obj`, rooted so that it survives [`Heap::collect`].
    fn insert_rooted(
        &mut self,
        heap: &mut Heap,
        module: Cow<'static, str>,
        qualname: Cow<'static, str>,
        obj: Obj,
    ) {
        let root = heap.root(obj);
        self.insert(module, qualname, obj, Some(root));
    }

    /// The object registered as `module.qualname`, making it first if it is
    /// one of the standard-library types of [`crate::stdlib`] that has not
    /// been made yet. Dotted qualnames (`Outer.Inner`) are looked up whole.
    /// This is what the unpickler's resolvers call.
    pub fn lookup(&mut self, heap: &mut Heap, module: &str, qualname: &str) -> Option<Obj> {
        if let Some(obj) = self.get(module, qualname) {
            return Some(obj);
        }
        let deferred = deferred(module, qualname)?;
        match self.make_deferred(heap, deferred) {
            Ok(obj) => Some(obj),
            Err(e) => {
                // Classes built from ClassSpecs this crate writes.
                debug_assert!(false, "making {module}.{qualname} failed: {e}");
                None
            }
        }
    }

    /// Makes and registers a standard-library type whose name is not
    /// registered yet (callers check with [`Registry::get`]).
    pub(crate) fn make_deferred(&mut self, heap: &mut Heap, deferred: &Deferred) -> Result<Obj> {
        let obj = (deferred.make)(heap, deferred.module, deferred.name)?;
        self.insert_rooted(heap, deferred.module.into(), deferred.name.into(), obj);
        Ok(obj)
    }

    /// Whether `module.qualname` names a standard-library type that this
    /// registry makes on its first [`Registry::lookup`] and has not made yet:
    /// no object that exists now can be it.
    pub fn is_deferred(&self, module: &str, qualname: &str) -> bool {
        self.get(module, qualname).is_none() && deferred(module, qualname).is_some()
    }

    /// The object registered as `module.qualname`, if any has been made:
    /// unlike [`Registry::lookup`], this does not make a standard-library
    /// type on first use (see [`Registry::is_deferred`]).
    pub fn get(&self, module: &str, qualname: &str) -> Option<Obj> {
        self.globals
            .get(&NameRef(module, qualname))
            .map(|global| global.obj)
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
        let (module, qualname) = (module.to_owned(), qualname.to_owned());
        self.insert_rooted(heap, module.into(), qualname.into(), obj);
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
        let (module, qualname) = (module.to_owned(), qualname.to_owned());
        self.insert_rooted(heap, module.into(), qualname.into(), obj);
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

/// The standard-library type named `module.qualname`, if it is one.
fn deferred(module: &str, qualname: &str) -> Option<&'static Deferred> {
    DEFERRED
        .iter()
        .find(|d| d.module == module && d.name == qualname)
}
