//! Standard-library objects pickled by CPython load under the strict
//! resolver (they are registered, implemented in Rust) and re-pickle to
//! CPython's bytes at every protocol.

use oracle::python_json_lines;
use pickle::{dumps, loads, DumpOptions, LoadOptions};
use pyobj::Heap;
use reduce::stdlib::{date_fields, decimal_text};
use reduce::Registry;

const VALUES: &str = r#"
import collections, datetime, decimal, fractions, json, pickle, uuid
od = collections.OrderedDict(a=1, b=[2])
values = [
    od,
    collections.defaultdict(list, {"x": [1]}),
    collections.defaultdict(None, {"y": 2}),
    collections.deque([1, "two"]),
    collections.deque([3], maxlen=5),
    collections.Counter({"a": 2, "b": 1}),
    datetime.date(2024, 2, 29),
    datetime.time(1, 2, 3, 4),
    datetime.datetime(2024, 2, 29, 12, 30, 1, 5),
    datetime.datetime(2024, 2, 29, tzinfo=datetime.timezone.utc),
    datetime.datetime(2024, 2, 29, tzinfo=datetime.timezone(datetime.timedelta(hours=-3), "X")),
    datetime.timedelta(days=-1, seconds=5, microseconds=7),
    decimal.Decimal("-1.2500"),
    fractions.Fraction(-3, 4),
    uuid.UUID(int=0x1234567890abcdef),
    [od, od, {"when": datetime.date(2000, 1, 1)}],
]
for v in values:
    for p in range(6):
        print(json.dumps({"name": type(v).__name__, "proto": p, "data": pickle.dumps(v, p).hex()}))
"#;

#[test]
fn stdlib_objects_load_strictly_and_redump_identically() {
    let mut count = 0;
    for record in python_json_lines(VALUES, &[]) {
        let text = record["data"].as_str().unwrap();
        let data: Vec<u8> = oracle::unhex(text);
        let protocol = record["proto"].as_i64().unwrap() as i32;
        let mut heap = Heap::new();
        let mut registry = Registry::new(&mut heap);
        let obj = loads(&mut heap, &mut registry, &data, &LoadOptions::new())
            .unwrap_or_else(|e| panic!("{} p{protocol}: {e}", record["name"]));
        let again = dumps(
            &mut heap,
            &registry,
            obj,
            &DumpOptions::new().protocol(protocol).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{} p{protocol}: {e}", record["name"]));
        assert!(
            again == data,
            "{} p{protocol}: re-dump differs",
            record["name"]
        );
        count += 1;
    }
    assert_eq!(count, 16 * 6);
}

#[test]
fn typed_access_to_loaded_values() {
    let out = oracle::python(
        "import pickle, datetime, decimal\nprint(pickle.dumps([datetime.date(2024, 2, 29), decimal.Decimal('19.99')], 4).hex())",
        &[],
    );
    let data: Vec<u8> = oracle::unhex(&out);
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);
    let list = loads(&mut heap, &mut registry, &data, &LoadOptions::new()).unwrap();
    let items = heap.as_list(list).unwrap().to_vec();
    assert_eq!(date_fields(&heap, items[0]), Some((2024, 2, 29)));
    assert_eq!(decimal_text(&heap, items[1]).as_deref(), Some("19.99"));
}

#[test]
fn enum_members_round_trip_by_value_and_keep_identity() {
    let out = oracle::python(
        r#"
import enum, pickle, sys, types
m = types.ModuleType("paint"); sys.modules["paint"] = m
class Color(enum.Enum):
    RED = 1
    GREEN = "g"
Color.__module__ = "paint"; m.Color = Color
for p in range(6):
    print(pickle.dumps([Color.RED, Color.GREEN, Color.RED], p).hex())
"#,
        &[],
    );
    for (protocol, line) in out.lines().enumerate() {
        let data: Vec<u8> = oracle::unhex(line);
        let mut heap = Heap::new();
        let mut registry = Registry::new(&mut heap);
        let one = heap.new_int(1);
        let g = heap.new_str("g");
        let color = reduce::stdlib::register_enum(
            &mut heap,
            &mut registry,
            "paint",
            "Color",
            &[("RED", one), ("GREEN", g)],
        )
        .unwrap();
        let list = loads(&mut heap, &mut registry, &data, &LoadOptions::new()).unwrap();
        let items = heap.as_list(list).unwrap().to_vec();
        assert_eq!(items[0], heap.getattr(color, "RED").unwrap().unwrap());
        assert_eq!(items[1], heap.getattr(color, "GREEN").unwrap().unwrap());
        assert_eq!(items[0], items[2]);
        let again = dumps(
            &mut heap,
            &registry,
            list,
            &DumpOptions::new().protocol(protocol as i32).unwrap(),
        )
        .unwrap();
        assert!(again == data, "protocol {protocol}");
    }
}

/// The standard-library names a registry makes on first lookup.
const STANDARD_NAMES: [(&str, &str); 12] = [
    ("datetime", "date"),
    ("datetime", "time"),
    ("datetime", "datetime"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("decimal", "Decimal"),
    ("fractions", "Fraction"),
    ("collections", "OrderedDict"),
    ("collections", "defaultdict"),
    ("collections", "deque"),
    ("collections", "Counter"),
    ("uuid", "UUID"),
];

fn cpython_pickle(expression: &str) -> Vec<u8> {
    let script = format!(
        "import collections, datetime, decimal, pickle, uuid\nprint(pickle.dumps({expression}, 4).hex())"
    );
    oracle::unhex(&oracle::python(&script, &[]))
}

#[test]
fn standard_types_are_made_on_first_lookup_and_stay_the_same_objects() {
    let data = cpython_pickle("decimal.Decimal('1.5')");
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);
    for (module, name) in STANDARD_NAMES {
        assert_eq!(registry.get(module, name), None, "{module}.{name}");
        assert!(registry.is_deferred(module, name), "{module}.{name}");
    }
    let first = loads(&mut heap, &mut registry, &data, &LoadOptions::new()).unwrap();
    let decimal = heap.type_of(first).unwrap();
    assert_eq!(registry.get("decimal", "Decimal"), Some(decimal));
    assert!(!registry.is_deferred("decimal", "Decimal"));
    assert_eq!(registry.name_of(decimal), Some(("decimal", "Decimal")));
    // Only the type the pickle named was made.
    assert!(registry.is_deferred("datetime", "date"));

    // Registered, so rooted: a collection keeps it, and later loads (by
    // either resolver) give instances of the same class, not a stand-in.
    heap.collect();
    assert_eq!(
        registry.lookup(&mut heap, "decimal", "Decimal"),
        Some(decimal)
    );
    let second = pickle::Unpickler::from_slice(&data, LoadOptions::new())
        .resolver(Box::new(pickle::StandInResolver))
        .load(&mut heap, &mut registry)
        .unwrap();
    assert_eq!(heap.type_of(second).unwrap(), decimal);
    assert!(!registry.is_stand_in(decimal));
    assert_eq!(decimal_text(&heap, second).as_deref(), Some("1.5"));
    let again = dumps(&mut heap, &registry, second, &DumpOptions::new()).unwrap();
    assert!(again == data);

    // register_all makes the rest and leaves the made one as it is.
    reduce::stdlib::register_all(&mut heap, &mut registry).unwrap();
    assert_eq!(registry.get("decimal", "Decimal"), Some(decimal));
    for (module, name) in STANDARD_NAMES {
        let class = registry.get(module, name).unwrap();
        assert!(!registry.is_deferred(module, name), "{module}.{name}");
        assert_eq!(registry.name_of(class), Some((module, name)));
        assert_eq!(registry.lookup(&mut heap, module, name), Some(class));
    }
}

#[test]
fn an_embedders_own_class_under_a_standard_name_is_the_one_loaded() {
    let data = cpython_pickle("uuid.UUID(int=5)");
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);
    let own = heap
        .new_class(pyobj::ClassSpec::new("uuid", "UUID"))
        .unwrap();
    registry.register_class(&mut heap, own).unwrap();
    assert!(!registry.is_deferred("uuid", "UUID"));
    let obj = loads(&mut heap, &mut registry, &data, &LoadOptions::new()).unwrap();
    assert_eq!(heap.type_of(obj).unwrap(), own);
    reduce::stdlib::register_all(&mut heap, &mut registry).unwrap();
    assert_eq!(registry.get("uuid", "UUID"), Some(own));
    let again = dumps(&mut heap, &registry, obj, &DumpOptions::new()).unwrap();
    assert!(again == data);
}

#[test]
fn a_class_posing_as_an_unmade_standard_type_is_not_pickled_by_that_name() {
    // CPython: "Can't pickle <class 'datetime.date'>: it's not the same
    // object as datetime.date" — whether or not the real one was made yet.
    for make_real_first in [false, true] {
        let mut heap = Heap::new();
        let mut registry = Registry::new(&mut heap);
        if make_real_first {
            registry.lookup(&mut heap, "datetime", "date").unwrap();
        }
        let impostor = heap
            .new_class(pyobj::ClassSpec::new("datetime", "date"))
            .unwrap();
        let err = dumps(&mut heap, &registry, impostor, &DumpOptions::new()).unwrap_err();
        assert!(
            err.to_string()
                .contains("it's not the same object as datetime.date"),
            "{err}"
        );
    }
}
