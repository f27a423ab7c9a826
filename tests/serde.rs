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
