//! `Heap`: owns every object, hands out handles, and holds the singletons.

use slotmap::SlotMap;

use crate::gc::Roots;
use crate::kinds::class::BuiltinClasses;
use crate::ops::hash::HashSecret;
use crate::{Error, Kind, Obj, Object, Result};

/// CPython caches the ints from -5 to 256; so do we, so that loading a pickle
/// full of small ints does not allocate one slot per int.
pub(crate) const SMALL_INT_MIN: i64 = -5;
pub(crate) const SMALL_INT_MAX: i64 = 256;

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
    pub(crate) objects: SlotMap<Obj, Object>,
    pub(crate) none: Obj,
    pub(crate) true_: Obj,
    pub(crate) false_: Obj,
    /// `()`: CPython has exactly one empty tuple, and pickles rely on it.
    pub(crate) empty_tuple: Obj,
    pub(crate) small_ints: Box<[Obj]>,
    pub(crate) builtins: BuiltinClasses,
    pub(crate) roots: Roots,
    pub(crate) interned: hashbrown::HashMap<Box<str>, Obj, rustc_hash::FxBuildHasher>,
    pub(crate) config: HeapConfig,
    pub(crate) hash_secret: HashSecret,
}

impl std::fmt::Debug for Heap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Heap")
            .field("live", &self.objects.len())
            .field("config", &self.config)
            .finish_non_exhaustive()
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
        let mut objects = SlotMap::with_key();
        let none = objects.insert(Object::None);
        let true_ = objects.insert(Object::Bool(true));
        let false_ = objects.insert(Object::Bool(false));
        let empty_tuple = objects.insert(Object::Tuple(Box::new([])));
        let small_ints = (SMALL_INT_MIN..=SMALL_INT_MAX)
            .map(|i| objects.insert(Object::Int(crate::Int::Small(i))))
            .collect();
        let hash_secret = HashSecret::new(config.hash_seed);
        let mut heap = Heap {
            objects,
            none,
            true_,
            false_,
            empty_tuple,
            small_ints,
            builtins: BuiltinClasses::placeholder(),
            roots: Roots::default(),
            interned: Default::default(),
            config,
            hash_secret,
        };
        heap.builtins = BuiltinClasses::create(&mut heap);
        heap
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
        self.objects.insert(object)
    }

    /// The object behind `obj`, or an [`ErrorKind::StaleHandle`](crate::ErrorKind::StaleHandle)
    /// error if it has been collected.
    #[inline]
    pub fn get(&self, obj: Obj) -> Result<&Object> {
        self.objects.get(obj).ok_or_else(Error::stale)
    }

    /// The object behind `obj`, mutably.
    #[inline]
    pub fn get_mut(&mut self, obj: Obj) -> Result<&mut Object> {
        self.objects.get_mut(obj).ok_or_else(Error::stale)
    }

    /// Whether `obj` still names a live object on this heap.
    pub fn contains(&self, obj: Obj) -> bool {
        self.objects.contains_key(obj)
    }

    /// How many objects are live, singletons and built-in classes included.
    pub fn live_count(&self) -> usize {
        self.objects.len()
    }

    /// The kind of `obj`.
    #[inline]
    pub fn kind(&self, obj: Obj) -> Result<Kind> {
        Ok(self.get(obj)?.kind())
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
