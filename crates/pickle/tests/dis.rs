//! The disassembler against `pickletools.dis`: identical text, and for bad
//! input the same partial text and the same error message.

use oracle::python_json_lines;

const CASES: &str = r#"
import io, json, pickle, pickletools, random, sys, values
from test import pickletester as t

class Plain:
    pass

class WithState:
    def __init__(self):
        self.a = 1
        self.b = [1, 2]

class Args:
    def __init__(self, x):
        self.x = x
    def __reduce__(self):
        return (Args, (self.x,))

Plain.__module__ = WithState.__module__ = Args.__module__ = "__main__"

def dis(data):
    out = io.StringIO()
    try:
        pickletools.dis(data, out)
        err = None
    except Exception as e:
        err = str(e)
    return out.getvalue(), err

pickles = []
for v in values.generate(int(sys.argv[1]), int(sys.argv[2])):
    for p in range(6):
        try:
            pickles.append(pickle.dumps(v, p))
        except ValueError:
            pass
for name in ["DATA0", "DATA1", "DATA2", "DATA3", "DATA4", "DATA_SET", "DATA_XRANGE", "DATA_COOKIE", "DATA_SET2", "DATA_UEERR"]:
    pickles.append(getattr(t, name))
for p in range(6):
    pickles.append(pickle.dumps([Plain(), WithState(), Args(3), Args("x"), {1, 2}, frozenset({3}), b"b" * 300, bytearray(b"ba")], p))
rng = random.Random(7)
bad = []
for data in pickles[:40] + pickles[-8:]:
    for end in range(len(data)):
        bad.append(data[:end])
    for _ in range(20):
        b = bytearray(data)
        b[rng.randrange(len(b))] = rng.randrange(256)
        bad.append(bytes(b))
bad += [b"(.", b"0.", b"1.", b"p0\n.", b"N\x94\x94.", b"Nh\x00.", b"N(\x94.", b"NN.", b"K\x01K\x02\x85\x85.", b"(K\x01).", b"\x80\x02\x8b\xff\xff\xff\xff.", b"S'abc\n.", b"Sabc\n.", b"S'a\\x4'\n.", b"I1x\n.", b"F1.5x\n.", b"I00\n.", b"I01\n.", b"L12L\n.", b"V\\u12\n."]
for data in pickles + bad:
    out, err = dis(data)
    print(json.dumps({"data": data.hex(), "out": out, "err": err}))
"#;

#[test]
fn output_and_errors_match_pickletools() {
    let mut compared = 0;
    let mut errors = 0;
    for record in python_json_lines(CASES, &["5", "120"]) {
        let data: Vec<u8> = {
            let text = record["data"].as_str().unwrap();
            (0..text.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
                .collect()
        };
        let mut out = String::new();
        let result = pickle::dis::dis(&data, &mut out);
        let want_out = record["out"].as_str().unwrap();
        let want_err = record["err"].as_str();
        assert_eq!(out, want_out, "output differs for {}", record["data"]);
        match (result, want_err) {
            (Ok(_), None) => {}
            (Err(e), Some(message)) => {
                assert_eq!(
                    e.message(),
                    message,
                    "message differs for {}",
                    record["data"]
                );
                errors += 1;
            }
            (Ok(_), Some(message)) => panic!("pickletools says {message:?} for {}", record["data"]),
            (Err(e), None) => panic!("we say {e} for {}", record["data"]),
        }
        compared += 1;
    }
    assert!(
        compared > 3000 && errors > 1000,
        "{compared} cases, {errors} errors"
    );
}

/// Every line is indented by the MARK depth, so 200,000 MARKs would list
/// about 80 GB; the listing stops at its limit with an error instead.
#[test]
fn a_mark_flood_is_refused_not_listed() {
    let mut data = vec![b'('; 200_000];
    data.push(b'.');
    let mut out = String::new();
    let err = pickle::dis::dis(&data, &mut out).unwrap_err();
    assert_eq!(err.kind(), pickle::ErrorKind::Limit);
    assert!(
        err.message()
            .starts_with("listing longer than 67108864 bytes"),
        "{err}"
    );
    assert!(out.len() < (64 << 20) + (1 << 20), "{}", out.len());
}
