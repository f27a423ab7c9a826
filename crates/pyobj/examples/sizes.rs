//! Measures the memory one object of each kind costs: its 32-byte heap slot
//! plus every byte its payload asks the allocator for, averaged over a
//! million objects.
//!
//! `cargo run --release -p pyobj --example sizes` prints one JSON object per
//! kind; `benches/compare_cpython.py` runs it beside the same measurement in
//! CPython (with `tracemalloc`, which also counts requested bytes, GC headers
//! included). Neither side counts the allocator's own rounding.

use std::alloc::System;

use pyobj::{ClassSpec, Heap, Obj};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const N: usize = 1_000_000;

/// Bytes per item made by `make`: slots plus requested payload bytes.
fn measure(name: &str, mut make: impl FnMut(&mut Heap, usize) -> Obj) {
    measure_with(name, |_| (), |heap, _, i| make(heap, i))
}

/// Like [`measure`], with per-heap setup (a class) made before measuring.
fn measure_with<S>(
    name: &str,
    setup: impl FnOnce(&mut Heap) -> S,
    mut make: impl FnMut(&mut Heap, &S, usize) -> Obj,
) {
    let mut heap = Heap::new();
    let keep = heap.new_list(Vec::new());
    if let Ok(items) = heap.list_mut(keep) {
        items.reserve(N);
    }
    let root = heap.root(keep);
    // Grow the slot map beforehand and free the slots again, so that its
    // growth is not counted as payload; each object is charged its slot below.
    for _ in 0..N * 3 {
        heap.alloc(pyobj::Object::None);
    }
    heap.collect();
    let state = setup(&mut heap);
    let live_before = heap.live_count();
    let region = Region::new(GLOBAL);
    for i in 0..N {
        let item = make(&mut heap, &state, i);
        heap.list_append(keep, item).ok();
    }
    let change = region.change();
    let objects = (heap.live_count() - live_before) as f64 / N as f64;
    let payload = (change.bytes_allocated as f64 - change.bytes_deallocated as f64) / N as f64;
    let per_item = objects * 32.0 + payload;
    println!(
        "{{\"kind\": \"{name}\", \"bytes\": {per_item:.1}, \"objects\": {objects:.2}, \"payload\": {payload:.1}}}"
    );
    drop(root);
}

fn main() {
    measure("int", |heap, i| heap.new_int(i as i64 + 1_000_000));
    measure("float", |heap, i| heap.new_float(i as f64 + 0.5));
    measure("str (10 ASCII chars)", |heap, i| {
        heap.new_str(&format!("s{i:09}"))
    });
    measure("tuple of 3", |heap, _| {
        let one = heap.new_int(1);
        heap.new_tuple(vec![one, one, one])
    });
    measure("list of 3", |heap, _| {
        let one = heap.new_int(1);
        heap.new_list(vec![one, one, one])
    });
    measure("dict of 3 str keys", |heap, _| {
        let dict = heap.new_dict();
        let one = heap.new_int(1);
        for key in ["a", "b", "c"] {
            let k = heap.intern(key);
            heap.dict_set(dict, k, one).ok();
        }
        dict
    });
    measure_with(
        "instance, 3 attributes in __dict__",
        |heap| heap.new_class(ClassSpec::new("m", "Point")),
        |heap, class, _| {
            let Ok(class) = class else {
                return heap.none();
            };
            let Ok(obj) = heap.new_instance(*class) else {
                return heap.none();
            };
            let one = heap.new_int(1);
            for key in ["x", "y", "z"] {
                heap.setattr(obj, key, one).ok();
            }
            obj
        },
    );
}
