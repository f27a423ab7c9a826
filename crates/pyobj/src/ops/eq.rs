//! Python's `==` across kinds.

use crate::{Heap, Obj, Result};

impl Heap {
    /// Python's `a == b`.
    pub fn eq(&self, a: Obj, b: Obj) -> Result<bool> {
        Ok(a == b)
    }
}
