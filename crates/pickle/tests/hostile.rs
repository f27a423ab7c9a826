//! The committed hostile corpus (`tests/hostile/`, written by `make.py`
//! there): each file is named `<case>.<expected>` and must load to exactly
//! that error kind, or load (`ok`) and then survive what an embedder does
//! next — repr, ==, hash, deepcopy, dumps and a reload — with a value or an
//! error, never a panic, hang or runaway allocation.
//!
//! The replay runs in a child process under `ulimit -v` (2 GiB of address
//! space), so an input that made the runtime allocate without bound would
//! abort the child and fail this test instead of exhausting the machine.

use std::path::PathBuf;
use std::process::Command;

use pickle::{dumps, loads, DumpOptions, ErrorKind, LoadOptions};
use pyobj::{Heap, HeapConfig};
use reduce::Registry;

const CHILD: &str = "BRINE_HOSTILE_CHILD";

fn corpus() -> Vec<(String, String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "py"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let expected = p.extension().unwrap().to_string_lossy().into_owned();
            (name, expected, std::fs::read(&p).unwrap())
        })
        .collect();
    cases.sort();
    cases
}

fn kind_name(kind: ErrorKind) -> String {
    match kind {
        ErrorKind::Object(k) => format!("{k:?}").to_lowercase(),
        other => format!("{other:?}").to_lowercase(),
    }
}

/// What an embedder does with a loaded value; every step may fail, none may
/// panic or run away.
fn exercise(heap: &mut Heap, registry: &mut Registry, obj: pyobj::Obj) {
    let _ = heap.repr(obj);
    let _ = heap.eq(obj, obj);
    let _ = heap.hash(obj);
    let _ = reduce::copy::deepcopy(heap, registry, obj);
    for protocol in [0, 2, 5] {
        let options = DumpOptions::new().protocol(protocol).unwrap();
        if let Ok(bytes) = dumps(heap, registry, obj, &options) {
            let again = loads(heap, registry, &bytes, &LoadOptions::new()).unwrap_or_else(|e| {
                panic!("our own protocol {protocol} pickle fails to load: {e}")
            });
            let _ = heap.eq(obj, again);
        }
    }
}

fn replay() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (name, expected, data) in corpus() {
        let mut heap = Heap::with_config(HeapConfig::new().max_repr_bytes(1 << 20));
        let mut registry = Registry::new(&mut heap);
        let got = match loads(&mut heap, &mut registry, &data, &LoadOptions::new()) {
            Ok(obj) => {
                exercise(&mut heap, &mut registry, obj);
                "ok".to_string()
            }
            Err(e) => kind_name(e.kind()),
        };
        if got != expected {
            wrong.push(format!("{name}: expected {expected}, got {got}"));
        }
        checked += 1;
    }
    assert!(checked >= 29, "corpus went missing: {checked} files");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn hostile_corpus_replays_under_a_memory_limit() {
    if std::env::var_os(CHILD).is_some() {
        return replay();
    }
    let exe = std::env::current_exe().unwrap();
    let status = Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 2097152 && exec "$0" --exact hostile::hostile_corpus_replays_under_a_memory_limit --test-threads 1"#)
        .arg(exe)
        .env(CHILD, "1")
        .status()
        .unwrap();
    assert!(status.success(), "replay failed or was killed: {status}");
}
