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

/// Python's int hash is not keyed, so `k * (2**61 - 1)` all hash to 0:
/// thousands of such keys would make every insert compare against all the
/// others. Past 2048 keys with one hash the insert fails instead.
#[test]
fn hash_flooding_with_int_keys_is_refused() {
    let mut heap = Heap::new();
    let modulus = num_bigint::BigInt::from((1u64 << 61) - 1);
    let zero = heap.new_int(0);
    let dict = heap.new_dict();
    let mut refused_at = None;
    for k in 1..5000u32 {
        let key = heap.new_bigint(&modulus * k);
        assert_eq!(heap.hash(key).unwrap(), 0);
        if let Err(e) = heap.dict_set(dict, key, zero) {
            assert_eq!(e.kind(), ErrorKind::Value);
            assert!(e.message().contains("hash flooding"), "{e}");
            refused_at = Some(k);
            break;
        }
    }
    assert_eq!(refused_at, Some(2050));
    // Keys that merely share a hash with a few others are fine, and equal
    // keys of other types still find each other.
    let small = heap.new_dict();
    for k in 1..100u32 {
        let key = heap.new_bigint(&modulus * k);
        heap.dict_set(small, key, zero).unwrap();
    }
    let as_float = heap.new_float(0.0);
    let int_zero = heap.new_int(0);
    heap.dict_set(small, int_zero, zero).unwrap();
    assert_eq!(heap.dict_get(small, as_float).unwrap(), Some(zero));
}
