//! Times `deepcopy` of the graph `benches/compare_deepcopy.py` also builds in
//! CPython: 200,000 records `[i, "name-i", {"id": i, "tags": shared}]` in a
//! list, all sharing one tags list, and the list containing itself — about a
//! million objects. Prints best-of-five seconds as JSON.

use std::time::Instant;

use pyobj::Heap;
use reduce::{copy::deepcopy, Registry};

fn main() -> Result<(), reduce::Error> {
    let mut heap = Heap::new();
    let registry = Registry::new(&mut heap);
    let tag = heap.new_str("tag");
    let shared = heap.new_list(vec![tag]);
    let id_key = heap.intern("id");
    let tags_key = heap.intern("tags");
    let mut records = Vec::new();
    for i in 0..200_000i64 {
        let n = heap.new_int(i);
        let name = heap.new_str(&format!("name-{i}"));
        let d = heap.new_dict();
        heap.dict_set(d, id_key, n)?;
        heap.dict_set(d, tags_key, shared)?;
        records.push(heap.new_list(vec![n, name, d]));
    }
    let root = heap.new_list(records);
    heap.list_append(root, root)?;
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let start = Instant::now();
        let copied = deepcopy(&mut heap, &registry, root)?;
        best = best.min(start.elapsed().as_secs_f64());
        std::hint::black_box(copied);
        heap.collect_with(&[root]);
    }
    println!(
        "{{\"deepcopy_s\": {best}, \"objects\": {}}}",
        heap.live_count()
    );
    Ok(())
}
