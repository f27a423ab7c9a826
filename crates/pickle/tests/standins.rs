//! Stand-ins: pickles of classes this process has never heard of load under
//! the stand-in resolver, run nothing, and re-pickle to CPython's bytes.

use oracle::python_json_lines;
use pickle::{dumps, DumpOptions, ErrorKind, LoadOptions, StandInResolver, Unpickler};
use pyobj::Heap;
use reduce::standin::{Construction, StandIn};
use reduce::Registry;

const OBJECTS: &str = r#"
import collections, datetime, decimal, fractions, json, pickle, uuid, os

class Plain:
    pass

class WithSlots:
    __slots__ = ("a", "b")
    def __init__(self):
        self.a, self.b = 1, [2]

class Custom:
    def __init__(self, x): self.x = x
    def __reduce__(self): return (Custom, (self.x,), {"extra": self.x})

class NewArgs:
    def __new__(cls, v):
        o = object.__new__(cls); o.v = v; return o
    def __getnewargs__(self): return (self.v,)

class KwArgs:
    def __new__(cls, *, k):
        o = object.__new__(cls); o.k = k; return o
    def __getnewargs_ex__(self): return ((), {"k": self.k})

class MyList(list):
    pass

class MyDict(dict):
    pass

class Evil:
    def __reduce__(self): return (os.system, ("echo pwned",))

class Outer:
    class Inner:
        def __init__(self):
            self.v = 1

for c in (Plain, WithSlots, Custom, NewArgs, KwArgs, MyList, MyDict, Evil, Outer, Outer.Inner):
    c.__module__ = "unknown_app"
    globals()[c.__name__] = c

p = Plain(); p.name = "p"; p.self = p
ml = MyList([1, 2, 3]); ml.tag = "t"
md = MyDict(a=1); md.tag = "d"
values = [
    p, WithSlots(), Custom(5), NewArgs("v"), KwArgs(k=3), ml, md, Evil(),
    collections.OrderedDict(a=1, b=2), collections.deque([1, 2]), collections.defaultdict(list, {"x": [1]}),
    datetime.date(2024, 2, 29), datetime.datetime(2024, 2, 29, 12, 30, 1, 5), datetime.timedelta(days=1, seconds=2),
    decimal.Decimal("1.25"), fractions.Fraction(3, 4), uuid.UUID(int=12345),
    [Custom(1), Custom(1)],
    [KwArgs(k=1), KwArgs(k=2), Plain()],
    # Nested: protocols below 4 name them as getattr(Outer, 'Inner').
    Outer.Inner(), Outer.Inner, [Outer.Inner(), Outer.Inner()],
]
import sys
sys.modules["unknown_app"] = sys.modules[__name__]
for v in values:
    for proto in range(6):
        try:
            data = pickle.dumps(v, proto)
        except Exception as e:
            continue
        print(json.dumps({"proto": proto, "data": data.hex(), "repr": type(v).__name__}))
"#;

#[test]
fn unknown_classes_load_as_stand_ins_and_redump_identically() {
    let mut total = 0;
    let mut identical = 0;
    let mut failures = Vec::new();
    for record in python_json_lines(OBJECTS, &[]) {
        let text = record["data"].as_str().unwrap();
        let data: Vec<u8> = oracle::unhex(text);
        let protocol = record["proto"].as_i64().unwrap() as i32;
        let mut heap = Heap::new();
        let mut registry = Registry::new(&mut heap);
        let obj = Unpickler::from_slice(&data, LoadOptions::new())
            .resolver(Box::new(StandInResolver))
            .load(&mut heap, &mut registry)
            .unwrap_or_else(|e| panic!("{} p{protocol}: {e}", record["repr"]));
        let again = dumps(
            &mut heap,
            &registry,
            obj,
            &DumpOptions::new().protocol(protocol).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{} p{protocol}: {e}", record["repr"]));
        total += 1;
        if again == data {
            identical += 1;
        } else {
            failures.push(format!("{} p{protocol}", record["repr"]));
        }
    }
    // Every case must round-trip except those whose bytes no pickler can
    // reproduce from the pickle alone (none are known today).
    assert!(total > 80, "{total}");
    assert_eq!(identical, total, "not identical: {failures:?}");
}

#[test]
fn a_malicious_reduce_is_recorded_not_run() {
    let out = oracle::python(
        "import os, pickle\nclass Evil:\n    def __reduce__(self): return (os.system, ('echo pwned',))\nprint(pickle.dumps(Evil(), 4).hex())",
        &[],
    );
    let data: Vec<u8> = oracle::unhex(&out);
    let data = &data[..];
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);
    let err = pickle::loads(&mut heap, &mut registry, data, &LoadOptions::new()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsafe);
    assert!(err.to_string().contains("posix.system"), "{err}");
    let obj = Unpickler::from_slice(data, LoadOptions::new())
        .resolver(Box::new(StandInResolver))
        .load(&mut heap, &mut registry)
        .unwrap();
    let record = heap.native::<StandIn>(obj).unwrap().unwrap().clone();
    let Construction::Call { args } = record.construction else {
        panic!("expected a recorded call, got {:?}", record.construction);
    };
    assert_eq!(heap.repr(args).unwrap(), "('echo pwned',)");
    assert!(registry.is_stand_in(record.callable));
}

#[test]
fn sniff_reports_globals_and_persistent_ids_without_loading() {
    let out = oracle::python(
        r#"
import io, os, pickle, collections
class P(pickle.Pickler):
    def persistent_id(self, obj):
        return ("blob", 7) if obj == "weights" else None
for proto in (0, 2, 4):
    f = io.BytesIO()
    P(f, proto).dump([collections.OrderedDict(a=1), "weights", os.getcwd])
    print(f.getvalue().hex())
"#,
        &[],
    );
    for (proto, line) in out.lines().enumerate() {
        let data: Vec<u8> = oracle::unhex(line);
        let found = pickle::sniff(&data, &LoadOptions::new()).unwrap();
        let names: Vec<String> = found
            .globals
            .iter()
            .map(|g| format!("{}.{}", g.module, g.name))
            .collect();
        assert_eq!(
            names,
            ["collections.OrderedDict", "posix.getcwd"],
            "protocol index {proto}"
        );
        for g in &found.globals {
            assert!(
                matches!(data[g.offset], b'c' | 0x93),
                "offset {} is not a global opcode",
                g.offset
            );
        }
        let expected_pid = if proto == 0 {
            "\"('blob', 7)\""
        } else {
            "('blob', 7)"
        };
        assert_eq!(found.persistent_ids, [expected_pid]);
        assert_eq!(found.end, data.len());
    }
}
