//! copy and deepcopy against CPython's `copy` module on random graphs, on
//! instances through the reduce protocol, and on deep nesting.

use oracle::{build, python_json_lines};
use pyobj::{ClassSpec, HashSeed, Heap, HeapConfig, Object};
use reduce::copy::{copy, deepcopy};
use reduce::Registry;

fn heap() -> Heap {
    Heap::with_config(HeapConfig::new().hash_seed(HashSeed::Fixed(0)))
}

#[test]
fn deepcopy_of_random_graphs_keeps_values_and_sharing_and_shares_nothing_mutable() {
    let script = "import json, sys, values\nfor v in values.generate(41, 300):\n    print(json.dumps(values.encode(v)))";
    let mut checked = 0;
    for encoded in python_json_lines(script, &[]) {
        let mut heap = heap();
        let registry = Registry::new(&mut heap);
        let original = build(&mut heap, &encoded);
        let copied = deepcopy(&mut heap, &registry, original).unwrap();
        assert_eq!(
            heap.repr(copied).map_err(|e| e.kind()),
            heap.repr(original).map_err(|e| e.kind()),
            "{encoded}"
        );
        let shared = oracle::same_shape(&heap, original, copied)
            .unwrap_or_else(|e| panic!("{e}: {encoded}"));
        assert_eq!(shared, 0, "{encoded}");
        // A shallow copy holds the very same items.
        let shallow = copy(&mut heap, &registry, original).unwrap();
        if let (Object::List(a), Object::List(b)) =
            (&*heap.get(original).unwrap(), &*heap.get(shallow).unwrap())
        {
            assert_ne!(original, shallow);
            assert_eq!(a.to_vec(), b.to_vec());
        }
        checked += 1;
    }
    assert_eq!(checked, 300);
}

#[test]
fn instances_are_copied_through_the_reduce_protocol() {
    let mut heap = heap();
    let registry = Registry::new(&mut heap);
    let point = heap.new_class(ClassSpec::new("geo", "Point")).unwrap();
    let p = heap.new_instance(point).unwrap();
    let tags = heap.new_list(vec![]);
    let one = heap.new_int(1);
    heap.setattr(p, "x", one).unwrap();
    heap.setattr(p, "tags", tags).unwrap();
    heap.setattr(p, "me", p).unwrap(); // a cycle through the instance
    let q = deepcopy(&mut heap, &registry, p).unwrap();
    assert_ne!(p, q);
    assert!(heap.is_instance(q, point).unwrap());
    assert_eq!(heap.getattr(q, "x").unwrap(), Some(one));
    assert_eq!(heap.getattr(q, "me").unwrap(), Some(q));
    let q_tags = heap.getattr(q, "tags").unwrap().unwrap();
    assert_ne!(q_tags, tags);
    // A shallow copy shares the attribute values.
    let r = copy(&mut heap, &registry, p).unwrap();
    assert_ne!(r, p);
    assert_eq!(heap.getattr(r, "tags").unwrap(), Some(tags));
    assert_eq!(heap.getattr(r, "me").unwrap(), Some(p));
}

#[test]
fn a_million_deep_list_deepcopies_without_native_recursion() {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let mut heap = heap();
            let registry = Registry::new(&mut heap);
            let mut nested = heap.new_list(vec![]);
            for _ in 0..1_000_000 {
                nested = heap.new_list(vec![nested]);
            }
            let copied = deepcopy(&mut heap, &registry, nested).unwrap();
            assert_ne!(copied, nested);
        })
        .unwrap()
        .join()
        .unwrap();
}
