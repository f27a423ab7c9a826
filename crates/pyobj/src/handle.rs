//! `Obj`, the handle to an object on a [`Heap`](crate::Heap): a `Copy` key whose `==` means `is`.

slotmap::new_key_type! {
    /// A handle to an object on a [`Heap`](crate::Heap).
    ///
    /// Handles are 8-byte `Copy` keys (`Option<Obj>` is 8 bytes too). Comparing two
    /// handles with `==` is Python's `is`: the same object, not equal values. Python's
    /// `==` is [`Heap::eq`](crate::Heap::eq), which can fail and needs the heap.
    ///
    /// A handle whose object has been collected is *stale*: the slot's version no
    /// longer matches, so it never aliases a newer object; using it gives an
    /// [`ErrorKind::StaleHandle`](crate::ErrorKind::StaleHandle) error.
    pub struct Obj;
}

impl Obj {
    /// A stable number for this handle, used where Python shows `id(obj)`
    /// (instance reprs), so output is deterministic from run to run.
    pub fn id(self) -> u64 {
        use slotmap::Key;
        self.data().as_ffi()
    }
}
