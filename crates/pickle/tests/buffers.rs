//! Protocol 5's PickleBuffer and out-of-band buffers against CPython: the
//! same bytes in band and out of band, the same callback decisions, the same
//! errors, and pickles that cross between the two with their buffers.

use std::cell::RefCell;
use std::rc::Rc;

use oracle::{hex, python, python_json_lines, unhex};
use pickle::{dumps, loads, DumpOptions, ErrorKind, LoadOptions, Pickler, Unpickler};
use pyobj::{Heap, Obj};
use reduce::Registry;

/// Each case: a value built from PickleBuffers, and how the callback answers
/// ("none": no callback, "oob": always out of band, "alt": in band every
/// second call, starting out of band).
const CPYTHON: &str = r#"
import json, pickle
from pickle import PickleBuffer as PB
big = bytes(range(256)) * 400
def cases():
    ro, rw = PB(b"abc"), PB(bytearray(b"xyz"))
    yield "ro", ro
    yield "rw", rw
    yield "empty", PB(b"")
    yield "twice", [ro, ro, rw, rw]
    yield "big", [PB(big), PB(bytearray(big)), b"tail"]
    yield "mixed", {"a": ro, "b": [rw, 1, ro]}
for policy in ("none", "oob", "alt"):
    for name, value in cases():
        seen = []
        def callback(buf):
            seen.append(buf.raw().readonly)
            return policy == "alt" and len(seen) % 2 == 0
        data = pickle.dumps(value, 5, buffer_callback=None if policy == "none" else callback)
        print(json.dumps([policy, name, data.hex(), seen]))
"#;

fn build(heap: &mut Heap, name: &str) -> Obj {
    let big: Vec<u8> = (0..400).flat_map(|_| 0..=255u8).collect();
    let abc = heap.new_bytes(b"abc");
    let ro = heap.new_picklebuffer(abc).unwrap();
    let xyz = heap.new_bytearray(b"xyz");
    let rw = heap.new_picklebuffer(xyz).unwrap();
    match name {
        "ro" => ro,
        "rw" => rw,
        "empty" => {
            let empty = heap.new_bytes(b"");
            heap.new_picklebuffer(empty).unwrap()
        }
        "twice" => heap.new_list(vec![ro, ro, rw, rw]),
        "big" => {
            let a = heap.new_bytes(&big);
            let b = heap.new_bytearray(&big);
            let a = heap.new_picklebuffer(a).unwrap();
            let b = heap.new_picklebuffer(b).unwrap();
            let tail = heap.new_bytes(b"tail");
            heap.new_list(vec![a, b, tail])
        }
        "mixed" => {
            let one = heap.new_int(1);
            let inner = heap.new_list(vec![rw, one, ro]);
            let (a, b) = (heap.new_str("a"), heap.new_str("b"));
            heap.new_dict_from(vec![(a, ro), (b, inner)]).unwrap()
        }
        other => panic!("unknown case {other}"),
    }
}

#[test]
fn picklebuffers_pickle_to_cpython_bytes_and_callback_decisions() {
    let mut compared = 0;
    for record in python_json_lines(CPYTHON, &[]) {
        let [policy, name, data, seen] = record.as_array().unwrap().as_slice() else {
            panic!("bad record {record}")
        };
        let (policy, name) = (policy.as_str().unwrap(), name.as_str().unwrap());
        let mut heap = Heap::new();
        let registry = Registry::new(&mut heap);
        let value = build(&mut heap, name);
        let calls: Rc<RefCell<Vec<bool>>> = Rc::default();
        let log = calls.clone();
        let mut pickler = Pickler::new(Vec::new(), DumpOptions::new().protocol(5).unwrap());
        if policy != "none" {
            let alternate = policy == "alt";
            pickler = pickler
                .buffer_callback(Box::new(move |heap, buffer| {
                    let mut log = log.borrow_mut();
                    log.push(heap.as_picklebuffer(buffer)?.readonly());
                    Ok(alternate && log.len().is_multiple_of(2))
                }))
                .unwrap();
        }
        pickler.dump(&mut heap, &registry, value).unwrap();
        let ours = pickler.into_inner();
        assert_eq!(hex(&ours), data.as_str().unwrap(), "{policy} {name}");
        let expected: Vec<bool> = seen
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_bool().unwrap())
            .collect();
        assert_eq!(
            *calls.borrow(),
            expected,
            "callback calls for {policy} {name}"
        );
        compared += 1;
    }
    assert_eq!(compared, 18);
}

#[test]
fn out_of_band_pickles_cross_between_cpython_and_us() {
    // Ours → CPython: CPython loads our out-of-band pickle with the buffers
    // we kept and sees the same values and read-only flags.
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);
    let value = build(&mut heap, "mixed");
    let kept: Rc<RefCell<Vec<Obj>>> = Rc::default();
    let sink = kept.clone();
    let mut pickler = Pickler::new(Vec::new(), DumpOptions::new().protocol(5).unwrap())
        .buffer_callback(Box::new(move |_, buffer| {
            sink.borrow_mut().push(buffer);
            Ok(false)
        }))
        .unwrap();
    pickler.dump(&mut heap, &registry, value).unwrap();
    let data = pickler.into_inner();
    let kept = kept.borrow().clone();
    let buffer_args: Vec<String> = kept
        .iter()
        .map(|&b| {
            let view = heap.as_picklebuffer(b).unwrap();
            format!(
                "{}:{}",
                view.readonly(),
                hex(heap.picklebuffer_bytes(b).unwrap())
            )
        })
        .collect();
    let script = r#"
import pickle, sys
bufs = []
for arg in sys.argv[2:]:
    ro, data = arg.split(":")
    raw = bytes.fromhex(data)
    bufs.append(pickle.PickleBuffer(raw if ro == "true" else bytearray(raw)))
v = pickle.loads(bytes.fromhex(sys.argv[1]), buffers=bufs)
def show(x):
    m = memoryview(x)
    return (bytes(m), m.readonly)
print(show(v["a"]), [show(v["b"][0]), v["b"][1], show(v["b"][2])], v["a"] is v["b"][2])
"#;
    let mut args = vec![hex(&data)];
    args.extend(buffer_args);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(
        python(script, &args).trim(),
        "(b'abc', True) [(b'xyz', False), 1, (b'abc', True)] False"
    );

    // CPython → ours: its out-of-band pickle loads with our buffers, and
    // READONLY_BUFFER turns a writable buffer into a read-only view.
    let theirs = unhex(python(
        "import pickle; print(pickle.dumps([pickle.PickleBuffer(b'ab'), pickle.PickleBuffer(bytearray(b'cd'))], 5, buffer_callback=lambda b: False).hex())",
        &[],
    ).trim());
    let ab = heap.new_bytearray(b"ab");
    let cd = heap.new_bytearray(b"cd");
    let loaded = Unpickler::from_slice(&theirs, LoadOptions::new())
        .buffers(vec![ab, cd])
        .load(&mut heap, &mut registry)
        .unwrap();
    let items = heap.as_list(loaded).unwrap().to_vec();
    let first = heap.as_picklebuffer(items[0]).unwrap();
    assert!(first.readonly(), "READONLY_BUFFER makes the view read-only");
    assert_eq!(first.target(), ab, "the view shares the buffer's memory");
    assert_eq!(items[1], cd, "a writable buffer is pushed as it is");
}

#[test]
fn errors_match_cpython() {
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);
    let abc = heap.new_bytes(b"abc");
    let view = heap.new_picklebuffer(abc).unwrap();
    for protocol in 0..5 {
        let err = dumps(
            &mut heap,
            &registry,
            view,
            &DumpOptions::new().protocol(protocol).unwrap(),
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Pickling);
        assert_eq!(
            err.message(),
            "PickleBuffer can only pickled with protocol >= 5"
        );
    }
    let err = Pickler::new(Vec::new(), DumpOptions::new().protocol(4).unwrap())
        .buffer_callback(Box::new(|_, _| Ok(true)))
        .unwrap_err();
    assert_eq!(err.message(), "buffer_callback needs protocol >= 5");

    let no_buffers = loads(
        &mut heap,
        &mut registry,
        b"\x80\x05\x97.",
        &LoadOptions::new(),
    )
    .unwrap_err();
    assert_eq!(
        no_buffers.message(),
        "pickle stream refers to out-of-band data but no *buffers* argument was given"
    );
    let err = loads(
        &mut heap,
        &mut registry,
        b"\x80\x05K\x01\x98.",
        &LoadOptions::new(),
    )
    .unwrap_err();
    assert_eq!(
        err.message(),
        "memoryview: a bytes-like object is required, not 'int'"
    );
    let err = Unpickler::from_slice(b"\x80\x05\x97\x97.", LoadOptions::new())
        .buffers(vec![abc])
        .load(&mut heap, &mut registry)
        .unwrap_err();
    assert_eq!(err.message(), "not enough out-of-band buffers");

    let err = reduce::copy::deepcopy(&mut heap, &registry, view).unwrap_err();
    assert_eq!(err.message(), "cannot pickle 'pickle.PickleBuffer' object");
    let err = reduce::copy::copy(&mut heap, &registry, view).unwrap_err();
    assert_eq!(err.message(), "cannot pickle 'pickle.PickleBuffer' object");
}
