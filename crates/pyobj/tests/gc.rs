//! The collector: cycles of millions of objects come back to baseline, roots
//! and everything they reach survive, stale handles never alias, and random
//! graphs agree with a reachability model.

use proptest::prelude::*;
use pyobj::{ClassSpec, ErrorKind, Heap, NativePayload, Obj};

#[test]
fn millions_of_cyclic_objects_are_reclaimed() {
    let mut heap = Heap::new();
    let node = heap.new_class(ClassSpec::new("graph", "Node")).unwrap();
    let node_root = heap.root(node);
    let baseline = heap.live_count();

    // 375_000 groups of eight objects: instances pointing at
    // each other through their __dict__, a list containing itself, a dict that
    // refers to a list that refers back to the dict.
    let mut last = None;
    for i in 0..375_000i64 {
        let a = heap.new_instance(node).unwrap();
        let b = heap.new_instance(node).unwrap();
        heap.setattr(a, "next", b).unwrap();
        heap.setattr(b, "next", a).unwrap();
        let own = heap.new_list(vec![a]);
        heap.list_append(own, own).unwrap();
        let d = heap.new_dict();
        let back = heap.new_list(vec![d, own]);
        // A float key: machine-sized ints live in their handles, not in slots.
        let key = heap.new_float(i as f64);
        heap.dict_set(d, key, back).unwrap();
        last = Some(d);
    }
    assert!(heap.live_count() - baseline >= 3_000_000);
    let _ = last;
    let stats = heap.collect();
    assert_eq!(heap.live_count(), baseline, "freed {}", stats.freed);
    assert_eq!(stats.live, baseline);
    drop(node_root);
}

#[test]
fn roots_keep_everything_they_reach() {
    let mut heap = Heap::new();
    let baseline = heap.live_count();
    let leaf = heap.new_str("leaf");
    let inner = heap.new_list(vec![leaf]);
    let tuple = heap.new_tuple(vec![inner, leaf]);
    let dict = heap.new_dict();
    let key = heap.new_str("k");
    heap.dict_set(dict, key, tuple).unwrap();
    heap.list_append(inner, dict).unwrap(); // cycle through the root
    let garbage = heap.new_list(vec![leaf]);
    let rooted = heap.root(dict);
    heap.collect();
    for obj in [leaf, inner, tuple, dict, key] {
        assert!(heap.contains(obj));
    }
    assert!(!heap.contains(garbage));
    assert_eq!(heap.live_count(), baseline + 5);
    drop(rooted);
    heap.collect();
    assert_eq!(heap.live_count(), baseline);
}

#[test]
fn rooted_clones_hold_until_the_last_drops() {
    let mut heap = Heap::new();
    let s = heap.new_str("x");
    let first = heap.root(s);
    let second = first.clone();
    drop(first);
    heap.collect();
    assert!(heap.contains(s));
    drop(second);
    heap.collect();
    assert!(!heap.contains(s));
}

#[test]
fn collect_with_keeps_extra_roots_for_one_collection() {
    let mut heap = Heap::new();
    let s = heap.new_str("x");
    let l = heap.new_list(vec![s]);
    heap.collect_with(&[l]);
    assert!(heap.contains(s) && heap.contains(l));
    heap.collect();
    assert!(!heap.contains(s) && !heap.contains(l));
}

#[test]
fn stale_handles_are_errors_and_never_alias() {
    let mut heap = Heap::new();
    let old = heap.new_str("old");
    heap.collect();
    // Allocate enough to reuse the freed slot.
    let fresh: Vec<Obj> = (0..16).map(|i| heap.new_str(&i.to_string())).collect();
    assert!(!fresh.contains(&old));
    let err = heap.get(old).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::StaleHandle);
    assert_eq!(heap.repr(old).unwrap_err().kind(), ErrorKind::StaleHandle);
    assert_eq!(heap.as_str(old).unwrap_err().kind(), ErrorKind::StaleHandle);
}

#[test]
fn interned_strings_are_reclaimed_and_reinterned() {
    let mut heap = Heap::new();
    let a = heap.intern("some_attribute_name");
    assert_eq!(heap.intern("some_attribute_name"), a);
    heap.collect();
    assert!(!heap.contains(a));
    let b = heap.intern("some_attribute_name");
    assert!(heap.contains(b));
    assert_eq!(heap.as_str(b).unwrap(), "some_attribute_name");
    assert_eq!(heap.intern("some_attribute_name"), b);
}

#[derive(Debug)]
struct Holder(Obj);

impl NativePayload for Holder {
    fn trace(&self, visit: &mut dyn FnMut(Obj)) {
        visit(self.0);
    }
}

#[test]
fn native_payloads_trace_their_handles() {
    let mut heap = Heap::new();
    let class = heap.new_class(ClassSpec::new("native", "Box")).unwrap();
    let inst = heap.new_instance(class).unwrap();
    let held = heap.new_str("held by Rust");
    heap.set_native(inst, Box::new(Holder(held))).unwrap();
    let root = heap.root(inst);
    heap.collect();
    assert!(heap.contains(held));
    assert_eq!(
        heap.native::<Holder>(inst).unwrap().map(|h| h.0),
        Some(held)
    );
    drop(root);
    heap.collect();
    assert!(!heap.contains(held) && !heap.contains(class));
}

#[test]
fn ten_million_deep_chain_collects_without_recursion() {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let mut heap = Heap::new();
            let baseline = heap.live_count();
            let mut chain = heap.new_list(vec![]);
            for _ in 0..10_000_000 {
                chain = heap.new_list(vec![chain]);
            }
            let root = heap.root(chain);
            heap.collect();
            assert_eq!(heap.live_count(), baseline + 10_000_001);
            drop(root);
            heap.collect();
            assert_eq!(heap.live_count(), baseline);
        })
        .unwrap()
        .join()
        .unwrap();
}

/// A random graph: node kinds, edges (from, to) and which nodes are roots.
#[derive(Clone, Debug)]
struct Graph {
    kinds: Vec<u8>,
    edges: Vec<(usize, usize)>,
    roots: Vec<usize>,
}

fn graph() -> impl Strategy<Value = Graph> {
    (1usize..60).prop_flat_map(|n| {
        (
            proptest::collection::vec(0u8..4, n),
            proptest::collection::vec((0..n, 0..n), 0..(n * 3)),
            proptest::collection::vec(0..n, 0..4),
        )
            .prop_map(|(kinds, edges, roots)| Graph {
                kinds,
                edges,
                roots,
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn collection_matches_reachability(g in graph()) {
        let mut heap = Heap::new();
        let class = heap.new_class(ClassSpec::new("m", "N")).unwrap();
        let class_root = heap.root(class);
        let baseline = heap.live_count();
        // Tuples are immutable: give each its out-edges at creation, so build
        // them last; their targets may only be nodes made before them.
        let n = g.kinds.len();
        let mut objs: Vec<Option<Obj>> = vec![None; n];
        for (i, kind) in g.kinds.iter().enumerate() {
            objs[i] = match kind {
                0 => Some(heap.new_list(vec![])),
                1 => Some(heap.new_dict()),
                2 => Some(heap.new_instance(class).unwrap()),
                _ => None,
            };
        }
        let mut adjacency = vec![Vec::new(); n];
        for &(from, to) in &g.edges {
            if g.kinds[from] == 3 && (g.kinds[to] == 3 && to >= from) {
                continue; // a tuple can only point at earlier tuples
            }
            adjacency[from].push(to);
        }
        for i in 0..n {
            if g.kinds[i] == 3 {
                let mut items: Vec<Obj> = adjacency[i].iter().map(|&t| objs[t].unwrap()).collect();
                if items.is_empty() {
                    // `()` is a shared singleton; give each node its own tuple.
                    items.push(heap.new_float(i as f64));
                }
                objs[i] = Some(heap.new_tuple(items));
            }
        }
        for i in 0..n {
            let obj = objs[i].unwrap();
            for (k, &t) in adjacency[i].iter().enumerate() {
                let target = objs[t].unwrap();
                match g.kinds[i] {
                    0 => heap.list_append(obj, target).unwrap(),
                    1 => {
                        let key = heap.new_int(k as i64 + 1000);
                        heap.dict_set(obj, key, target).unwrap();
                    }
                    2 => heap.setattr(obj, &format!("a{k}"), target).unwrap(),
                    _ => {}
                }
            }
        }
        // The model: plain reachability over the same edges.
        let mut reachable = vec![false; n];
        let mut stack: Vec<usize> = g.roots.clone();
        while let Some(i) = stack.pop() {
            if !reachable[i] {
                reachable[i] = true;
                stack.extend(adjacency[i].iter().copied());
            }
        }
        let roots: Vec<_> = g.roots.iter().map(|&r| heap.root(objs[r].unwrap())).collect();
        heap.collect();
        for i in 0..n {
            prop_assert_eq!(heap.contains(objs[i].unwrap()), reachable[i], "node {}", i);
        }
        drop(roots);
        heap.collect();
        prop_assert_eq!(heap.live_count(), baseline);
        drop(class_root);
    }
}
