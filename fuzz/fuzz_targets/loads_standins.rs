//! Any bytes, loaded with stand-ins for unknown globals: a value or an
//! error, never a panic, hang or runaway allocation. A loaded value is also
//! printed, compared with itself, hashed where hashable, and deep-copied:
//! the operations an embedder runs next on untrusted data.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let mut heap = common::heap();
    let mut registry = reduce::Registry::new(&mut heap);
    if let Some(obj) = common::load_standins(&mut heap, &mut registry, data) {
        let _ = heap.repr(obj);
        let _ = heap.eq(obj, obj);
        let _ = heap.hash(obj);
        let _ = reduce::copy::deepcopy(&mut heap, &registry, obj);
    }
});
