//! Pinned sizes: a handle is 8 bytes (with or without `Option`), and an object
//! is 24 bytes, so a heap slot with its version is 32 bytes.

#[test]
fn handle_and_object_sizes() {
    assert_eq!(std::mem::size_of::<pyobj::Obj>(), 8);
    assert_eq!(std::mem::size_of::<Option<pyobj::Obj>>(), 8);
    assert_eq!(std::mem::size_of::<pyobj::Object>(), 24);
    assert_eq!(std::mem::size_of::<pyobj::Error>(), 8);
    assert_eq!(std::mem::size_of::<pyobj::Result<pyobj::Obj>>(), 16);
}

/// A heap can move to another thread (and is not shared: `&mut Heap` for
/// every change is the only synchronisation there is).
#[test]
fn heap_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<pyobj::Heap>();
    assert_send::<pyobj::Rooted>();
}
