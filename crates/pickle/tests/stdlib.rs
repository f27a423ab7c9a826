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
