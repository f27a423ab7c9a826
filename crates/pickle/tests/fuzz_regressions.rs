//! Inputs the fuzzers in `fuzz/` found, replayed exactly as their target
//! runs them. Each file is named `<target>-<what it found>`; the fix is
//! described in docs/security.md's fuzzing record.

use std::path::PathBuf;

use pickle::{dumps, DumpOptions, LoadOptions, StandInResolver, Unpickler};
use pyobj::{Heap, HeapConfig, Obj};
use reduce::Registry;

fn load_standins(heap: &mut Heap, registry: &mut Registry, data: &[u8]) -> Option<Obj> {
    Unpickler::from_slice(data, LoadOptions::new())
        .resolver(Box::new(StandInResolver))
        .load(heap, registry)
        .ok()
}

/// The `roundtrip` target: load → dump → load → dump gives the same bytes
/// twice; the first byte chooses the protocol.
fn roundtrip(input: &[u8]) {
    let Some((&protocol, data)) = input.split_first() else {
        return;
    };
    let options = DumpOptions::new()
        .protocol(i32::from(protocol % 6))
        .unwrap();
    let mut heap = Heap::with_config(HeapConfig::new().max_repr_bytes(1 << 20));
    let mut registry = Registry::new(&mut heap);
    let Some(obj) = load_standins(&mut heap, &mut registry, data) else {
        return;
    };
    let Ok(first) = dumps(&mut heap, &registry, obj, &options) else {
        return;
    };
    let again = load_standins(&mut heap, &mut registry, &first).expect("our pickle loads");
    let second = dumps(&mut heap, &registry, again, &options).expect("reloaded value dumps");
    assert_eq!(first, second, "dump of a reload differs");
}

#[test]
fn fuzz_findings_stay_fixed() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut replayed = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let input = std::fs::read(&path).unwrap();
        match name.split('-').next() {
            Some("roundtrip") => roundtrip(&input),
            other => panic!("{name}: no replay for target {other:?}"),
        }
        replayed += 1;
    }
    assert!(replayed >= 1);
}
