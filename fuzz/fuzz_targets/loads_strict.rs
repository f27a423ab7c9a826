//! Any bytes, loaded with the strict resolver (only registered names): a
//! value or an error, never a panic, hang or runaway allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let mut heap = common::heap();
    let mut registry = reduce::Registry::new(&mut heap);
    if let Ok(obj) = pickle::loads(&mut heap, &mut registry, data, &common::options()) {
        let _ = heap.repr(obj);
    }
});
