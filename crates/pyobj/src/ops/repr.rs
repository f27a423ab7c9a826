//! Python's `repr()`.

use crate::{Heap, Obj, Result};

impl Heap {
    /// Python's `repr(obj)`.
    pub fn repr(&self, obj: Obj) -> Result<String> {
        Ok(format!("{:?}", self.get(obj)?))
    }
}
