//! Named globals: functions and other objects known by module and qualified name,
//! optionally implemented in Rust.

use crate::hooks::NativeFn;
use crate::{Error, Heap, Obj, Object, Result};

/// The payload of a named global (a function, or any object that pickles by name).
#[derive(Clone)]
pub struct Function {
    pub(crate) module: Obj,
    pub(crate) qualname: Obj,
    pub(crate) native: Option<NativeFn>,
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Function")
            .field("module", &self.module)
            .field("qualname", &self.qualname)
            .field("native", &self.native.is_some())
            .finish()
    }
}

impl Function {
    /// The module name (a `str` handle).
    pub fn module(&self) -> Obj {
        self.module
    }

    /// The qualified name (a `str` handle).
    pub fn qualname(&self) -> Obj {
        self.qualname
    }

    /// The Rust implementation, if the embedder gave one.
    pub fn native(&self) -> Option<&NativeFn> {
        self.native.as_ref()
    }
}

impl Heap {
    /// A named global `module.qualname`, callable from Rust if `native` is given.
    pub fn new_function(&mut self, module: &str, qualname: &str, native: Option<NativeFn>) -> Obj {
        let module = self.intern(module);
        let qualname = self.intern(qualname);
        self.insert(Object::Function(Box::new(Function {
            module,
            qualname,
            native,
        })))
    }

    /// The payload of a named global.
    pub fn as_function(&self, obj: Obj) -> Result<&Function> {
        match self.slot_or_int_kind(obj)? {
            Object::Function(f) => Ok(f),
            other => Err(Error::type_error(format!(
                "expected function, got '{}'",
                other.type_name()
            ))),
        }
    }
}
