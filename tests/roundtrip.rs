//! Property: any object graph built on the heap — sharing and cycles
//! included — pickled at any protocol and loaded back is isomorphic to the
//! original, identity structure included.

use pickle::{dumps, loads, DumpOptions, LoadOptions};
use proptest::prelude::*;
use pyobj::{Heap, Obj};
use reduce::Registry;

/// A recipe for a graph: nodes of a kind, with edges added afterwards (so
/// lists and dicts can form cycles); tuples take earlier nodes only.
#[derive(Clone, Debug)]
struct Recipe {
    nodes: Vec<u8>,
    edges: Vec<(usize, usize)>,
    ints: Vec<i64>,
}

fn recipe() -> impl Strategy<Value = Recipe> {
    (1usize..40).prop_flat_map(|n| {
        (
            proptest::collection::vec(0u8..7, n),
            proptest::collection::vec((0..n, 0..n), 0..n * 2),
            proptest::collection::vec(any::<i64>(), n),
        )
            .prop_map(|(nodes, edges, ints)| Recipe { nodes, edges, ints })
    })
}

fn build(heap: &mut Heap, recipe: &Recipe) -> Obj {
    let n = recipe.nodes.len();
    let mut objs: Vec<Obj> = Vec::with_capacity(n);
    for (i, kind) in recipe.nodes.iter().enumerate() {
        let v = recipe.ints[i];
        objs.push(match kind {
            0 => heap.new_list(vec![]),
            1 => heap.new_dict(),
            2 => heap.new_int(v),
            3 => heap.new_str(&format!("s{}", v % 50)),
            4 => heap.new_float(v as f64 / 3.0),
            5 => heap.new_bytes(&v.to_le_bytes()),
            _ => {
                let earlier: Vec<Obj> = recipe
                    .edges
                    .iter()
                    .filter(|(from, to)| *from == i && *to < i)
                    .map(|(_, to)| objs[*to])
                    .collect();
                heap.new_tuple(earlier)
            }
        });
    }
    for &(from, to) in &recipe.edges {
        match recipe.nodes[from] {
            0 => heap.list_append(objs[from], objs[to]).unwrap(),
            1 => {
                // Keys must be hashable: use the target's index as the key.
                let key = heap.new_int(to as i64);
                heap.dict_set(objs[from], key, objs[to]).unwrap();
            }
            _ => {}
        }
    }
    heap.new_list(objs)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]
    #[test]
    fn dumps_then_loads_is_isomorphic_at_every_protocol(recipe in recipe(), protocol in 0i32..=5) {
        let mut heap = Heap::new();
        let mut registry = Registry::new(&mut heap);
        let original = build(&mut heap, &recipe);
        let data = dumps(&mut heap, &registry, original, &DumpOptions::new().protocol(protocol).unwrap()).unwrap();
        let loaded = loads(&mut heap, &mut registry, &data, &LoadOptions::new()).unwrap();
        let shape = oracle::same_shape(&heap, original, loaded);
        prop_assert_eq!(shape, Ok(0));
        // Leaves compare equal (or, for NaN and the like, print the same).
        prop_assert_eq!(heap.repr(original).ok(), heap.repr(loaded).ok());
        // Loading is deterministic: the same bytes come out again.
        let again = dumps(&mut heap, &registry, loaded, &DumpOptions::new().protocol(protocol).unwrap()).unwrap();
        prop_assert_eq!(again, data);
    }
}
