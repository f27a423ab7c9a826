//! Which values the direct writer writes itself and which it leaves to the
//! heap route. The integration tests check that `to_vec`'s bytes are the
//! heap route's; these check that the fast route is the one taken, which
//! those bytes cannot show.

use serde::ser::{
    Serialize, SerializeMap, SerializeSeq, SerializeStruct, SerializeTuple, Serializer,
};

use super::writer;

#[derive(serde::Serialize)]
struct Owner {
    name: String,
    email: String,
}

#[derive(serde::Serialize)]
struct Record {
    id: u64,
    name: String,
    score: f64,
    tags: Vec<String>,
    owner: Option<Owner>,
}

#[derive(serde::Serialize)]
enum Variant {
    Unit,
    Newtype(i32),
    Tuple(i32, String),
    Struct { x: i32, y: Vec<u8> },
}

/// A map key of any scalar kind.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Key {
    Int(i128),
    Wide(u128),
    Float(f64),
    Bool(bool),
    Str(&'static str),
    Char(char),
    Unit(()),
    Pair(i32, i32),
}

/// Entries written as a map, in order, whatever their keys.
struct Pairs(Vec<(Key, i32)>);

impl Serialize for Pairs {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// A sequence whose length serde cannot tell in advance.
struct Unsized(Vec<i32>);

impl Serialize for Unsized {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().filter(|_| true))
    }
}

/// `to_vec`'s bytes, asserting they came from the direct writer.
fn direct<T: Serialize>(value: &T, protocol: u8) -> Vec<u8> {
    let bytes = writer::to_vec(value, protocol)
        .unwrap_or_else(|_| panic!("protocol {protocol}: the heap route was taken"));
    let options = crate::DumpOptions::new().protocol(protocol.into()).unwrap();
    let via_heap = super::to_vec_via_heap(value, &options).unwrap();
    assert_eq!(bytes, via_heap, "protocol {protocol}");
    bytes
}

fn falls_back<T: Serialize>(value: &T, protocol: u8) -> bool {
    writer::to_vec(value, protocol).is_err()
}

fn records(n: u64) -> Vec<Record> {
    (0..n)
        .map(|i| Record {
            id: i * 1_000_003,
            name: format!("record-{i}"),
            score: i as f64 / 7.0,
            tags: vec![format!("t{}", i % 10), "common".into()],
            owner: (i % 3 == 0).then(|| Owner {
                name: format!("owner {i}"),
                email: format!("o{i}@example.org"),
            }),
        })
        .collect()
}

#[test]
fn common_values_take_the_direct_route() {
    for protocol in 0..=5 {
        direct(&records(3000), protocol);
        direct(
            &vec![
                Variant::Unit,
                Variant::Newtype(-7),
                Variant::Tuple(1, "one".into()),
                Variant::Struct {
                    x: 3,
                    y: vec![1, 2],
                },
            ],
            protocol,
        );
        direct(
            &(1u8, -70_000i64, 1u128 << 100, 'é', "x".repeat(300)),
            protocol,
        );
        direct(&vec![vec![0i32; 3]; 2000], protocol);
        let keys = Pairs(vec![
            (Key::Int(1), 0),
            (Key::Float(1.5), 1),
            (Key::Float(f64::NAN), 2),
            (Key::Float(f64::NAN), 3),
            (Key::Str("1"), 4),
            (Key::Unit(()), 5),
            (Key::Wide(u128::MAX), 6),
            (Key::Int(1 << 100), 7),
        ]);
        direct(&keys, protocol);
    }
}

#[test]
fn values_needing_python_semantics_take_the_heap_route() {
    // Keys that are one dict key in Python.
    let equal_keys = [
        (Key::Int(1), Key::Float(1.0)),
        (Key::Bool(true), Key::Int(1)),
        (Key::Float(-0.0), Key::Int(0)),
        (Key::Int(1 << 100), Key::Float(2f64.powi(100))),
        (Key::Wide(1 << 127), Key::Float(2f64.powi(127))),
        (Key::Str("k"), Key::Char('k')),
    ];
    for (a, b) in equal_keys {
        assert!(falls_back(&Pairs(vec![(a, 1), (b, 2)]), 4));
    }
    // A tuple key; a sequence of unknown length; bytes before protocol 3
    // (which pickle through `_codecs.encode`).
    assert!(falls_back(&Pairs(vec![(Key::Pair(1, 2), 1)]), 4));
    assert!(falls_back(&Unsized(vec![1, 2]), 4));
    let bytes = Variant::Struct { x: 1, y: vec![1] };
    assert!(!falls_back(&bytes, 2));
    struct Bytes;
    impl Serialize for Bytes {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(b"ab")
        }
    }
    assert!(falls_back(&Bytes, 2));
    direct(&Bytes, 3);
}

/// A container whose length given up front is not the number of entries
/// that follow: `(kind, claimed, actual)`.
struct Lying(&'static str, usize, usize);

impl Serialize for Lying {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        const FIELDS: [&str; 4] = ["a", "b", "c", "d"];
        let Lying(kind, claimed, actual) = *self;
        match kind {
            "seq" => {
                let mut seq = serializer.serialize_seq(Some(claimed))?;
                for i in 0..actual {
                    seq.serialize_element(&i)?;
                }
                seq.end()
            }
            "tuple" => {
                let mut tuple = serializer.serialize_tuple(claimed)?;
                for i in 0..actual {
                    tuple.serialize_element(&i)?;
                }
                tuple.end()
            }
            "map" => {
                let mut map = serializer.serialize_map(Some(claimed))?;
                for i in 0..actual {
                    map.serialize_entry(&i, &i)?;
                }
                map.end()
            }
            _ => {
                let mut fields = serializer.serialize_struct("Lying", claimed)?;
                for (i, name) in FIELDS.iter().enumerate().take(actual) {
                    fields.serialize_field(name, &i)?;
                }
                fields.end()
            }
        }
    }
}

#[test]
fn a_length_that_turns_out_wrong_takes_the_heap_route() {
    for kind in ["seq", "tuple", "map", "struct"] {
        for protocol in 0..=5 {
            direct(&Lying(kind, 3, 3), protocol);
            for (claimed, actual) in [(1, 2), (2, 3), (3, 2), (2, 1), (0, 1), (1, 0)] {
                assert!(
                    falls_back(&Lying(kind, claimed, actual), protocol),
                    "{kind} of {claimed} with {actual} at protocol {protocol}"
                );
            }
        }
    }
    // Past a batch: a list claiming 1,000 entries that gives 1,001.
    assert!(falls_back(&Lying("seq", 1000, 1001), 4));
    assert!(falls_back(&Lying("map", 1001, 1000), 4));
}

/// A struct named `.0` that announces `.1` fields and writes the fields
/// named in `.2`, each set to its position.
struct Fields(&'static str, usize, &'static [&'static str]);

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Fields(name, claimed, names) = *self;
        let mut fields = serializer.serialize_struct(name, claimed)?;
        for (i, field) in names.iter().enumerate() {
            fields.serialize_field(field, &i)?;
        }
        fields.end()
    }
}

#[test]
fn structs_that_leave_their_shape_are_written_or_sent_to_the_heap_route() {
    const AB: &[&str] = &["a", "b"];
    const CDE: &[&str] = &["c", "d", "e"];
    for protocol in 0..=5 {
        // Two shapes side by side in the slot vector, and a type whose
        // name and length match a shape but whose fields do not.
        direct(
            &[
                Fields("L", 2, AB),
                Fields("O", 3, CDE),
                Fields("L", 2, &["c", "d"]),
                Fields("L", 2, AB),
                Fields("L", 2, &["a", "c"]),
                Fields("E", 0, &[]),
                Fields("L", 2, &["b", "a"]),
            ],
            protocol,
        );
        // A struct of shape `L` that writes a third field reads the slot
        // of `O`'s first field, named as it is: the lie is still caught.
        let overrun = [
            Fields("L", 2, AB),
            Fields("O", 3, CDE),
            Fields("L", 2, &["a", "b", "c"]),
        ];
        assert!(falls_back(&overrun, protocol), "protocol {protocol}");
        // Fewer fields than announced, and a repeated name: on the shape,
        // after leaving it, and while a first value records it.
        let wrong: [(usize, &[&str]); 4] = [
            (2, &["a"]),
            (2, &["a", "a"]),
            (2, &["b", "b"]),
            (3, &["c", "a", "c"]),
        ];
        for (claimed, fields) in wrong {
            let value = [Fields("L", 2, AB), Fields("L", claimed, fields)];
            assert!(
                falls_back(&value, protocol),
                "{fields:?} at protocol {protocol}"
            );
        }
        let empty_then_one = [Fields("E", 0, &[]), Fields("E", 0, &["a"])];
        assert!(falls_back(&empty_then_one, protocol), "protocol {protocol}");
    }
}
