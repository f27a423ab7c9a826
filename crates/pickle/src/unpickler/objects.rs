//! GLOBAL, STACK_GLOBAL, INST, OBJ, REDUCE, BUILD, NEWOBJ(_EX), EXT1/2/4,
//! PERSID/BINPERSID: everything that names or builds objects through `reduce`.

use pyobj::{Heap, Kind, Obj, Object};
use reduce::{reconstruct, Registry};

use super::Unpickler;
use crate::pickler::global_name;
use crate::read::Read;
use crate::resolve::map_name;
use crate::{Error, ErrorKind, Result};

fn unpickling(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Unpickling, message)
}

impl<R: Read> Unpickler<R> {
    /// `find_class`: fix_imports mapping, then the resolver.
    fn find_class(
        &mut self,
        heap: &mut Heap,
        registry: &mut Registry,
        module: &str,
        name: &str,
    ) -> Result<Obj> {
        let (module, name) = map_name(module, name, self.proto, self.options.fix_imports);
        self.resolver.find_class(heap, registry, module, name)
    }

    /// The module and name lines of GLOBAL and INST.
    fn read_global_lines(&mut self) -> Result<(String, String)> {
        let decode = |line: &[u8]| {
            String::from_utf8(line.to_vec()).map_err(|e| {
                Error::new(
                    ErrorKind::Object(pyobj::ErrorKind::Value),
                    format!(
                        "'utf-8' codec can't decode byte {:#04x} in position {}: invalid start byte",
                        line[e.utf8_error().valid_up_to()],
                        e.utf8_error().valid_up_to()
                    ),
                )
            })
        };
        let module = decode(self.read_line()?)?;
        let name = decode(self.read_line()?)?;
        Ok((module, name))
    }

    pub(super) fn load_global(&mut self, heap: &mut Heap, registry: &mut Registry) -> Result<()> {
        let (module, name) = self.read_global_lines()?;
        let obj = self.find_class(heap, registry, &module, &name)?;
        self.push(obj)
    }

    pub(super) fn load_stack_global(
        &mut self,
        heap: &mut Heap,
        registry: &mut Registry,
    ) -> Result<()> {
        let name = self.pop()?;
        let module = self.pop()?;
        let (Ok(Kind::Str), Ok(Kind::Str)) = (heap.kind(module), heap.kind(name)) else {
            return Err(unpickling("STACK_GLOBAL requires str"));
        };
        let (module_obj, name_obj) = (module, name);
        let module = heap.as_str_obj(module)?.to_string_lossy().into_owned();
        let name = heap.as_str_obj(name)?.to_string_lossy().into_owned();
        let obj = self.find_class(heap, registry, &module, &name)?;
        // A stand-in made for this pickle keeps the pickle's own name
        // objects, so re-pickling shares (or does not share) them as it did.
        if registry.is_stand_in(obj) {
            if self.named_stand_ins.insert(obj) {
                let module = self.module_aliases.get(&module_obj).copied();
                heap.set_class_names(obj, module.unwrap_or(module_obj), name_obj)?;
            }
        } else if let Ok((own, _)) = global_name(heap, obj) {
            // A real global keeps its own module name object; stand-ins
            // the pickle named with the same object follow it, before and
            // after this one.
            if own != module_obj && self.module_aliases.insert(module_obj, own).is_none() {
                for &stand_in in &self.named_stand_ins {
                    let (module, qualname) = {
                        let class = heap.as_class(stand_in)?;
                        (class.module(), class.qualname())
                    };
                    if module == module_obj {
                        heap.set_class_names(stand_in, own, qualname)?;
                    }
                }
            }
        }
        self.push(obj)
    }

    pub(super) fn load_inst(&mut self, heap: &mut Heap, registry: &mut Registry) -> Result<()> {
        let args = self.marker()?;
        let (module, name) = self.read_global_lines()?;
        let class = self.find_class(heap, registry, &module, &name)?;
        let obj = reconstruct::instantiate(heap, registry, class, &args)?;
        self.push_new(obj)
    }

    pub(super) fn load_obj(&mut self, heap: &mut Heap, registry: &mut Registry) -> Result<()> {
        let items = self.marker()?;
        let Some((&class, args)) = items.split_first() else {
            return Err(self.underflow());
        };
        let obj = reconstruct::instantiate(heap, registry, class, args)?;
        self.push_new(obj)
    }

    pub(super) fn load_reduce(&mut self, heap: &mut Heap, registry: &mut Registry) -> Result<()> {
        let args = self.pop()?;
        let callable = self.pop()?;
        let args = match &*heap.get(args)? {
            Object::Tuple(items) => items.to_vec(),
            _ => {
                return Err(Error::new(
                    ErrorKind::Object(pyobj::ErrorKind::Type),
                    "argument list must be a tuple",
                ))
            }
        };
        if let Some(nested) = self.nested_global(heap, registry, callable, &args)? {
            return self.push(nested);
        }
        let obj = reconstruct::call(heap, registry, callable, &args, None)?;
        self.push_new(obj)
    }

    /// `getattr(Outer, 'Inner')`, how protocols below 4 name a nested class
    /// or function, when `Outer` (a global) has no such attribute on the
    /// heap: the resolver is asked for `Outer.Inner` as one dotted global,
    /// as it would be for protocol 4's STACK_GLOBAL. So a stand-in `Outer`
    /// gives a stand-in `Outer.Inner` (the same one a dotted name gives,
    /// which is what lets our own protocol 2 output of a stand-in with a
    /// dotted name load again), and the strict resolver accepts exactly the
    /// registered names. `None` for every other call.
    fn nested_global(
        &mut self,
        heap: &mut Heap,
        registry: &mut Registry,
        callable: Obj,
        args: &[Obj],
    ) -> Result<Option<Obj>> {
        let (true, &[owner, name]) = (callable == registry.getattr_function(), args) else {
            return Ok(None);
        };
        let (module, qualname) = match &*heap.get(owner)? {
            Object::Class(c) => (c.module(), c.qualname()),
            Object::Function(f) => (f.module(), f.qualname()),
            _ => return Ok(None),
        };
        let Ok(attribute) = heap.as_str(name) else {
            return Ok(None);
        };
        let attribute = attribute.to_string();
        if attribute == "__new__" || heap.getattr(owner, &attribute)?.is_some() {
            return Ok(None);
        }
        let module = heap.as_str(module)?.to_string();
        let dotted = format!("{}.{attribute}", heap.as_str(qualname)?);
        Ok(Some(
            self.resolver.find_class(heap, registry, &module, &dotted)?,
        ))
    }

    pub(super) fn load_build(&mut self, heap: &mut Heap, registry: &mut Registry) -> Result<()> {
        let state = self.pop()?;
        let target = self.top()?;
        reconstruct::set_state(heap, registry, target, state)?;
        Ok(())
    }

    pub(super) fn load_newobj(&mut self, heap: &mut Heap, registry: &mut Registry) -> Result<()> {
        let args = self.pop()?;
        let class = self.pop()?;
        if heap.kind(class)? != Kind::Class {
            return Err(unpickling(format!(
                "NEWOBJ class argument must be a type, not {}",
                heap.type_name(class)?
            )));
        }
        let args = match &*heap.get(args)? {
            Object::Tuple(items) => items.to_vec(),
            _ => {
                return Err(unpickling(format!(
                    "NEWOBJ args argument must be a tuple, not {}",
                    heap.type_name(args)?
                )))
            }
        };
        let obj = reconstruct::new_object(heap, registry, class, &args, None)?;
        self.push_new(obj)
    }

    pub(super) fn load_newobj_ex(
        &mut self,
        heap: &mut Heap,
        registry: &mut Registry,
    ) -> Result<()> {
        let kwargs = self.pop()?;
        let args = self.pop()?;
        let class = self.pop()?;
        if heap.kind(class)? != Kind::Class {
            return Err(unpickling(format!(
                "NEWOBJ_EX class argument must be a type, not {}",
                heap.type_name(class)?
            )));
        }
        let args = match &*heap.get(args)? {
            Object::Tuple(items) => items.to_vec(),
            _ => {
                return Err(unpickling(format!(
                    "NEWOBJ_EX args argument must be a tuple, not {}",
                    heap.type_name(args)?
                )))
            }
        };
        if heap.kind(kwargs)? != Kind::Dict {
            return Err(unpickling(format!(
                "NEWOBJ_EX kwargs argument must be a dict, not {}",
                heap.type_name(kwargs)?
            )));
        }
        let obj = reconstruct::new_object(heap, registry, class, &args, Some(kwargs))?;
        self.push_new(obj)
    }

    pub(super) fn load_ext(
        &mut self,
        heap: &mut Heap,
        registry: &mut Registry,
        code: i64,
    ) -> Result<()> {
        if code <= 0 {
            return Err(unpickling("EXT specifies code <= 0"));
        }
        let code = code as u32;
        if let Some(&obj) = self.extension_cache.get(&code) {
            return self.push(obj);
        }
        let Some((module, name)) = registry
            .extension(code)
            .map(|(m, n)| (m.to_string(), n.to_string()))
        else {
            return Err(Error::new(
                ErrorKind::Object(pyobj::ErrorKind::Value),
                format!("unregistered extension code {code}"),
            ));
        };
        let obj = self.find_class(heap, registry, &module, &name)?;
        self.extension_cache.insert(code, obj);
        self.push(obj)
    }

    fn persistent(&mut self, heap: &mut Heap, pid: Obj) -> Result<()> {
        let Some(hook) = self.persistent_load.as_mut() else {
            return Err(no_persistent_load());
        };
        let obj = hook(heap, pid)?;
        self.push(obj)
    }

    pub(super) fn load_persid(&mut self, heap: &mut Heap) -> Result<()> {
        if self.persistent_load.is_none() {
            return Err(no_persistent_load());
        }
        let line = self.read_line()?.to_vec();
        if !line.is_ascii() {
            return Err(unpickling(
                "persistent IDs in protocol 0 must be ASCII strings",
            ));
        }
        let pid = heap.new_str(&String::from_utf8_lossy(&line));
        self.persistent(heap, pid)
    }

    pub(super) fn load_binpersid(&mut self, heap: &mut Heap) -> Result<()> {
        if self.persistent_load.is_none() {
            return Err(no_persistent_load());
        }
        let pid = self.pop()?;
        self.persistent(heap, pid)
    }
}

fn no_persistent_load() -> Error {
    unpickling(
        "A load persistent id instruction was encountered,\nbut no persistent_load function was specified.",
    )
}
