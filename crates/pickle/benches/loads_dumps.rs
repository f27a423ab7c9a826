//! Criterion benchmarks of loads and dumps on pyperformance-style workloads
//! built in Rust: user-profile dicts, tuples of mixed scalars, lists of ints
//! and strs, instances of a class, and a large bytes payload, at protocols
//! 2 and 4. `benches/compare_cpython.py` compares with CPython side by side.

use criterion::{criterion_group, criterion_main, Criterion};
use pickle::{dumps, loads, DumpOptions, LoadOptions};
use pyobj::{ClassSpec, Heap, Obj};
use reduce::Registry;
use std::hint::black_box;

fn profiles(heap: &mut Heap) -> Obj {
    let mut items = Vec::new();
    for i in 0..1000 {
        let d = heap.new_dict();
        let fields: [(&str, Obj); 5] = [
            ("name", heap.new_str(&format!("user{i}"))),
            ("email", heap.new_str(&format!("user{i}@example.org"))),
            ("age", heap.new_int(20 + i % 50)),
            ("score", heap.new_float(i as f64 / 7.0)),
            ("active", heap.bool(i % 2 == 0)),
        ];
        for (k, v) in fields {
            let k = heap.intern(k);
            heap.dict_set(d, k, v).unwrap();
        }
        items.push(d);
    }
    heap.new_list(items)
}

fn workloads(heap: &mut Heap, registry: &mut Registry) -> Vec<(&'static str, Obj)> {
    let ints: Vec<Obj> = (0..100_000).map(|i| heap.new_int(i * 3)).collect();
    let strs: Vec<Obj> = (0..100_000)
        .map(|i| heap.new_str(&format!("s{i}")))
        .collect();
    let tuples: Vec<Obj> = (0..10_000)
        .map(|i| {
            let a = heap.new_int(i);
            let b = heap.new_float(i as f64 / 3.0);
            let c = heap.new_str(&i.to_string());
            heap.new_tuple(vec![a, b, c, heap.none(), heap.bool(true)])
        })
        .collect();
    let class = heap.new_class(ClassSpec::new("bench", "Point")).unwrap();
    registry.register_class(heap, class).unwrap();
    let instances: Vec<Obj> = (0..10_000)
        .map(|i| {
            let p = heap.new_instance(class).unwrap();
            for (name, v) in [("x", i), ("y", -i), ("z", i * 2)] {
                let v = heap.new_int(v);
                heap.setattr(p, name, v).unwrap();
            }
            p
        })
        .collect();
    let big = vec![7u8; 10 * 1024 * 1024];
    vec![
        ("profiles", profiles(heap)),
        ("ints_100k", heap.new_list(ints)),
        ("strs_100k", heap.new_list(strs)),
        ("tuples_10k", heap.new_list(tuples)),
        ("instances_10k", heap.new_list(instances)),
        ("bytes_10MB", heap.new_bytes(&big)),
    ]
}

fn bench(c: &mut Criterion) {
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);
    let work = workloads(&mut heap, &mut registry);
    for protocol in [2, 4] {
        let options = DumpOptions::new().protocol(protocol).unwrap();
        let mut group = c.benchmark_group(format!("protocol_{protocol}"));
        group.sample_size(10);
        for (name, obj) in &work {
            let data = dumps(&mut heap, &registry, *obj, &options).unwrap();
            group.bench_function(format!("dumps_{name}"), |b| {
                b.iter(|| dumps(&mut heap, &registry, black_box(*obj), &options).unwrap())
            });
            group.bench_function(format!("loads_{name}"), |b| {
                b.iter(|| {
                    let mut scratch = Heap::new();
                    let mut scratch_registry = Registry::new(&mut scratch);
                    let class = scratch.new_class(ClassSpec::new("bench", "Point")).unwrap();
                    scratch_registry
                        .register_class(&mut scratch, class)
                        .unwrap();
                    loads(
                        &mut scratch,
                        &mut scratch_registry,
                        black_box(&data),
                        &LoadOptions::new(),
                    )
                    .unwrap();
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
