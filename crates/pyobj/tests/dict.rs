//! Dict behaviour against a model of Python's dict: insertion order, value
//! replacement in place, removal, re-insertion at the end, and lengths,
//! across the small (scanned) and indexed sizes and the compactions between.

use proptest::prelude::*;
use pyobj::Heap;

#[derive(Debug, Clone)]
enum Op {
    Set(u8, u16),
    Remove(u8),
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    // Up to 40 distinct keys: dicts cross the eight-entry index threshold
    // both ways and pile up holes that force compactions.
    let op = prop_oneof![
        3 => (0u8..40, any::<u16>()).prop_map(|(k, v)| Op::Set(k, v)),
        2 => (0u8..40).prop_map(Op::Remove),
    ];
    proptest::collection::vec(op, 0..300)
}

proptest! {
    #[test]
    fn dict_matches_an_insertion_ordered_model(ops in ops(), str_keys in any::<bool>()) {
        let mut heap = Heap::new();
        let dict = heap.new_dict();
        let mut model: Vec<(u8, u16)> = Vec::new();
        let key = |heap: &mut Heap, k: u8| {
            if str_keys { heap.new_str(&format!("key{k}")) } else { heap.new_int(i64::from(k)) }
        };
        for op in ops {
            match op {
                Op::Set(k, v) => {
                    let (key_obj, value) = (key(&mut heap, k), heap.new_int(i64::from(v)));
                    heap.dict_set(dict, key_obj, value).unwrap();
                    match model.iter_mut().find(|(mk, _)| *mk == k) {
                        Some(entry) => entry.1 = v,
                        None => model.push((k, v)),
                    }
                }
                Op::Remove(k) => {
                    let key_obj = key(&mut heap, k);
                    let removed = heap.dict_remove(dict, key_obj).unwrap();
                    let position = model.iter().position(|(mk, _)| *mk == k);
                    prop_assert_eq!(removed.is_some(), position.is_some());
                    if let Some(p) = position {
                        let (_, v) = model.remove(p);
                        prop_assert_eq!(heap.as_i64(removed.unwrap()).unwrap(), i64::from(v));
                    }
                }
            }
            prop_assert_eq!(heap.dict_len(dict).unwrap(), model.len());
        }
        let items: Vec<(String, i64)> = heap
            .as_dict(dict)
            .unwrap()
            .iter()
            .map(|(k, v)| (heap.repr(k).unwrap(), heap.as_i64(v).unwrap()))
            .collect();
        let expected: Vec<(String, i64)> = model
            .iter()
            .map(|&(k, v)| (if str_keys { format!("'key{k}'") } else { k.to_string() }, i64::from(v)))
            .collect();
        prop_assert_eq!(items, expected);
        for k in 0..40u8 {
            let key_obj = key(&mut heap, k);
            let got = heap.dict_get(dict, key_obj).unwrap().map(|v| heap.as_i64(v).unwrap());
            let want = model.iter().find(|(mk, _)| *mk == k).map(|&(_, v)| i64::from(v));
            prop_assert_eq!(got, want);
        }
    }
}
