//! Times the heap on the workloads `benches/compare_cpython.py` also runs in
//! CPython, and prints one JSON object of best-of-five seconds per workload.
//!
//! `cargo run --release -p pyobj --example heap_timings`. Criterion
//! (`cargo bench -p pyobj`) gives the careful per-operation figures; this
//! binary exists so one script can put both runtimes side by side.

use std::hint::black_box;
use std::time::Instant;

use pyobj::{HashSeed, Heap, HeapConfig, Obj};

const MILLION: usize = 1_000_000;
const KEYS: usize = 100_000;

fn best_of_five(mut run: impl FnMut() -> f64) -> f64 {
    (0..5).map(|_| run()).fold(f64::INFINITY, f64::min)
}

fn heap() -> Heap {
    Heap::with_config(HeapConfig::new().hash_seed(HashSeed::Random))
}

/// Builds a list of a million items made by `make`, timing only the making.
fn create(mut make: impl FnMut(&mut Heap, usize) -> Obj) -> f64 {
    best_of_five(|| {
        let mut heap = heap();
        let start = Instant::now();
        let items: Vec<Obj> = (0..MILLION).map(|i| make(&mut heap, i)).collect();
        let list = heap.new_list(items);
        let elapsed = start.elapsed().as_secs_f64();
        black_box(list);
        elapsed
    })
}

fn dict_workloads(strs: bool) -> (f64, f64) {
    let mut heap = heap();
    let keys: Vec<Obj> = (0..KEYS)
        .map(|i| {
            if strs {
                heap.new_str(&format!("key{i}"))
            } else {
                heap.new_int(i as i64 * 7 + 1_000)
            }
        })
        .collect();
    let none = heap.none();
    let insert = best_of_five(|| {
        let dict = heap.new_dict();
        let start = Instant::now();
        for &k in &keys {
            heap.dict_set(dict, k, none).ok();
        }
        start.elapsed().as_secs_f64()
    });
    let dict = heap.new_dict();
    for &k in &keys {
        heap.dict_set(dict, k, k).ok();
    }
    let lookup = best_of_five(|| {
        let start = Instant::now();
        for &k in &keys {
            black_box(heap.dict_get(dict, k).ok());
        }
        start.elapsed().as_secs_f64()
    });
    (insert, lookup)
}

fn main() {
    let ints = create(|heap, i| heap.new_int(i as i64 + 1_000));
    let strs = create(|heap, i| heap.new_str(&format!("s{i:09}")));
    let lists = create(|heap, _| {
        let one = heap.new_int(1);
        heap.new_list(vec![one])
    });
    let (str_insert, str_lookup) = dict_workloads(true);
    let (int_insert, int_lookup) = dict_workloads(false);
    println!(
        "{{\"create_1M_ints\": {ints}, \"create_1M_strs\": {strs}, \"create_1M_lists\": {lists}, \
         \"dict_insert_100k_str\": {str_insert}, \"dict_lookup_100k_str\": {str_lookup}, \
         \"dict_insert_100k_int\": {int_insert}, \"dict_lookup_100k_int\": {int_lookup}}}"
    );
}
