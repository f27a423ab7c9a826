//! The serde bridge against CPython: Rust values pickled with `to_vec` load
//! in python3 and come back (as CPython re-pickles them) equal; CPython
//! re-pickles our output to the same bytes; pickles of Python class
//! instances read into structs; mismatches name their path.

use std::collections::{BTreeMap, HashMap};

use num_bigint::BigInt;
use pickle::{from_slice, to_vec, SerdeError};
use reduce::serde::Bytes;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
enum Shape {
    Empty,
    Circle(f64),
    Rect(u32, u32),
    Poly {
        points: Vec<(i32, i32)>,
        closed: bool,
    },
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Inner {
    label: String,
    weight: Option<f32>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Everything {
    flag: bool,
    small: i8,
    unsigned: u64,
    wide: i128,
    #[serde(with = "reduce::serde::bigint")]
    huge: BigInt,
    ratio: f64,
    text: String,
    emoji: char,
    blob: Bytes,
    maybe: Option<Inner>,
    nothing: Option<Inner>,
    list: Vec<Inner>,
    pair: (u8, String),
    map: HashMap<String, i64>,
    ordered: BTreeMap<i32, Vec<String>>,
    shapes: Vec<Shape>,
    unit: (),
}

fn everything() -> Everything {
    Everything {
        flag: true,
        small: -128,
        unsigned: u64::MAX,
        wide: -(1i128 << 100),
        huge: "-123456789012345678901234567890123456789012345678901234567890"
            .parse()
            .unwrap(),
        ratio: -0.1,
        text: "naïve café — ✓ \u{1F600}".into(),
        emoji: '🦀',
        blob: Bytes(vec![0, 1, 2, 255]),
        maybe: Some(Inner {
            label: "x".into(),
            weight: Some(1.5),
        }),
        nothing: None,
        list: vec![
            Inner {
                label: "a".into(),
                weight: None,
            },
            Inner {
                label: "".into(),
                weight: Some(-0.0),
            },
        ],
        pair: (7, "seven".into()),
        map: [("one".to_string(), 1), ("minus".to_string(), -1)].into(),
        ordered: [(3, vec!["c".into()]), (-1, vec![])].into(),
        shapes: vec![
            Shape::Empty,
            Shape::Circle(2.5),
            Shape::Rect(3, 4),
            Shape::Poly {
                points: vec![(0, 0), (1, -1)],
                closed: true,
            },
        ],
        unit: (),
    }
}

/// python3 loads our pickle, checks a few values as Python sees them, and
/// re-pickles it at the same protocol.
const CPYTHON_ROUND_TRIP: &str = r#"
import pickle, sys
data = bytes.fromhex(sys.argv[1])
v = pickle.loads(data)
assert v["huge"] == -123456789012345678901234567890123456789012345678901234567890, v["huge"]
assert v["unsigned"] == 2**64 - 1 and v["wide"] == -(2**100)
assert v["blob"] == b"\x00\x01\x02\xff" and v["pair"] == (7, "seven")
assert v["shapes"] == ["Empty", {"Circle": 2.5}, {"Rect": (3, 4)}, {"Poly": {"points": [(0, 0), (1, -1)], "closed": True}}]
assert v["nothing"] is None and v["unit"] is None and v["emoji"] == "\U0001f980"
print(pickle.dumps(v, int(sys.argv[2])).hex())
"#;

#[test]
fn rust_values_round_trip_through_cpython_at_every_protocol() {
    let value = everything();
    for protocol in 0..=5 {
        let ours = to_vec(&value, protocol).unwrap();
        let theirs = oracle::unhex(
            oracle::python(
                CPYTHON_ROUND_TRIP,
                &[&oracle::hex(&ours), &protocol.to_string()],
            )
            .trim(),
        );
        // Our pickler writes what CPython writes for the same objects.
        assert_eq!(
            oracle::hex(&theirs),
            oracle::hex(&ours),
            "protocol {protocol}"
        );
        let back: Everything = from_slice(&theirs).unwrap();
        assert_eq!(back, value, "protocol {protocol}");
    }
}

#[derive(Deserialize, Debug, PartialEq)]
struct User {
    name: String,
    age: u8,
    tags: Vec<String>,
    friend: Option<Box<User>>,
}

const PYTHON_USERS: &str = r#"
import pickle, sys
class User:
    def __init__(self, name, age, tags, friend=None):
        self.name, self.age, self.tags, self.friend = name, age, tags, friend
class Slotted:
    __slots__ = ("name", "age", "tags", "friend")
    def __init__(self, name, age, tags):
        self.name, self.age, self.tags, self.friend = name, age, tags, None
shared = ["admin", "ops"]
ada = User("Ada", 36, shared)
users = [ada, User("Grace", 45, shared, friend=ada), Slotted("Alan", 41, [])]
print(pickle.dumps({"users": users}, int(sys.argv[1])).hex())
"#;

#[test]
fn python_instances_read_into_structs_through_their_attributes() {
    for protocol in ["2", "4", "5"] {
        let bytes = oracle::unhex(oracle::python(PYTHON_USERS, &[protocol]).trim());
        let users: HashMap<String, Vec<User>> = from_slice(&bytes).unwrap();
        let users = &users["users"];
        assert_eq!(users.len(), 3);
        assert_eq!(users[0].tags, ["admin", "ops"]);
        // The shared tag list and the shared Ada are read once per reference.
        assert_eq!(users[1].tags, users[0].tags);
        assert_eq!(users[1].friend.as_deref(), Some(&users[0]));
        assert_eq!(users[2].name, "Alan");
        assert_eq!(users[2].friend, None);
    }
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)] // only the errors are looked at
struct Root {
    users: Vec<User>,
}

fn value_error<T: for<'de> Deserialize<'de> + std::fmt::Debug>(
    python_value: &str,
) -> reduce::serde::Error {
    let bytes = oracle::unhex(
        oracle::python(
            &format!("import pickle; print(pickle.dumps({python_value}, 4).hex())"),
            &[],
        )
        .trim(),
    );
    match from_slice::<T>(&bytes) {
        Err(SerdeError::Value(e)) => e,
        other => panic!("expected a value error for {python_value}, got {other:?}"),
    }
}

#[test]
fn mismatches_name_their_path() {
    let user = r#"{"name": "a", "age": 1, "tags": [], "friend": None}"#;
    let bad = r#"{"name": "b", "age": "old", "tags": [], "friend": None}"#;
    let e = value_error::<HashMap<String, Vec<User>>>(&format!(r#"{{"users": [{user}, {bad}]}}"#));
    assert_eq!(e.path(), r#"["users"][1].age"#);
    assert!(
        e.message()
            .contains("invalid type: string \"old\", expected u8"),
        "{e}"
    );

    let e = value_error::<Root>(&format!(
        r#"{{"users": [{user}, {user}, {{"name": "c", "age": 300, "tags": [], "friend": None}}]}}"#
    ));
    assert_eq!(e.path(), ".users[2].age");
    assert!(
        e.message()
            .contains("invalid value: integer `300`, expected u8"),
        "{e}"
    );
    assert_eq!(e.to_string(), format!("at .users[2].age: {}", e.message()));

    let e = value_error::<Root>(r#"{"users": [{"name": "d", "age": 2, "tags": ["x", 5]}]}"#);
    assert_eq!(e.path(), ".users[0].tags[1]");

    let e = value_error::<Root>(r#"{"users": [{"name": "e", "tags": []}]}"#);
    assert_eq!(e.path(), ".users[0]");
    assert_eq!(e.message(), "missing field `age`");

    let e = value_error::<i64>("2**70");
    assert!(e.message().contains("1180591620717411303424"), "{e}");
    assert!(e.message().contains("expected i64"), "{e}");
    let e = value_error::<BTreeMap<String, u8>>(r#"{"k": -1}"#);
    assert_eq!(e.path(), r#"["k"]"#);
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Node(Vec<Node>);

#[test]
fn a_cycle_is_an_error_not_a_stack_overflow() {
    let bytes = oracle::unhex(
        oracle::python(
            "import pickle; a = []; a.append(a); print(pickle.dumps(a, 2).hex())",
            &[],
        )
        .trim(),
    );
    let err = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || from_slice::<Node>(&bytes).unwrap_err().to_string())
        .unwrap()
        .join()
        .unwrap();
    assert!(err.contains("nesting deeper than 512 levels"), "{err}");
}

#[test]
fn ints_widen_to_floats_and_options_read_none() {
    #[derive(Deserialize, Debug, PartialEq)]
    struct Mixed {
        x: f64,
        y: Option<i32>,
        z: Vec<u16>,
    }
    let bytes = oracle::unhex(
        oracle::python(
            r#"import pickle; print(pickle.dumps({"x": 3, "y": None, "z": (1, 2)}, 2).hex())"#,
            &[],
        )
        .trim(),
    );
    let mixed: Mixed = from_slice(&bytes).unwrap();
    assert_eq!(
        mixed,
        Mixed {
            x: 3.0,
            y: None,
            z: vec![1, 2]
        }
    );
}

/// The shapes serde-pickle's own tests exercise, rewritten for this bridge:
/// tuple keys, newtype and unit structs, nested enums, a set, chars, empty
/// containers, NaN and infinities — through CPython and back.
#[test]
fn serde_pickle_shapes_round_trip_through_cpython() {
    #[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
    struct Meters(f64);
    #[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
    struct Marker;
    #[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
    enum Outer {
        Wrap(Shape),
        Many(Vec<Outer>),
        Leaf,
    }
    #[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
    struct Shapes {
        grid: BTreeMap<(i32, i32), String>,
        distance: Meters,
        marker: Marker,
        nested: Outer,
        set: std::collections::BTreeSet<char>,
        empty_list: Vec<u8>,
        empty_map: HashMap<String, String>,
        specials: Vec<f64>,
    }
    let value = Shapes {
        grid: [((0, 0), "origin".to_string()), ((-1, 2), "x".to_string())].into(),
        distance: Meters(12.5),
        marker: Marker,
        nested: Outer::Many(vec![Outer::Wrap(Shape::Rect(1, 2)), Outer::Leaf]),
        set: ['a', 'é'].into(),
        empty_list: vec![],
        empty_map: HashMap::new(),
        specials: vec![f64::INFINITY, f64::NEG_INFINITY, -0.0],
    };
    let script = r#"
import math, pickle, sys
v = pickle.loads(bytes.fromhex(sys.argv[1]))
assert v["grid"] == {(-1, 2): "x", (0, 0): "origin"}, v["grid"]
assert v["marker"] is None and v["distance"] == 12.5
assert v["nested"] == {"Many": [{"Wrap": {"Rect": (1, 2)}}, "Leaf"]}, v["nested"]
assert v["set"] == ["a", "\u00e9"], v["set"]
assert v["specials"][0] == math.inf and math.copysign(1, v["specials"][2]) == -1
print(pickle.dumps(v, 3).hex())
"#;
    let ours = to_vec(&value, 3).unwrap();
    let theirs = oracle::unhex(oracle::python(script, &[&oracle::hex(&ours)]).trim());
    assert_eq!(oracle::hex(&theirs), oracle::hex(&ours));
    let back: Shapes = from_slice(&theirs).unwrap();
    assert_eq!(back, value);
    // NaN survives too (compared by bits, as NaN != NaN).
    let nan: f64 = from_slice(&to_vec(&f64::NAN, 2).unwrap()).unwrap();
    assert!(nan.is_nan());
}

/// A value of any serde shape, for checking the direct writer against the
/// heap route (`to_object` then `dumps`), which it must equal byte for byte.
#[derive(Debug, Clone)]
enum Any {
    Unit,
    Bool(bool),
    Int(i64),
    Wide(u64),
    Float(f64),
    Char(char),
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<Any>),
    /// A sequence whose length serde does not know in advance.
    Unsized(Vec<Any>),
    Tuple(Vec<Any>),
    Map(Vec<(Any, Any)>),
    Struct(Vec<(&'static str, Any)>),
    Some(Box<Any>),
    UnitVariant(&'static str),
    NewtypeVariant(&'static str, Box<Any>),
    TupleVariant(&'static str, Vec<Any>),
    StructVariant(&'static str, Vec<(&'static str, Any)>),
}

impl Serialize for Any {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{
            SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant, SerializeTuple,
            SerializeTupleVariant,
        };
        match self {
            Any::Unit => s.serialize_unit(),
            Any::Bool(v) => s.serialize_bool(*v),
            Any::Int(v) => s.serialize_i64(*v),
            Any::Wide(v) => s.serialize_u64(*v),
            Any::Float(v) => s.serialize_f64(*v),
            Any::Char(v) => s.serialize_char(*v),
            Any::Str(v) => s.serialize_str(v),
            Any::Bytes(v) => s.serialize_bytes(v),
            Any::List(items) | Any::Unsized(items) => {
                let known = matches!(self, Any::List(_)).then_some(items.len());
                let mut seq = s.serialize_seq(known)?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Any::Tuple(items) => {
                let mut tuple = s.serialize_tuple(items.len())?;
                for item in items {
                    tuple.serialize_element(item)?;
                }
                tuple.end()
            }
            Any::Map(pairs) => {
                let mut map = s.serialize_map(Some(pairs.len()))?;
                for (k, v) in pairs {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Any::Struct(fields) => {
                let mut st = s.serialize_struct("Any", fields.len())?;
                for (name, v) in fields {
                    st.serialize_field(name, v)?;
                }
                st.end()
            }
            Any::Some(v) => s.serialize_some(v),
            Any::UnitVariant(name) => s.serialize_unit_variant("Any", 0, name),
            Any::NewtypeVariant(name, v) => s.serialize_newtype_variant("Any", 1, name, v),
            Any::TupleVariant(name, items) => {
                let mut tv = s.serialize_tuple_variant("Any", 2, name, items.len())?;
                for item in items {
                    tv.serialize_field(item)?;
                }
                tv.end()
            }
            Any::StructVariant(name, fields) => {
                let mut sv = s.serialize_struct_variant("Any", 3, name, fields.len())?;
                for (field, v) in fields {
                    sv.serialize_field(field, v)?;
                }
                sv.end()
            }
        }
    }
}

/// `to_vec` (the direct writer, falling back to the heap) against the heap
/// route, at every protocol: the same bytes, or both an error.
fn assert_same_as_heap_route<T: Serialize + std::fmt::Debug>(value: &T) {
    for protocol in 0..=5 {
        let direct = to_vec(value, protocol);
        let mut heap = pyobj::Heap::new();
        let registry = reduce::Registry::new(&mut heap);
        let via_heap = reduce::serde::to_object(&mut heap, value)
            .map_err(|e| e.to_string())
            .and_then(|obj| {
                let options = pickle::DumpOptions::new().protocol(protocol).unwrap();
                pickle::dumps(&mut heap, &registry, obj, &options).map_err(|e| e.to_string())
            });
        match (direct, via_heap) {
            (Ok(a), Ok(b)) => assert!(a == b, "protocol {protocol}, {value:?}:\n{a:?}\n{b:?}"),
            (Err(_), Err(_)) => {}
            (a, b) => panic!("protocol {protocol}, {value:?}: {a:?} vs {b:?}"),
        }
    }
}

fn ints(n: usize) -> Vec<Any> {
    (0..n as i64).map(|i| Any::Int(i * 7919 - 3000)).collect()
}

fn leaked_names(n: usize) -> Vec<&'static str> {
    (0..n)
        .map(|i| &*Box::leak(format!("f{i}").into_boxed_str()))
        .collect()
}

#[test]
fn direct_writer_matches_the_heap_route_at_batch_edges() {
    for n in [0, 1, 2, 3, 4, 999, 1000, 1001, 2000, 2001] {
        assert_same_as_heap_route(&Any::List(ints(n)));
        assert_same_as_heap_route(&Any::Tuple(ints(n)));
        let pairs = ints(n)
            .into_iter()
            .map(|k| (k.clone(), Any::Str(format!("{k:?}"))));
        assert_same_as_heap_route(&Any::Map(pairs.collect()));
        let fields = leaked_names(n).into_iter().zip(ints(n)).collect::<Vec<_>>();
        assert_same_as_heap_route(&Any::Struct(fields.clone()));
        assert_same_as_heap_route(&Any::StructVariant("V", fields));
    }
    // The everything struct of the CPython round trip, and a big record list.
    assert_same_as_heap_route(&everything());
    assert_same_as_heap_route(&vec![everything(); 300]);
}

#[test]
fn direct_writer_matches_the_heap_route_on_python_key_equality() {
    use Any::*;
    let cases = vec![
        // 1, 1.0 and True are one dict key; -0.0 and 0 too; NaNs never are.
        Map(vec![
            (Int(1), Str("a".into())),
            (Float(1.0), Unit),
            (Bool(true), Unit),
        ]),
        Map(vec![(Float(-0.0), Unit), (Int(0), Int(1))]),
        Map(vec![(Float(f64::NAN), Unit), (Float(f64::NAN), Int(1))]),
        Map(vec![
            (Str("k".into()), Unit),
            (Char('k'), Int(1)),
            (UnitVariant("k"), Int(2)),
        ]),
        Map(vec![
            (Wide(u64::MAX), Unit),
            (Float(1e300), Unit),
            (Float(2.5), Unit),
        ]),
        Map(vec![(Unit, Int(1)), (Some(Box::new(Unit)), Int(2))]),
        // Tuple keys are hashable, list keys are not.
        Map(vec![(Tuple(ints(2)), Unit), (Tuple(ints(2)), Int(3))]),
        Map(vec![(List(ints(2)), Unit)]),
        Map(vec![(Bytes(vec![1, 2]), Unit), (Bytes(vec![1, 2]), Int(1))]),
        // A struct naming one field twice keeps one entry.
        Struct(vec![("a", Int(1)), ("b", Int(2)), ("a", Int(3))]),
        // Field and variant names are interned: later uses are memo fetches.
        List(vec![
            Struct(vec![("Circle", Int(1))]),
            NewtypeVariant("Circle", Box::new(UnitVariant("Circle"))),
            TupleVariant("Circle", ints(4)),
            StructVariant("Circle", vec![("Circle", Str("Circle".into()))]),
        ]),
        Unsized(ints(3)),
        Bytes(vec![]),
        Bytes(vec![7; 70_000]),
        Str("\\ \n \r \u{1a} \0 é ☃ 😀".into()),
        Str("x".repeat(70_000)),
        Float(0.1),
        Float(f64::INFINITY),
        Char('😀'),
        Int(i64::MIN),
        Wide(1 << 31),
    ];
    for case in &cases {
        assert_same_as_heap_route(case);
    }
    assert_same_as_heap_route(&cases);
}

#[test]
fn direct_writer_matches_the_heap_route_on_struct_shapes() {
    let int = Any::Int;
    // Many values of one type: their names are written from the shape, and
    // frames end in the middle of structs.
    let records: Vec<Any> = (0..20_000)
        .map(|i| {
            Any::Struct(vec![
                ("id", int(i)),
                ("name", Any::Str(format!("record-{i}"))),
                ("tags", Any::List(vec![Any::Str("t".into())])),
            ])
        })
        .collect();
    assert_same_as_heap_route(&Any::List(records));
    // One type name with different fields: leaving the shape at the first
    // and the last field, coming back to it, and naming a field twice
    // (off the shape, and while a new shape is recorded).
    let cases = vec![
        Any::Struct(vec![("a", int(1)), ("b", int(2)), ("c", int(3))]),
        Any::Struct(vec![("a", int(1)), ("b", int(2)), ("d", int(3))]),
        Any::Struct(vec![("d", int(1)), ("a", int(2)), ("b", int(3))]),
        Any::Struct(vec![("a", int(1)), ("b", int(2)), ("c", int(3))]),
        Any::Struct(vec![("b", int(1)), ("a", int(2))]),
    ];
    assert_same_as_heap_route(&cases);
    for repeated in [
        vec![("a", int(1)), ("b", int(2)), ("a", int(3))],
        vec![("x", int(1)), ("x", int(2)), ("y", int(3))],
    ] {
        let mut with_shapes = cases.clone();
        with_shapes.push(Any::Struct(repeated.clone()));
        assert_same_as_heap_route(&with_shapes);
        assert_same_as_heap_route(&Any::Struct(repeated));
    }
}

fn any_value() -> impl proptest::strategy::Strategy<Value = Any> {
    use proptest::prelude::*;
    const NAMES: [&str; 4] = ["a", "b", "id", "Circle"];
    let name = proptest::sample::select(&NAMES[..]);
    let leaf = prop_oneof![
        Just(Any::Unit),
        any::<bool>().prop_map(Any::Bool),
        (-70_000i64..70_000).prop_map(Any::Int),
        any::<i64>().prop_map(Any::Int),
        any::<u64>().prop_map(Any::Wide),
        prop_oneof![
            Just(0.0),
            Just(-0.0),
            Just(1.0),
            Just(f64::NAN),
            any::<f64>()
        ]
        .prop_map(Any::Float),
        any::<char>().prop_map(Any::Char),
        "[a-d\\\\\n é😀]{0,6}".prop_map(Any::Str),
        proptest::collection::vec(any::<u8>(), 0..4).prop_map(Any::Bytes),
        name.clone().prop_map(Any::UnitVariant),
    ];
    leaf.prop_recursive(4, 64, 6, move |inner| {
        let fields = proptest::collection::vec((name.clone(), inner.clone()), 0..5);
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Any::List),
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Any::Unsized),
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Any::Tuple),
            proptest::collection::vec((inner.clone(), inner.clone()), 0..5).prop_map(Any::Map),
            fields.clone().prop_map(Any::Struct),
            inner.clone().prop_map(|v| Any::Some(Box::new(v))),
            (name.clone(), inner.clone()).prop_map(|(n, v)| Any::NewtypeVariant(n, Box::new(v))),
            (name.clone(), proptest::collection::vec(inner.clone(), 0..4))
                .prop_map(|(n, v)| Any::TupleVariant(n, v)),
            (name.clone(), fields).prop_map(|(n, f)| Any::StructVariant(n, f)),
        ]
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
    #[test]
    fn direct_writer_matches_the_heap_route(value in any_value()) {
        assert_same_as_heap_route(&value);
    }
}
