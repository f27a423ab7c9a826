//! Class objects: module, qualname, bases and their C3 MRO, attribute dict,
//! `__slots__` layout, and the embedder's Rust hooks.

use crate::hooks::{Hook, HookTable, NativeFn};
use crate::{Error, ErrorKind, Heap, Kind, Obj, Object, Result};

/// The payload of a class object.
#[derive(Debug)]
pub struct Class {
    pub(crate) module: Obj,
    pub(crate) qualname: Obj,
    pub(crate) bases: Vec<Obj>,
    /// The method resolution order, starting with the class itself.
    pub(crate) mro: Vec<Obj>,
    pub(crate) dict: Obj,
    /// Slot names declared by this class itself, as given.
    pub(crate) own_slots: Box<[Obj]>,
    /// Every slot of an instance, base classes' first: the index into
    /// [`Instance`](crate::kinds::instance::Instance) slot values.
    pub(crate) slot_layout: Box<[Obj]>,
    /// Whether instances have a `__dict__`.
    pub(crate) has_dict: bool,
    /// The built-in kind whose storage instances carry (a `list` subclass's
    /// instances hold a list), or `Kind::Instance` for plain classes.
    pub(crate) layout: Kind,
    /// Whether this is the built-in type itself (`builtins.list`), not a subclass.
    pub(crate) is_builtin: bool,
    pub(crate) hooks: HookTable,
    /// The tuple `(class,)`, once [`Heap::class_tuple`] has made it.
    pub(crate) one_tuple: Option<Obj>,
}

impl Class {
    /// The module name (a `str` handle).
    pub fn module(&self) -> Obj {
        self.module
    }

    /// The qualified name (a `str` handle), e.g. `Outer.Inner`.
    pub fn qualname(&self) -> Obj {
        self.qualname
    }

    /// The direct bases, in order.
    pub fn bases(&self) -> &[Obj] {
        &self.bases
    }

    /// The method resolution order, the class itself first.
    pub fn mro(&self) -> &[Obj] {
        &self.mro
    }

    /// The class attribute dict (a `dict` handle).
    pub fn dict(&self) -> Obj {
        self.dict
    }

    /// The slot names this class declares itself (`__slots__`), in order.
    pub fn own_slots(&self) -> &[Obj] {
        &self.own_slots
    }

    /// Every slot an instance has, base classes' slots first.
    pub fn slot_layout(&self) -> &[Obj] {
        &self.slot_layout
    }

    /// Whether instances carry a `__dict__`.
    pub fn has_dict(&self) -> bool {
        self.has_dict
    }

    /// The built-in storage of instances: `Kind::List` for a `list` subclass,
    /// `Kind::Instance` for a plain class.
    pub fn layout(&self) -> Kind {
        self.layout
    }

    /// Whether this is a built-in type such as `builtins.int`.
    pub fn is_builtin(&self) -> bool {
        self.is_builtin
    }

    /// The hooks this class defines itself.
    pub fn hooks(&self) -> &HookTable {
        &self.hooks
    }

    /// The hooks this class defines itself, to change.
    pub fn hooks_mut(&mut self) -> &mut HookTable {
        &mut self.hooks
    }

    pub(crate) fn qualname_str<'h>(&self, heap: &'h Heap) -> Result<&'h str> {
        heap.as_str(self.qualname)
    }
}

/// Everything needed to create a class with [`Heap::new_class`].
///
/// ```
/// use pyobj::{ClassSpec, Heap};
/// let mut heap = Heap::new();
/// let point = heap.new_class(ClassSpec::new("geometry", "Point").slots(["x", "y"]))?;
/// let p = heap.new_instance(point)?;
/// let three = heap.new_int(3);
/// heap.setattr(p, "x", three)?;
/// assert_eq!(heap.getattr(p, "x")?, Some(three));
/// assert!(heap.setattr(p, "z", three).is_err()); // no __dict__ with __slots__
/// # Ok::<(), pyobj::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ClassSpec {
    module: String,
    qualname: String,
    bases: Vec<Obj>,
    slots: Option<Vec<String>>,
    hooks: HookTable,
}

impl ClassSpec {
    /// A class `module.qualname` deriving from `object`, with a `__dict__`.
    pub fn new(module: impl Into<String>, qualname: impl Into<String>) -> ClassSpec {
        ClassSpec {
            module: module.into(),
            qualname: qualname.into(),
            bases: Vec::new(),
            slots: None,
            hooks: HookTable::new(),
        }
    }

    /// The direct bases (classes on the same heap), in order. Empty means `object`.
    pub fn bases(mut self, bases: impl IntoIterator<Item = Obj>) -> ClassSpec {
        self.bases = bases.into_iter().collect();
        self
    }

    /// Declares `__slots__`. Instances then have no `__dict__` unless a base
    /// has one or `"__dict__"` is among the names.
    pub fn slots<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> ClassSpec {
        self.slots = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Attaches a Rust implementation of a special method.
    pub fn hook(mut self, hook: Hook, f: NativeFn) -> ClassSpec {
        self.hooks.set(hook, f);
        self
    }
}

/// The class objects of the built-in types, made once per heap.
#[derive(Debug, Clone)]
pub(crate) struct BuiltinClasses {
    pub(crate) object: Obj,
    by_kind: [Obj; Kind::ALL.len()],
}

impl BuiltinClasses {
    /// Stand-in values used only while the heap builds the real ones.
    pub(crate) fn placeholder() -> BuiltinClasses {
        BuiltinClasses {
            object: Obj::default(),
            by_kind: [Obj::default(); Kind::ALL.len()],
        }
    }

    pub(crate) fn create(heap: &mut Heap) -> BuiltinClasses {
        let object = heap.alloc_builtin_class("builtins", "object", Kind::Instance, &[]);
        let mut by_kind = [object; Kind::ALL.len()];
        for kind in Kind::ALL {
            by_kind[kind as usize] = match kind {
                // Instances report their own class; the slot holds `object`.
                Kind::Instance => object,
                // bool derives from int, as in Python.
                Kind::Bool => continue,
                // The one built-in type that lives outside `builtins`.
                Kind::PickleBuffer => {
                    heap.alloc_builtin_class("pickle", kind.type_name(), kind, &[object])
                }
                _ => heap.alloc_builtin_class("builtins", kind.type_name(), kind, &[object]),
            };
        }
        let int = by_kind[Kind::Int as usize];
        by_kind[Kind::Bool as usize] =
            heap.alloc_builtin_class("builtins", "bool", Kind::Bool, &[int, object]);
        BuiltinClasses { object, by_kind }
    }

    pub(crate) fn all(&self) -> impl Iterator<Item = Obj> + '_ {
        std::iter::once(self.object).chain(self.by_kind.iter().copied())
    }
}

impl Heap {
    fn alloc_builtin_class(
        &mut self,
        module: &str,
        name: &str,
        layout: Kind,
        mro_tail: &[Obj],
    ) -> Obj {
        let module = self.intern(module);
        let qualname = self.intern(name);
        let dict = self.new_dict();
        let class = self.insert(Object::Class(Box::new(Class {
            module,
            qualname,
            bases: mro_tail.first().copied().into_iter().collect(),
            mro: Vec::new(),
            dict,
            own_slots: Box::new([]),
            slot_layout: Box::new([]),
            has_dict: false,
            layout,
            is_builtin: true,
            hooks: HookTable::new(),
            one_tuple: None,
        })));
        let mut mro = Vec::with_capacity(1 + mro_tail.len());
        mro.push(class);
        mro.extend_from_slice(mro_tail);
        if let Ok(Object::Class(c)) = self.get_mut(class) {
            c.mro = mro;
        }
        class
    }

    /// The class object `builtins.object`.
    pub fn object_class(&self) -> Obj {
        self.builtins.object
    }

    /// The class object of a built-in kind (`Kind::List` → `builtins.list`).
    /// `Kind::Instance` gives `object`.
    pub fn builtin_class(&self, kind: Kind) -> Obj {
        self.builtins.by_kind[kind as usize]
    }

    /// Python's `type(obj)`.
    pub fn type_of(&self, obj: Obj) -> Result<Obj> {
        Ok(match &*self.get(obj)? {
            Object::Instance(i) => i.class,
            other => self.builtin_class(other.kind()),
        })
    }

    /// Creates a class.
    ///
    /// # Errors
    /// A type error when a base is not a class, when the bases admit no
    /// consistent C3 MRO, when bases have conflicting built-in layouts, or when
    /// a slot name is not an identifier or repeats.
    pub fn new_class(&mut self, spec: ClassSpec) -> Result<Obj> {
        let ClassSpec {
            module,
            qualname,
            bases,
            slots,
            hooks,
        } = spec;
        let bases = if bases.is_empty() {
            vec![self.builtins.object]
        } else {
            bases
        };
        let mut layout = Kind::Instance;
        let mut has_dict = false;
        let mut slot_layout: Vec<Obj> = Vec::new();
        let mut slotted_base: Option<Obj> = None;
        for &base in &bases {
            let b = self.as_class(base)?;
            let base_layout = b.layout;
            if base_layout != Kind::Instance {
                if layout != Kind::Instance && layout != base_layout {
                    return Err(Error::new(
                        ErrorKind::Class,
                        "multiple bases have instance lay-out conflict",
                    ));
                }
                if matches!(base_layout, Kind::Bool) || (b.is_builtin && !subclassable(base_layout))
                {
                    return Err(Error::new(
                        ErrorKind::Class,
                        format!(
                            "type '{}' is not an acceptable base type",
                            self.as_str(b.qualname)?
                        ),
                    ));
                }
                layout = base_layout;
            }
            has_dict |= b.has_dict;
            if !b.slot_layout.is_empty() {
                let slots = b.slot_layout.to_vec();
                if let Some(previous) = slotted_base {
                    // Two bases each adding slots can't share one instance layout,
                    // unless one already contains the other.
                    if self.is_subclass(base, previous)? {
                        slot_layout = slots;
                        slotted_base = Some(base);
                    } else if !self.is_subclass(previous, base)? {
                        return Err(Error::new(
                            ErrorKind::Class,
                            "multiple bases have instance lay-out conflict",
                        ));
                    }
                } else {
                    slot_layout = slots;
                    slotted_base = Some(base);
                }
            }
        }
        let mut own_slots = Vec::new();
        match slots {
            None => has_dict = true,
            Some(names) => {
                for name in names {
                    if !is_identifier(&name) {
                        return Err(Error::type_error("__slots__ must be identifiers"));
                    }
                    if name == "__dict__" {
                        if has_dict {
                            return Err(Error::type_error(
                                "__dict__ slot disallowed: we already got one",
                            ));
                        }
                        has_dict = true;
                        continue;
                    }
                    if name == "__weakref__" {
                        continue;
                    }
                    let interned = self.intern(&name);
                    if own_slots.contains(&interned) {
                        return Err(Error::value_error(format!(
                            "'{name}' in __slots__ conflicts with class variable"
                        )));
                    }
                    own_slots.push(interned);
                }
            }
        }
        slot_layout.extend_from_slice(&own_slots);
        let module = self.intern(&module);
        let qualname = self.intern(&qualname);
        let dict = self.new_dict();
        let class = self.insert(Object::Class(Box::new(Class {
            module,
            qualname,
            bases: bases.clone(),
            mro: Vec::new(),
            dict,
            own_slots: own_slots.into_boxed_slice(),
            slot_layout: slot_layout.into_boxed_slice(),
            has_dict,
            layout,
            is_builtin: false,
            hooks,
            one_tuple: None,
        })));
        let mro = match self.c3_linearize(class, &bases) {
            Ok(mro) => mro,
            Err(e) => {
                self.remove(class);
                return Err(e);
            }
        };
        if let Ok(Object::Class(c)) = self.get_mut(class) {
            c.mro = mro;
        }
        Ok(class)
    }

    /// C3 linearisation: the class, then the merge of its bases' MROs and the
    /// list of bases, as Python computes `__mro__`.
    fn c3_linearize(&self, class: Obj, bases: &[Obj]) -> Result<Vec<Obj>> {
        // One base (nearly every class): the merge is the class, then the
        // base's MRO, and needs none of the sequences below.
        if let [base] = bases {
            let tail = &self.as_class(*base)?.mro;
            let mut mro = Vec::with_capacity(1 + tail.len());
            mro.push(class);
            mro.extend_from_slice(tail);
            return Ok(mro);
        }
        let mut sequences: Vec<Vec<Obj>> = Vec::with_capacity(bases.len() + 1);
        for &base in bases {
            sequences.push(self.as_class(base)?.mro.clone());
        }
        sequences.push(bases.to_vec());
        let mut result = vec![class];
        loop {
            sequences.retain(|s| !s.is_empty());
            if sequences.is_empty() {
                return Ok(result);
            }
            let candidate = sequences
                .iter()
                .map(|s| s[0])
                .find(|&head| sequences.iter().all(|s| !s[1..].contains(&head)));
            let Some(next) = candidate else {
                // CPython names the heads left unmerged, each once, in order.
                let mut heads: Vec<Obj> = Vec::new();
                for s in &sequences {
                    if !heads.contains(&s[0]) {
                        heads.push(s[0]);
                    }
                }
                let mut names = Vec::new();
                for head in heads {
                    names.push(self.as_str(self.as_class(head)?.qualname)?.to_string());
                }
                return Err(Error::new(
                    ErrorKind::Class,
                    format!(
                        "Cannot create a consistent method resolution\norder (MRO) for bases {}",
                        names.join(", ")
                    ),
                ));
            };
            result.push(next);
            for s in &mut sequences {
                if s[0] == next {
                    s.remove(0);
                }
            }
        }
    }

    /// The payload of a class object.
    pub fn as_class(&self, obj: Obj) -> Result<&Class> {
        match self.slot_or_int_kind(obj)? {
            Object::Class(c) => Ok(c),
            other => Err(Error::type_error(format!(
                "expected a class, got '{}'",
                other.type_name()
            ))),
        }
    }

    /// The tuple `(class,)`, made on first request and kept with the class.
    ///
    /// It is what `object.__reduce_ex__(2)` passes to `copyreg.__newobj__`
    /// for every plain instance; sharing one per class spares an object per
    /// instance per dump. Only for uses that never hand the tuple itself to
    /// a pickler's memo (it would be written once and fetched after).
    ///
    /// ```
    /// use pyobj::{ClassSpec, Heap};
    /// let mut heap = Heap::new();
    /// let class = heap.new_class(ClassSpec::new("m", "C"))?;
    /// let args = heap.class_tuple(class)?;
    /// assert_eq!(heap.as_tuple(args)?, [class]);
    /// assert_eq!(heap.class_tuple(class)?, args);
    /// # Ok::<(), pyobj::Error>(())
    /// ```
    pub fn class_tuple(&mut self, class: Obj) -> Result<Obj> {
        // Traced as part of the class, so alive as long as the class is.
        if let Some(tuple) = self.as_class(class)?.one_tuple {
            return Ok(tuple);
        }
        let tuple = self.new_tuple(vec![class]);
        self.class_mut(class)?.one_tuple = Some(tuple);
        Ok(tuple)
    }

    /// The payload of a class object, to change (for example to attach hooks later).
    pub fn class_mut(&mut self, obj: Obj) -> Result<&mut Class> {
        match self.get_mut_expecting(obj, "a class")? {
            Object::Class(c) => Ok(c),
            other => Err(Error::type_error(format!(
                "expected a class, got '{}'",
                other.type_name()
            ))),
        }
    }

    /// Replaces the `str` objects a class's module and qualified name are
    /// held in (same text or not). Pickles refer to names by identity through
    /// the memo, so a class rebuilt from a pickle keeps that pickle's objects.
    pub fn set_class_names(&mut self, class: Obj, module: Obj, qualname: Obj) -> Result<()> {
        self.as_str_obj(module)?;
        self.as_str_obj(qualname)?;
        let c = self.class_mut(class)?;
        c.module = module;
        c.qualname = qualname;
        Ok(())
    }

    /// Python's `issubclass(class, base)`.
    pub fn is_subclass(&self, class: Obj, base: Obj) -> Result<bool> {
        Ok(self.as_class(class)?.mro.contains(&base))
    }

    /// Python's `isinstance(obj, class)`.
    pub fn is_instance(&self, obj: Obj, class: Obj) -> Result<bool> {
        let ty = self.type_of(obj)?;
        self.is_subclass(ty, class)
    }

    /// The first implementation of `hook` along `class`'s MRO, as Python's
    /// attribute lookup would find it.
    pub fn find_hook(&self, class: Obj, hook: Hook) -> Result<Option<NativeFn>> {
        for &c in &self.as_class(class)?.mro {
            if let Some(f) = self.as_class(c)?.hooks.get(hook) {
                return Ok(Some(f.clone()));
            }
        }
        Ok(None)
    }

    /// A class attribute found along the MRO (`getattr(cls, name)` without
    /// descriptors).
    pub fn class_getattr(&self, class: Obj, name: &str) -> Result<Option<Obj>> {
        for &c in &self.as_class(class)?.mro {
            if let Some(v) = self.dict_get_str(self.as_class(c)?.dict, name)? {
                return Ok(Some(v));
            }
        }
        Ok(None)
    }

    /// Sets a class attribute in the class's own dict.
    pub fn class_setattr(&mut self, class: Obj, name: &str, value: Obj) -> Result<()> {
        let dict = self.as_class(class)?.dict;
        let key = self.intern(name);
        self.dict_set(dict, key, value)
    }
}

/// Built-in types that Python lets a class derive from.
fn subclassable(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Int
            | Kind::Float
            | Kind::Complex
            | Kind::Str
            | Kind::Bytes
            | Kind::ByteArray
            | Kind::Tuple
            | Kind::List
            | Kind::Dict
            | Kind::Set
            | Kind::FrozenSet
            | Kind::Instance
    )
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}
