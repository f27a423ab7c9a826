//! Reference bombs: a few hundred objects where each level holds the level
//! below twice, so the tree they spell has 2**depth leaves. Printing one is
//! exponential in Python too; here `repr` stops at its output limit with a
//! memory error, and `==` and `hash` finish in time linear in the objects.

use pyobj::{ErrorKind, Heap, HeapConfig, Obj};

/// `depth` levels of `[x, x]` (lists) or `(x, x)` (tuples) over `leaf`.
fn bomb(heap: &mut Heap, depth: usize, tuples: bool) -> Obj {
    let mut level = heap.new_str("leaf");
    for _ in 0..depth {
        level = if tuples {
            heap.new_tuple(vec![level, level])
        } else {
            heap.new_list(vec![level, level])
        };
    }
    level
}

#[test]
fn repr_of_a_reference_bomb_is_a_memory_error() {
    let mut heap = Heap::with_config(HeapConfig::new().max_repr_bytes(1 << 20));
    let list = bomb(&mut heap, 100, false);
    let err = heap.repr(list).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Memory);
    assert!(err.message().contains("1048576 bytes"), "{err}");
    // A value under the limit still prints in full.
    let small = bomb(&mut heap, 3, false);
    assert_eq!(heap.repr(small).unwrap().matches("'leaf'").count(), 8);
}

#[test]
fn comparing_two_distinct_bombs_is_linear() {
    let mut heap = Heap::new();
    // 2**200 paths each: without remembering compared pairs this never ends.
    for tuples in [false, true] {
        let a = bomb(&mut heap, 200, tuples);
        let b = bomb(&mut heap, 200, tuples);
        assert_ne!(a, b);
        assert!(heap.eq(a, b).unwrap());
    }
    // A difference at the bottom is still found.
    let a = bomb(&mut heap, 200, true);
    let mut level = heap.new_str("other");
    for _ in 0..200 {
        level = heap.new_tuple(vec![level, level]);
    }
    assert!(!heap.eq(a, level).unwrap());
}

#[test]
fn hashing_a_tuple_bomb_is_linear() {
    let mut heap = Heap::new();
    let a = bomb(&mut heap, 300, true);
    let b = bomb(&mut heap, 300, true);
    assert_eq!(heap.hash(a).unwrap(), heap.hash(b).unwrap());
}
