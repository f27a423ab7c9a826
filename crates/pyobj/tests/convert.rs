//! `ToPy`/`FromPy`: round trips of common Rust values, Python's numeric
//! rules, and error paths.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use num_bigint::BigInt;
use pyobj::{ErrorKind, FromPy, Heap, ToPy};

fn round_trip<T: ToPy + FromPy + PartialEq + std::fmt::Debug>(
    heap: &mut Heap,
    value: T,
    repr: &str,
) {
    let obj = value.to_py(heap).unwrap();
    assert_eq!(heap.repr(obj).unwrap(), repr);
    assert_eq!(T::from_py(heap, obj).unwrap(), value);
}

#[test]
fn values_round_trip_with_python_reprs() {
    let mut heap = Heap::new();
    round_trip(
        &mut heap,
        u128::MAX,
        "340282366920938463463374607431768211455",
    );
    round_trip(&mut heap, i64::MIN, "-9223372036854775808");
    round_trip(
        &mut heap,
        BigInt::from(-7) * BigInt::from(u128::MAX),
        "-2381976568446569244243622252022377480185",
    );
    round_trip(&mut heap, vec![Some(1.5f64), None], "[1.5, None]");
    round_trip(
        &mut heap,
        (1u8, "x".to_string(), (true,)),
        "(1, 'x', (True,))",
    );
    round_trip(
        &mut heap,
        BTreeMap::from([(2i32, vec!["b".to_string()])]),
        "{2: ['b']}",
    );
    round_trip(&mut heap, BTreeSet::from([3u16, 1]), "{1, 3}");
    let map: HashMap<String, i8> = [("k".to_string(), -1)].into();
    round_trip(&mut heap, map, "{'k': -1}");
}

#[test]
fn numeric_rules_and_errors() {
    let mut heap = Heap::new();
    let big = 300i64.to_py(&mut heap).unwrap();
    let err = u8::from_py(&heap, big).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Overflow);
    assert_eq!(err.message(), "int 300 does not fit in u8");
    assert_eq!(
        f64::from_py(&heap, big).unwrap(),
        300.0,
        "ints widen to floats"
    );
    let t = heap.bool(true);
    assert_eq!(i32::from_py(&heap, t).unwrap(), 1, "bool is an int");
    let s = "x".to_py(&mut heap).unwrap();
    assert_eq!(i32::from_py(&heap, s).unwrap_err().kind(), ErrorKind::Type);

    let nested: BTreeMap<String, Vec<i64>> = [("a".to_string(), vec![1, 2])].into();
    let obj = nested.to_py(&mut heap).unwrap();
    let err = BTreeMap::<String, Vec<String>>::from_py(&heap, obj).unwrap_err();
    assert_eq!(err.message(), "['a'][0]: expected str, got 'int'");
    let pair = (1, 2, 3).to_py(&mut heap).unwrap();
    let err = <(i32, i32)>::from_py(&heap, pair).unwrap_err();
    assert_eq!(err.message(), "expected 2 items, got 3");
}
