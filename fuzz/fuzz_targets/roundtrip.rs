//! Whatever loads must dump, and what we dump must load and dump again to
//! the same bytes: load → dump → load → dump is stable at every protocol.
//! (The first dump may differ from the input: a fuzzed pickle can spell a
//! value in ways no pickler writes.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use pickle::DumpOptions;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&protocol, data)) = data.split_first() else {
        return;
    };
    let protocol = i32::from(protocol % 6);
    let options = DumpOptions::new().protocol(protocol).expect("0..=5 is valid");
    let mut heap = common::heap();
    let mut registry = reduce::Registry::new(&mut heap);
    let Some(obj) = common::load_standins(&mut heap, &mut registry, data) else {
        return;
    };
    // Some loaded values cannot be written (a protocol-5 buffer at protocol
    // 2, an unhashable set member…): an error is fine, a panic is not.
    let Ok(first) = pickle::dumps(&mut heap, &registry, obj, &options) else {
        return;
    };
    let again = common::load_standins(&mut heap, &mut registry, &first)
        .unwrap_or_else(|| panic!("our own pickle does not load: {first:?}"));
    let second = pickle::dumps(&mut heap, &registry, again, &options)
        .unwrap_or_else(|e| panic!("reloaded value does not dump: {e}"));
    assert_eq!(first, second, "dump of a reload differs");
});
