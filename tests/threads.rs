//! Heaps are independent: many threads loading and dumping at once, each with
//! its own heap and registry, get exactly what one thread alone gets.

use pickle::{dumps, loads, DumpOptions, LoadOptions};
use pyobj::Heap;
use reduce::Registry;

fn workload(seed: i64) -> Vec<u8> {
    let mut heap = Heap::new();
    let registry = Registry::new(&mut heap);
    let items: Vec<_> = (0..2_000)
        .map(|i| {
            let n = heap.new_int(i * seed);
            let s = heap.new_str(&format!("item-{i}-{seed}"));
            heap.new_tuple(vec![n, s])
        })
        .collect();
    let list = heap.new_list(items);
    heap.list_append(list, list).unwrap();
    dumps(&mut heap, &registry, list, &DumpOptions::new()).unwrap()
}

#[test]
fn threads_with_separate_heaps_do_not_interfere() {
    let inputs: Vec<Vec<u8>> = (1..=8).map(workload).collect();
    let handles: Vec<_> = inputs
        .iter()
        .cloned()
        .map(|data| {
            std::thread::spawn(move || {
                let mut heap = Heap::new();
                let mut registry = Registry::new(&mut heap);
                let mut last = Vec::new();
                for _ in 0..20 {
                    let obj = loads(&mut heap, &mut registry, &data, &LoadOptions::new()).unwrap();
                    last = dumps(&mut heap, &registry, obj, &DumpOptions::new()).unwrap();
                    heap.collect();
                }
                last
            })
        })
        .collect();
    for (handle, input) in handles.into_iter().zip(&inputs) {
        assert_eq!(&handle.join().unwrap(), input);
    }
}
