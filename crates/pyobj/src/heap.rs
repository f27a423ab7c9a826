//! `Heap`: owns every object, hands out handles, and holds the singletons.

use slotmap::SlotMap;

use crate::atoms::Atoms;
use crate::chunks::Chunks;
use crate::gc::Roots;
use crate::handle::SlotKey;
use crate::kept_slots;
use crate::kinds::class::BuiltinClasses;
use crate::ops::hash::HashSecret;
use crate::{Error, Int, Kind, Obj, Object, Result};

/// Slots reserved by a new heap (128 KiB of address space).
const INITIAL_SLOTS: usize = 4096;

/// Interned names a new heap has room for before its table grows.
const INITIAL_INTERNED: usize = 64;

/// How the heap computes `hash()` of `str` and `bytes`.
///
/// CPython hashes them with SipHash-1-3 under a per-process secret. A random
/// secret (the default) makes hash-flooding attacks on dicts built from
/// untrusted data impractical; a fixed seed reproduces CPython's hashes run
/// with the same `PYTHONHASHSEED`, which tests use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum HashSeed {
    /// A fresh random secret per heap, like CPython without `PYTHONHASHSEED`.
    #[default]
    Random,
    /// The secret CPython derives from `PYTHONHASHSEED=n` (`0` means the all-zero key).
    Fixed(u32),
}

/// Settings for a [`Heap`], all with safe defaults.
///
/// | setting | default | meaning |
/// |---|---|---|
/// | `recursion_limit` | 1000 | deepest container nesting that `repr`, `==` and `hash` walk (CPython's default recursion limit) |
/// | `hash_seed` | [`HashSeed::Random`] | the str/bytes hash secret |
/// | `max_repr_bytes` | 64 MiB | the longest text one `repr` writes |
#[derive(Clone, Debug)]
pub struct HeapConfig {
    /// The deepest nesting of containers that `repr`, `==` and `hash` walk
    /// before they fail with [`ErrorKind::Recursion`](crate::ErrorKind::Recursion).
    pub recursion_limit: usize,
    /// The secret for `hash()` of `str` and `bytes`.
    pub hash_seed: HashSeed,
    /// The most text one [`Heap::repr`] writes before failing with
    /// [`ErrorKind::Memory`](crate::ErrorKind::Memory). A value that shares
    /// one object many times at many levels (a "reference bomb", a few
    /// hundred bytes of pickle) has an exponentially long repr, in Python as
    /// here; the limit turns that into an error instead of a hang.
    pub max_repr_bytes: usize,
}

impl Default for HeapConfig {
    fn default() -> Self {
        HeapConfig {
            recursion_limit: 1000,
            hash_seed: HashSeed::Random,
            max_repr_bytes: 64 << 20,
        }
    }
}

impl HeapConfig {
    /// The defaults listed on [`HeapConfig`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the deepest nesting that `repr`, `==` and `hash` walk.
    pub fn recursion_limit(mut self, limit: usize) -> Self {
        self.recursion_limit = limit;
        self
    }

    /// Sets the longest text one `repr` may write.
    pub fn max_repr_bytes(mut self, limit: usize) -> Self {
        self.max_repr_bytes = limit;
        self
    }

    /// Sets the str/bytes hash secret.
    pub fn hash_seed(mut self, seed: HashSeed) -> Self {
        self.hash_seed = seed;
        self
    }
}

/// The owner of every object.
///
/// Objects live in a slot map and are named by [`Obj`] handles. The heap is
/// the context of every operation: reads take `&Heap`, changes `&mut Heap`, and
/// nothing is global, so the borrow checker shows what mutates.
///
/// Memory is reclaimed by [`Heap::collect`], a tracing collection from the
/// roots the embedder holds ([`Heap::root`]) and the heap's own singletons.
/// A dropped heap leaves its emptied slot storage (up to 4 MiB) to the next
/// heap made on the same thread, so a heap made per message starts with
/// storage that is already in the caches (and the dropped heap's handles
/// are stale in the heap that takes it over). Handles are only ever
/// meaningful on the heap that made them.
///
/// ```
/// use pyobj::Heap;
/// let mut heap = Heap::new();
/// let one = heap.new_int(1);
/// let list = heap.new_list(vec![one, one]);
/// assert_eq!(heap.repr(list)?, "[1, 1]");
/// # Ok::<(), pyobj::Error>(())
/// ```
pub struct Heap {
    pub(crate) objects: SlotMap<SlotKey, Object>,
    pub(crate) none: Obj,
    pub(crate) true_: Obj,
    pub(crate) false_: Obj,
    /// `()`: CPython has exactly one empty tuple, and pickles rely on it.
    pub(crate) empty_tuple: Obj,
    pub(crate) builtins: BuiltinClasses,
    pub(crate) roots: Roots,
    pub(crate) interned: hashbrown::HashMap<Box<str>, Obj, rustc_hash::FxBuildHasher>,
    pub(crate) config: HeapConfig,
    pub(crate) hash_secret: HashSecret,
    /// Where medium-sized strs keep their text.
    pub(crate) chunks: Chunks,
    /// The strs and bytes CPython keeps one object for (`atoms.rs`).
    pub(crate) atoms: Atoms,
}

impl std::fmt::Debug for Heap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Heap")
            .field("live", &self.objects.len())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Drop for Heap {
    fn drop(&mut self) {
        kept_slots::keep(std::mem::take(&mut self.objects));
    }
}

impl Default for Heap {
    fn default() -> Self {
        Heap::new()
    }
}

impl Heap {
    /// A heap with the default [`HeapConfig`].
    pub fn new() -> Heap {
        Heap::with_config(HeapConfig::default())
    }

    /// A heap with the given settings.
    pub fn with_config(config: HeapConfig) -> Heap {
        // Room for the first few thousand objects from the start: a fresh heap
        // already holds its singletons and built-in classes, and growing the
        // slot storage by doubling from there costs five reallocations before
        // the first small pickle is loaded. Reserved, not touched: the pages
        // are faulted in as slots are used.
        // The slot storage of the thread's last dropped heap, if it kept
        // one (see `kept_slots`).
        let mut objects =
            kept_slots::take().unwrap_or_else(|| SlotMap::with_capacity_and_key(INITIAL_SLOTS));
        let none = objects.insert(Object::None).into();
        let true_ = objects.insert(Object::Bool(true)).into();
        let false_ = objects.insert(Object::Bool(false)).into();
        let empty_tuple = objects.insert(Object::Tuple(Box::new([]))).into();
        let hash_secret = HashSecret::new(config.hash_seed);
        let mut heap = Heap {
            objects,
            none,
            true_,
            false_,
            empty_tuple,
            builtins: BuiltinClasses::placeholder(),
            roots: Roots::default(),
            // Room for the built-in classes' names and the registry's, so
            // a new heap does not grow the table step by step.
            interned: hashbrown::HashMap::with_capacity_and_hasher(
                INITIAL_INTERNED,
                Default::default(),
            ),
            config,
            hash_secret,
            chunks: Chunks::default(),
            atoms: Atoms::default(),
        };
        heap.builtins = BuiltinClasses::create(&mut heap);
        heap
    }

    /// Makes room for `additional` more objects, so that making them does
    /// not grow the slot storage step by step (each step copies every slot;
    /// loading 20,000 strs into a fresh heap spent 15% of its instructions
    /// there). Room is reserved, not touched: its pages are faulted in as
    /// slots are used. Only a hint: if the room cannot be had, the storage
    /// grows as needed later.
    ///
    /// ```
    /// use pyobj::Heap;
    /// let mut heap = Heap::new();
    /// heap.reserve(100_000);
    /// let items: Vec<_> = (0..100_000).map(|i| heap.new_str(&i.to_string())).collect();
    /// assert_eq!(heap.as_str(items[99_999])?, "99999");
    /// # Ok::<(), pyobj::Error>(())
    /// ```
    pub fn reserve(&mut self, additional: usize) {
        // A failed reservation changes nothing; the hint is dropped.
        let _ = self.objects.try_reserve(additional);
    }

    /// The settings this heap was made with.
    pub fn config(&self) -> &HeapConfig {
        &self.config
    }

    /// Puts `object` on the heap and returns its handle.
    ///
    /// Most code uses the typed constructors (`new_int`, `new_list`, ...), which
    /// also share the singletons; this is the general form.
    pub fn alloc(&mut self, object: Object) -> Obj {
        match object {
            Object::Int(Int::Small(value)) => self.new_int(value),
            Object::Str(value) => self.new_str_from(value),
            Object::Bytes(value) if value.is_empty() => self.empty_bytes(),
            object => self.insert(object),
        }
    }

    /// Puts `object` in a new slot: the one place slots are filled, for
    /// objects that are not immediate ints.
    #[inline]
    pub(crate) fn insert(&mut self, object: Object) -> Obj {
        self.objects.insert(object).into()
    }

    /// The object behind `obj`, or an [`ErrorKind::StaleHandle`](crate::ErrorKind::StaleHandle)
    /// error if it has been collected.
    ///
    /// The result dereferences to the [`Object`]; for an int carried in the
    /// handle it is an `Object::Int` made on the spot.
    ///
    /// ```
    /// use pyobj::{Heap, Int, Object};
    /// let mut heap = Heap::new();
    /// let seven = heap.new_int(7);
    /// assert!(matches!(&*heap.get(seven)?, Object::Int(Int::Small(7))));
    /// # Ok::<(), pyobj::Error>(())
    /// ```
    #[inline]
    pub fn get(&self, obj: Obj) -> Result<ObjRef<'_>> {
        Ok(ObjRef(match self.slot_object(obj)? {
            Some(object) => Place::Slot(object),
            None => Place::Immediate(std::mem::ManuallyDrop::new(Object::Int(Int::Small(
                obj.as_immediate_int().unwrap_or_default(),
            )))),
        }))
    }

    /// The object in `obj`'s slot, or `Ok(None)` for an int carried in the
    /// handle (read it with [`Obj::as_immediate_int`]); a stale handle is an
    /// error.
    ///
    /// For hot loops that deal with machine-sized ints first: unlike
    /// [`Heap::get`], it never builds an `Object` for an int, so a borrow
    /// of the result stays a plain pointer.
    ///
    /// ```
    /// use pyobj::{Heap, Object};
    /// let mut heap = Heap::new();
    /// let (n, s) = (heap.new_int(5), heap.new_str("five"));
    /// assert!(heap.slot_object(n)?.is_none());
    /// assert!(matches!(heap.slot_object(s)?, Some(Object::Str(_))));
    /// # Ok::<(), pyobj::Error>(())
    /// ```
    #[inline]
    pub fn slot_object(&self, obj: Obj) -> Result<Option<&Object>> {
        match obj.slot_key() {
            Some(key) => match self.objects.get(key) {
                Some(object) => Ok(Some(object)),
                None => Err(Error::stale()),
            },
            None => Ok(None),
        }
    }

    /// The object in `obj`'s slot: `None` for a collected handle or an int
    /// carried in the handle (which has no slot).
    #[inline]
    pub(crate) fn slot(&self, obj: Obj) -> Option<&Object> {
        self.objects.get(obj.slot_key()?)
    }

    /// For readers that must hand out borrows of the heap (accessors of
    /// kinds other than int, walks that keep references): the object in
    /// `obj`'s slot, or for an int carried in the handle a stand-in `int`
    /// whose kind is right but whose value is 0. Only for code that reads
    /// nothing of an int but its kind, or has dealt with immediates first.
    #[inline]
    pub(crate) fn slot_or_int_kind(&self, obj: Obj) -> Result<&Object> {
        const INT_KIND: &Object = &Object::Int(Int::Small(0));
        Ok(self.slot_object(obj)?.unwrap_or(INT_KIND))
    }

    /// Frees `obj`'s slot at once (for an object that failed to finish
    /// construction, before any handle to it escaped).
    pub(crate) fn remove(&mut self, obj: Obj) {
        if let Some(key) = obj.slot_key() {
            self.objects.remove(key);
        }
    }

    /// The object behind `obj`, mutably. An int carried in the handle is
    /// immutable, as every int is, and gives a type error.
    #[inline]
    pub fn get_mut(&mut self, obj: Obj) -> Result<&mut Object> {
        self.slot_mut(obj)?
            .ok_or_else(|| Error::type_error("'int' object is immutable"))
    }

    /// [`Heap::get_mut`] for the typed accessors: an int carried in its
    /// handle gets the accessor's own "expected {expected}, got 'int'".
    #[inline]
    pub(crate) fn get_mut_expecting(&mut self, obj: Obj, expected: &str) -> Result<&mut Object> {
        self.slot_mut(obj)?
            .ok_or_else(|| Error::type_error(format!("expected {expected}, got 'int'")))
    }

    /// [`Heap::slot_object`], mutably.
    #[inline]
    fn slot_mut(&mut self, obj: Obj) -> Result<Option<&mut Object>> {
        match obj.slot_key() {
            Some(key) => match self.objects.get_mut(key) {
                Some(object) => Ok(Some(object)),
                None => Err(Error::stale()),
            },
            None => Ok(None),
        }
    }

    /// Whether `obj` still names a live object on this heap (always true for
    /// an int carried in the handle).
    pub fn contains(&self, obj: Obj) -> bool {
        match obj.slot_key() {
            Some(key) => self.objects.contains_key(key),
            None => true,
        }
    }

    /// How many heap slots are live, singletons and built-in classes
    /// included (ints carried in handles take no slot).
    pub fn live_count(&self) -> usize {
        self.objects.len()
    }

    /// The kind of `obj`.
    #[inline]
    pub fn kind(&self, obj: Obj) -> Result<Kind> {
        Ok(self.slot_object(obj)?.map_or(Kind::Int, Object::kind))
    }

    /// The `None` singleton.
    #[inline]
    pub fn none(&self) -> Obj {
        self.none
    }

    /// The `True` or `False` singleton.
    #[inline]
    pub fn bool(&self, value: bool) -> Obj {
        if value {
            self.true_
        } else {
            self.false_
        }
    }

    /// Python's `is`: whether two handles name the same object.
    #[inline]
    pub fn is(&self, a: Obj, b: Obj) -> bool {
        a == b
    }

    /// Python's `type(obj).__name__`: the class's qualified name for instances.
    pub fn type_name(&self, obj: Obj) -> Result<String> {
        let class = self.type_of(obj)?;
        Ok(self.as_class(class)?.qualname_str(self)?.to_string())
    }
}

/// An object read from a [`Heap`]: dereferences to the [`Object`].
///
/// Most handles name a slot, and then this is a borrow of it; an int carried
/// in the handle has no slot, and then this holds an `Object::Int` made for
/// the read. Match on `&*heap.get(obj)?`.
#[derive(Debug)]
pub struct ObjRef<'h>(Place<'h>);

#[derive(Debug)]
enum Place<'h> {
    Slot(&'h Object),
    /// `ManuallyDrop` so that `ObjRef` has no drop glue: an `Object::Int`
    /// of a machine word owns nothing, and without glue a read's borrow of
    /// the heap ends at its last use, as a plain `&Object`'s does.
    Immediate(std::mem::ManuallyDrop<Object>),
}

impl<'h> ObjRef<'h> {
    /// The object as a borrow of the heap, outliving this value: `None` for
    /// an int carried in the handle.
    #[inline]
    pub fn in_slot(&self) -> Option<&'h Object> {
        match self.0 {
            Place::Slot(object) => Some(object),
            Place::Immediate(_) => None,
        }
    }
}

impl std::ops::Deref for ObjRef<'_> {
    type Target = Object;

    #[inline]
    fn deref(&self) -> &Object {
        match &self.0 {
            Place::Slot(object) => object,
            Place::Immediate(object) => object,
        }
    }
}
