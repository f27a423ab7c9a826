//! Instances of non-built-in classes: class, optional `__dict__`, slot values,
//! the built-in storage of a subclass of a built-in, and an optional Rust payload.

use crate::native::NativePayload;
use crate::{Error, ErrorKind, Heap, Kind, Obj, Object, Result};

/// The payload of an instance.
#[derive(Debug)]
pub struct Instance {
    pub(crate) class: Obj,
    pub(crate) dict: Option<Obj>,
    /// Values in the class's [`slot_layout`](crate::kinds::class::Class::slot_layout) order;
    /// `None` is an unset slot (reading it is an attribute error, as in Python).
    pub(crate) slots: Box<[Option<Obj>]>,
    /// For an instance of a subclass of a built-in (a `list` subclass, say):
    /// the built-in object holding that part of its value.
    pub(crate) base: Option<Obj>,
    pub(crate) native: Option<Box<dyn NativePayload>>,
}

impl Instance {
    /// The class.
    pub fn class(&self) -> Obj {
        self.class
    }

    /// The `__dict__`, if the class gives instances one.
    pub fn dict(&self) -> Option<Obj> {
        self.dict
    }

    /// Slot values in the class's slot layout order.
    pub fn slots(&self) -> &[Option<Obj>] {
        &self.slots
    }

    /// The built-in part of a subclass-of-built-in instance (the list of a
    /// `list` subclass).
    pub fn base(&self) -> Option<Obj> {
        self.base
    }

    /// The Rust payload, if any.
    pub fn native(&self) -> Option<&dyn NativePayload> {
        self.native.as_deref()
    }
}

impl Heap {
    /// `object.__new__(class)`: an instance with an empty `__dict__` (if the
    /// class has one), unset slots, and an empty built-in part for subclasses
    /// of `list`, `dict`, `set`, ... (immutable built-in parts — `int`, `str`,
    /// `tuple` — start as the zero value; see [`Heap::set_instance_base`]).
    pub fn new_instance(&mut self, class: Obj) -> Result<Obj> {
        let c = self.as_class(class)?;
        if c.is_builtin {
            return Err(Error::type_error(format!(
                "object.__new__({}) is not safe, use {}.__new__()",
                self.as_str(c.qualname)?,
                self.as_str(c.qualname)?
            )));
        }
        let (has_dict, slot_count, layout) = (c.has_dict, c.slot_layout.len(), c.layout);
        let dict = has_dict.then(|| self.new_dict());
        let base = match layout {
            Kind::Instance => None,
            kind => Some(self.empty_of_kind(kind)?),
        };
        Ok(self.insert(Object::Instance(Box::new(Instance {
            class,
            dict,
            slots: vec![None; slot_count].into_boxed_slice(),
            base,
            native: None,
        }))))
    }

    fn empty_of_kind(&mut self, kind: Kind) -> Result<Obj> {
        Ok(match kind {
            Kind::Int => self.new_int(0),
            Kind::Float => self.new_float(0.0),
            Kind::Complex => self.new_complex(0.0, 0.0),
            Kind::Str => self.new_str(""),
            Kind::Bytes => self.new_bytes(b""),
            Kind::ByteArray => self.new_bytearray(b""),
            Kind::Tuple => self.new_tuple(Vec::new()),
            Kind::List => self.new_list(Vec::new()),
            Kind::Dict => self.new_dict(),
            Kind::Set => self.new_set([])?,
            Kind::FrozenSet => self.new_frozenset([])?,
            other => {
                return Err(Error::type_error(format!(
                    "cannot subclass '{}'",
                    other.type_name()
                )))
            }
        })
    }

    /// The payload of an instance.
    pub fn as_instance(&self, obj: Obj) -> Result<&Instance> {
        match self.slot_or_int_kind(obj)? {
            Object::Instance(i) => Ok(i),
            other => Err(Error::type_error(format!(
                "expected an instance, got '{}'",
                other.type_name()
            ))),
        }
    }

    fn instance_mut(&mut self, obj: Obj) -> Result<&mut Instance> {
        match self.get_mut_expecting(obj, "an instance")? {
            Object::Instance(i) => Ok(i),
            other => Err(Error::type_error(format!(
                "expected an instance, got '{}'",
                other.type_name()
            ))),
        }
    }

    /// Replaces the built-in part of a subclass-of-built-in instance, as
    /// `int.__new__(MyInt, 5)` would have set it. The value must be of the
    /// class's built-in kind.
    pub fn set_instance_base(&mut self, obj: Obj, value: Obj) -> Result<()> {
        let layout = self.as_class(self.as_instance(obj)?.class)?.layout;
        let kind = self.kind(value)?;
        if layout == Kind::Instance || kind != layout {
            return Err(Error::type_error(format!(
                "instance storage is '{}', not '{}'",
                layout.type_name(),
                kind.type_name()
            )));
        }
        self.instance_mut(obj)?.base = Some(value);
        Ok(())
    }

    /// Attaches a Rust payload to an instance, replacing any previous one.
    pub fn set_native(&mut self, obj: Obj, payload: Box<dyn NativePayload>) -> Result<()> {
        self.instance_mut(obj)?.native = Some(payload);
        Ok(())
    }

    /// The instance's Rust payload as `T`, if it has one of that type.
    pub fn native<T: NativePayload>(&self, obj: Obj) -> Result<Option<&T>> {
        Ok(self
            .as_instance(obj)?
            .native
            .as_deref()
            .and_then(|p| p.downcast_ref::<T>()))
    }

    /// The instance's Rust payload as `T`, mutably.
    pub fn native_mut<T: NativePayload>(&mut self, obj: Obj) -> Result<Option<&mut T>> {
        Ok(self
            .instance_mut(obj)?
            .native
            .as_deref_mut()
            .and_then(|p| p.downcast_mut::<T>()))
    }

    fn slot_index(&self, class: Obj, name: &str) -> Result<Option<usize>> {
        let layout = &self.as_class(class)?.slot_layout;
        for (i, &slot) in layout.iter().enumerate() {
            if self.as_str_obj(slot)?.as_surrogatepass_bytes() == name.as_bytes() {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }

    /// `getattr(obj, name)` without descriptors: a slot, then the instance
    /// `__dict__`, then the class attributes along the MRO. `Ok(None)` when
    /// absent. On a class object, looks along its MRO.
    pub fn getattr(&self, obj: Obj, name: &str) -> Result<Option<Obj>> {
        match &*self.get(obj)? {
            Object::Instance(inst) => {
                if let Some(i) = self.slot_index(inst.class, name)? {
                    if let Some(value) = inst.slots[i] {
                        return Ok(Some(value));
                    }
                }
                if let Some(dict) = inst.dict {
                    if let Some(value) = self.dict_get_str(dict, name)? {
                        return Ok(Some(value));
                    }
                }
                self.class_getattr(inst.class, name)
            }
            Object::Class(_) => self.class_getattr(obj, name),
            _ => {
                let class = self.type_of(obj)?;
                self.class_getattr(class, name)
            }
        }
    }

    /// `setattr(obj, name, value)` on an instance: into the slot of that name
    /// if the class has one, else into `__dict__`; an attribute error if the
    /// instance has neither.
    pub fn setattr(&mut self, obj: Obj, name: &str, value: Obj) -> Result<()> {
        let inst = self.as_instance(obj)?;
        let (class, dict) = (inst.class, inst.dict);
        if let Some(i) = self.slot_index(class, name)? {
            self.instance_mut(obj)?.slots[i] = Some(value);
            return Ok(());
        }
        match dict {
            Some(dict) => {
                let key = self.intern(name);
                self.dict_set(dict, key, value)
            }
            None => Err(Error::new(
                ErrorKind::Attribute,
                format!(
                    "'{}' object has no attribute '{}'",
                    self.type_name(obj)?,
                    name
                ),
            )),
        }
    }

    /// Sets slot `index` (in the class's slot layout) of an instance directly.
    pub fn set_slot(&mut self, obj: Obj, index: usize, value: Option<Obj>) -> Result<()> {
        let inst = self.instance_mut(obj)?;
        let len = inst.slots.len();
        let slot = inst.slots.get_mut(index).ok_or_else(|| {
            Error::new(
                ErrorKind::Index,
                format!("slot index {index} out of range for {len} slots"),
            )
        })?;
        *slot = value;
        Ok(())
    }

    /// The instance's `__dict__`, if it has one.
    pub fn instance_dict(&self, obj: Obj) -> Result<Option<Obj>> {
        Ok(self.as_instance(obj)?.dict)
    }

    /// Replaces the instance's `__dict__` (`obj.__dict__ = d`).
    pub fn set_instance_dict(&mut self, obj: Obj, dict: Obj) -> Result<()> {
        self.as_dict(dict)?;
        let class = self.as_instance(obj)?.class;
        if !self.as_class(class)?.has_dict {
            return Err(Error::new(
                ErrorKind::Attribute,
                format!(
                    "'{}' object has no attribute '__dict__'",
                    self.type_name(obj)?
                ),
            ));
        }
        self.instance_mut(obj)?.dict = Some(dict);
        Ok(())
    }
}
