//! Extension codes: copyreg's `add_extension`/`remove_extension` registry.

use hashbrown::HashMap;
use rustc_hash::FxBuildHasher;

use crate::names::{Name, NameRef};
use crate::{Error, ErrorKind, Result};

/// Both directions of copyreg's extension registry.
#[derive(Debug, Default)]
pub(crate) struct Extensions {
    by_name: HashMap<Name, u32, FxBuildHasher>,
    by_code: HashMap<u32, Name, FxBuildHasher>,
}

impl Extensions {
    pub(crate) fn code(&self, module: &str, name: &str) -> Option<u32> {
        self.by_name.get(&NameRef(module, name)).copied()
    }

    pub(crate) fn name(&self, code: u32) -> Option<(&str, &str)> {
        self.by_code.get(&code).map(|(m, n)| (&**m, &**n))
    }

    /// Same checks and messages as copyreg.add_extension.
    pub(crate) fn add(&mut self, module: &str, name: &str, code: i64) -> Result<()> {
        if !(1..=0x7fff_ffff).contains(&code) {
            return Err(value_error("code out of range"));
        }
        let code = code as u32;
        let key: Name = (module.to_owned().into(), name.to_owned().into());
        if self.by_name.get(&key) == Some(&code)
            && self.by_code.get(&code).is_some_and(|k| *k == key)
        {
            return Ok(());
        }
        if let Some(existing) = self.by_name.get(&key) {
            return Err(value_error(format!(
                "key ('{module}', '{name}') is already registered with code {existing}"
            )));
        }
        if let Some((m, n)) = self.by_code.get(&code) {
            return Err(value_error(format!(
                "code {code} is already in use for key ('{m}', '{n}')"
            )));
        }
        self.by_name.insert(key.clone(), code);
        self.by_code.insert(code, key);
        Ok(())
    }

    /// Same checks and messages as copyreg.remove_extension.
    pub(crate) fn remove(&mut self, module: &str, name: &str, code: i64) -> Result<()> {
        let key: Name = (module.to_owned().into(), name.to_owned().into());
        let registered = u32::try_from(code)
            .ok()
            .filter(|c| self.by_name.get(&key) == Some(c) && self.by_code.get(c) == Some(&key));
        let Some(code) = registered else {
            return Err(value_error(format!(
                "key ('{module}', '{name}') is not registered with code {code}"
            )));
        };
        self.by_name.remove(&key);
        self.by_code.remove(&code);
        Ok(())
    }
}

fn value_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Object(pyobj::ErrorKind::Value), message)
}
