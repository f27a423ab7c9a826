//! Criterion benchmarks of the object heap: allocation and reclamation,
//! dict insert and lookup, hashing, equality and repr.
//!
//! `cargo bench -p pyobj --bench heap`; `benches/compare_cpython.py` runs the
//! same workloads in CPython and in `examples/timings.rs` side by side.

use criterion::{criterion_group, criterion_main, Criterion};
use pyobj::{HashSeed, Heap, HeapConfig, Obj};
use std::hint::black_box;

const MILLION: i64 = 1_000_000;
const DICT_KEYS: i64 = 100_000;

fn heap() -> Heap {
    Heap::with_config(HeapConfig::new().hash_seed(HashSeed::Fixed(0)))
}

fn alloc_and_collect(c: &mut Criterion) {
    let mut group = c.benchmark_group("alloc_1M_then_collect");
    group.sample_size(10);
    group.bench_function("ints", |b| {
        let mut heap = heap();
        b.iter(|| {
            for i in 0..MILLION {
                black_box(heap.new_int(i + 1_000));
            }
            heap.collect()
        })
    });
    group.bench_function("strs", |b| {
        let mut heap = heap();
        let names: Vec<String> = (0..MILLION).map(|i| format!("s{i}")).collect();
        b.iter(|| {
            for name in &names {
                black_box(heap.new_str(name));
            }
            heap.collect()
        })
    });
    group.bench_function("lists", |b| {
        let mut heap = heap();
        let item = heap.new_int(1);
        b.iter(|| {
            for _ in 0..MILLION {
                black_box(heap.new_list(vec![item]));
            }
            heap.collect()
        })
    });
    group.finish();
}

fn keys(heap: &mut Heap, strs: bool) -> Vec<Obj> {
    (0..DICT_KEYS)
        .map(|i| {
            if strs {
                heap.new_str(&format!("key{i}"))
            } else {
                heap.new_int(i * 7 + 1_000)
            }
        })
        .collect()
}

fn dicts(c: &mut Criterion) {
    let mut group = c.benchmark_group("dict_100k");
    group.sample_size(20);
    for (label, strs) in [("str_keys", true), ("int_keys", false)] {
        group.bench_function(format!("insert_{label}"), |b| {
            let mut heap = heap();
            let keys = keys(&mut heap, strs);
            let value = heap.none();
            b.iter(|| {
                // Each run fills a fresh dict; the empty dict's allocation is
                // part of what a real insert workload pays too.
                let dict = heap.new_dict();
                for &k in &keys {
                    heap.dict_set(dict, k, value).unwrap();
                }
                dict
            })
        });
        group.bench_function(format!("lookup_{label}"), |b| {
            let mut heap = heap();
            let keys = keys(&mut heap, strs);
            let dict = heap.new_dict();
            for &k in &keys {
                heap.dict_set(dict, k, k).unwrap();
            }
            b.iter(|| {
                for &k in &keys {
                    black_box(heap.dict_get(dict, k).unwrap());
                }
            })
        });
    }
    group.finish();
}

fn hashing(c: &mut Criterion) {
    let mut heap = heap();
    let short = heap.new_str("attribute_name");
    let long = heap.new_str(&"x".repeat(1000));
    let int = heap.new_int(123_456_789);
    let items: Vec<Obj> = (0..10).map(|i| heap.new_int(i)).collect();
    let tuple = heap.new_tuple(items);
    let mut group = c.benchmark_group("hash");
    group.bench_function("str_14", |b| b.iter(|| heap.hash(black_box(short))));
    group.bench_function("str_1000", |b| b.iter(|| heap.hash(black_box(long))));
    group.bench_function("int", |b| b.iter(|| heap.hash(black_box(int))));
    group.bench_function("tuple_10", |b| b.iter(|| heap.hash(black_box(tuple))));
    group.finish();
}

fn eq_and_repr(c: &mut Criterion) {
    let mut heap = heap();
    let build = |heap: &mut Heap| {
        let rows: Vec<Obj> = (0..1000)
            .map(|i| {
                let a = heap.new_int(i);
                let b = heap.new_str("cell");
                heap.new_list(vec![a, b])
            })
            .collect();
        heap.new_list(rows)
    };
    let left = build(&mut heap);
    let right = build(&mut heap);
    let items: Vec<Obj> = (0..100_000).map(|i| heap.new_int(i)).collect();
    let big = heap.new_list(items);
    let mut group = c.benchmark_group("ops");
    group.bench_function("eq_nested_1000x2", |b| b.iter(|| heap.eq(left, right)));
    group.bench_function("repr_list_100k_ints", |b| b.iter(|| heap.repr(big)));
    group.finish();
}

criterion_group!(benches, alloc_and_collect, dicts, hashing, eq_and_repr);
criterion_main!(benches);
