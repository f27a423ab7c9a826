//! The Rust half of the Python-oracle harness, shared by every test suite
//! of the workspace (a dev-dependency only; never part of a library).
//!
//! CPython 3.11 (`python3`) is the oracle: a test asks it for values and for
//! what it says about them, rebuilds each value on a [`Heap`], and compares.
//! The Python half is `python/values.py` beside this crate, whose docstring specifies the
//! tagged JSON encoding that [`build`] decodes.
//!
//! Typical use, one python3 process per test rather than per value:
//!
//! ```ignore
//! for record in support::oracle(7, 500, &["repr", "hash"]) {
//!     let mut heap = support::heap();
//!     let obj = support::build(&mut heap, &record["v"]);
//!     let want = support::expected(&record["repr"]);   // Ok(text) or Err(exception name)
//!     ...
//! }
//! ```
//!
//! - [`oracle`]: runs `values.py SEED COUNT OPS...` and parses its records.
//! - [`python`] / [`python_json_lines`]: run any script (with `import values`
//!   available) and get stdout.
//! - [`build`]: decodes one encoded value onto a heap, sharing and cycles
//!   included.
//! - [`parse_float`]: `float.hex()` text (or `nan`/`inf`/`-inf`) to `f64`.
//!
//! Every helper panics with a useful message on failure: these are tests.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

use num_bigint::BigInt;
use pyobj::{HashSeed, Heap, HeapConfig, Obj, Str};
use serde_json::Value;

/// The folder holding `values.py`.
pub fn python_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python")
}

/// Runs `python3 -c script args...` and returns its stdout.
///
/// The environment makes runs reproducible and comparable with a heap built
/// with `HashSeed::Fixed(0)`: `PYTHONHASHSEED=0`, UTF-8 stdio, and
/// `python/` on `PYTHONPATH` so the script can `import values`.
///
/// # Panics
/// If python3 cannot be started or exits unsuccessfully (stderr is shown).
pub fn python(script: &str, args: &[&str]) -> String {
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONIOENCODING", "utf-8")
        .env("PYTHONPATH", python_dir())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3: {e}"));
    if !output.status.success() {
        panic!(
            "python3 failed ({}):\n--- script ---\n{script}\n--- stderr ---\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    String::from_utf8(output.stdout).unwrap_or_else(|e| panic!("python3 printed non-UTF-8: {e}"))
}

/// Runs a script with [`python`] and parses each non-empty stdout line as JSON.
pub fn python_json_lines(script: &str, args: &[&str]) -> Vec<Value> {
    python(script, args)
        .lines()
        .filter(|line| !line.is_empty())
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("python3 printed a bad JSON line ({e}): {line}"))
        })
        .collect()
}

/// `count` generated values for `seed`, each a record `{"v": encoding, op: answer...}`
/// with CPython's answer for each of `ops` (`"repr"`, `"hash"`);
/// see `values.py`.
pub fn oracle(seed: u64, count: usize, ops: &[&str]) -> Vec<Value> {
    let seed = seed.to_string();
    let count = count.to_string();
    let mut args = vec![seed.as_str(), count.as_str()];
    args.extend_from_slice(ops);
    let script = "import sys, values; values.main(['values.py'] + sys.argv[1:])";
    let records = python_json_lines(script, &args);
    assert_eq!(
        records.len().to_string(),
        count,
        "values.py printed too few records"
    );
    records
}

/// An oracle answer as `Ok(text)`, or `Err(exception name)` when CPython raised.
pub fn expected(answer: &Value) -> Result<String, String> {
    match answer {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Object(o) => match o.get("error") {
            Some(Value::String(name)) => Err(name.clone()),
            _ => panic!("bad oracle answer: {answer}"),
        },
        _ => panic!("bad oracle answer: {answer}"),
    }
}

/// A heap hashing str and bytes as CPython does under `PYTHONHASHSEED=0`,
/// which is what [`python`] runs with.
pub fn heap() -> Heap {
    Heap::with_config(HeapConfig::new().hash_seed(HashSeed::Fixed(0)))
}

/// `float.hex()` text, or `nan`, `inf`, `-inf` (with an optional sign), to `f64`.
///
/// # Panics
/// On anything else.
pub fn parse_float(text: &str) -> f64 {
    match text {
        "nan" | "+nan" => return f64::NAN,
        "-nan" => return -f64::NAN,
        "inf" | "+inf" => return f64::INFINITY,
        "-inf" => return f64::NEG_INFINITY,
        _ => {}
    }
    let bad = || -> ! { panic!("not a float.hex() string: {text:?}") };
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let rest = rest.strip_prefix("0x").unwrap_or_else(|| bad());
    let (mantissa, exponent) = rest.split_once('p').unwrap_or((rest, "0"));
    let exponent: i32 = exponent.parse().unwrap_or_else(|_| bad());
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: u64 = 0;
    let mut scale = exponent;
    for (i, c) in whole.chars().chain(fraction.chars()).enumerate() {
        let d = u64::from(c.to_digit(16).unwrap_or_else(|| bad()));
        if digits >> 56 != 0 {
            // More digits than float.hex() ever prints.
            bad();
        }
        digits = (digits << 4) | d;
        if i >= whole.len() {
            scale -= 4;
        }
    }
    // float.hex() prints at most 53 significant bits, so this is exact.
    let magnitude = ldexp(digits as f64, scale);
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

/// `x * 2**exp`, rounding once at the end for any `x` below 2**64 and
/// exponent down to -2044 (float.hex() needs at most 53 bits and -1126).
fn ldexp(mut x: f64, mut exp: i32) -> f64 {
    let pow2 = |e: i32| f64::from_bits(((e + 1023) as u64) << 52);
    while exp > 1023 {
        x *= pow2(1023);
        exp -= 1023;
    }
    while exp < -1022 {
        // An integer x >= 1 stays normal here, so this step is exact.
        x *= pow2(-1022);
        exp += 1022;
    }
    x * pow2(exp)
}

/// Decodes one value in `values.py`'s tagged encoding onto `heap`.
///
/// Containers are allocated when first entered and filled when left (post
/// order), so a `ref` can name a list, dict or tuple whose encoding is still
/// open: that is how cycles arrive. Tuples are allocated with `None`
/// placeholders and patched; sets and frozensets are made when left, as
/// their items must be complete to be hashed (they are never part of a cycle).
/// Iterative, so deep encodings cannot overflow the stack.
///
/// # Panics
/// On a malformed encoding, or if the heap refuses a value (for example an
/// unhashable set item).
pub fn build(heap: &mut Heap, v: &Value) -> Obj {
    Builder::default().build(heap, v)
}

#[derive(Default)]
struct Builder<'v> {
    ids: HashMap<u64, Obj>,
    stack: Vec<Frame<'v>>,
}

/// A container being built: its encoding, its items in order (a dict's keys
/// and values alternate), and how many of them are done.
struct Frame<'v> {
    node: &'v Value,
    items: Vec<&'v Value>,
    built: Vec<Obj>,
    /// Allocated on entry for lists, dicts and tuples; sets are made on exit.
    obj: Option<Obj>,
}

impl<'v> Builder<'v> {
    fn build(mut self, heap: &mut Heap, root: &'v Value) -> Obj {
        let mut result = self.enter(heap, root);
        loop {
            let Some(obj) = result else {
                // The top frame has items left, or just opened.
                let Some(frame) = self.stack.last() else {
                    panic!("builder lost its frames");
                };
                let next = frame.items.get(frame.built.len()).copied();
                result = match next {
                    Some(item) => self.enter(heap, item),
                    None => Some(self.leave(heap)),
                };
                continue;
            };
            match self.stack.last_mut() {
                Some(frame) => {
                    frame.built.push(obj);
                    result = None;
                }
                None => return obj,
            }
        }
    }

    /// Makes a leaf or resolves a ref (returning it), or opens a frame.
    fn enter(&mut self, heap: &mut Heap, node: &'v Value) -> Option<Obj> {
        let tag = node["t"]
            .as_str()
            .unwrap_or_else(|| panic!("encoding without a tag: {node}"));
        let payload = &node["v"];
        let leaf = match tag {
            "none" => heap.none(),
            "bool" => heap.bool(payload.as_bool().unwrap_or_else(|| bad(node))),
            "int" => {
                let text = payload.as_str().unwrap_or_else(|| bad(node));
                let value: BigInt = text.parse().unwrap_or_else(|_| bad(node));
                heap.new_bigint(value)
            }
            "float" => heap.new_float(parse_float(payload.as_str().unwrap_or_else(|| bad(node)))),
            "complex" => {
                let part = |key: &str| parse_float(node[key].as_str().unwrap_or_else(|| bad(node)));
                heap.new_complex(part("re"), part("im"))
            }
            "str" => {
                let points = payload.as_array().unwrap_or_else(|| bad(node));
                let points = points.iter().map(|p| {
                    p.as_u64()
                        .and_then(|p| u32::try_from(p).ok())
                        .unwrap_or_else(|| bad(node))
                });
                let s = Str::from_code_points(points).unwrap_or_else(|e| panic!("{e}: {node}"));
                heap.new_str_from(s)
            }
            "bytes" => heap.new_bytes(&hex_field(node)),
            "bytearray" => heap.new_bytearray(&hex_field(node)),
            "ref" => {
                let id = node["id"].as_u64().unwrap_or_else(|| bad(node));
                *self
                    .ids
                    .get(&id)
                    .unwrap_or_else(|| panic!("ref to unknown id {id}: {node}"))
            }
            "tuple" | "list" | "set" | "frozenset" | "dict" => {
                let raw = payload.as_array().unwrap_or_else(|| bad(node));
                let items: Vec<&Value> = if tag == "dict" {
                    raw.iter()
                        .flat_map(|pair| match pair.as_array().map(Vec::as_slice) {
                            Some([k, v]) => [k, v],
                            _ => bad(node),
                        })
                        .collect()
                } else {
                    raw.iter().collect()
                };
                let obj = match tag {
                    "tuple" => Some(heap.new_tuple(vec![heap.none(); items.len()])),
                    "list" => Some(heap.new_list(Vec::new())),
                    "dict" => Some(heap.new_dict()),
                    _ => None,
                };
                if let (Some(obj), Some(id)) = (obj, node["id"].as_u64()) {
                    self.ids.insert(id, obj);
                }
                self.stack.push(Frame {
                    node,
                    items,
                    built: Vec::new(),
                    obj,
                });
                return None;
            }
            other => panic!("unknown tag {other:?}: {node}"),
        };
        Some(leaf)
    }

    /// Fills (or makes) the top frame's container from its built items.
    fn leave(&mut self, heap: &mut Heap) -> Obj {
        let Some(Frame {
            node, built, obj, ..
        }) = self.stack.pop()
        else {
            panic!("builder lost its frames");
        };
        let fail = |e: pyobj::Error| -> ! { panic!("heap refused {node}: {e}") };
        let obj = match (node["t"].as_str(), obj) {
            (Some("tuple"), Some(obj)) => {
                heap.tuple_mut(obj)
                    .unwrap_or_else(|e| fail(e))
                    .copy_from_slice(&built);
                obj
            }
            (Some("list"), Some(obj)) => {
                heap.list_mut(obj).unwrap_or_else(|e| fail(e)).extend(built);
                obj
            }
            (Some("dict"), Some(obj)) => {
                for pair in built.chunks_exact(2) {
                    heap.dict_set(obj, pair[0], pair[1])
                        .unwrap_or_else(|e| fail(e));
                }
                obj
            }
            (Some("set"), None) => heap.new_set(built).unwrap_or_else(|e| fail(e)),
            (Some("frozenset"), None) => heap.new_frozenset(built).unwrap_or_else(|e| fail(e)),
            _ => bad(node),
        };
        if let Some(id) = node["id"].as_u64() {
            self.ids.insert(id, obj);
        }
        obj
    }
}

fn hex_field(node: &Value) -> Vec<u8> {
    let text = node["v"].as_str().unwrap_or_else(|| bad(node));
    let digit = |c: u8| match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => bad(node),
    };
    let pairs = text.as_bytes().chunks_exact(2);
    if !pairs.remainder().is_empty() {
        bad(node);
    }
    pairs
        .map(|pair| digit(pair[0]) << 4 | digit(pair[1]))
        .collect()
}

fn bad(node: &Value) -> ! {
    panic!("malformed encoding: {node}")
}

/// Bytes from the hex text the Python scripts print.
///
/// # Panics
/// On text that is not hex.
pub fn unhex(text: &str) -> Vec<u8> {
    let text = text.trim();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex from python3"))
        .collect()
}

/// Hex text of `bytes`, to hand to a Python script.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Walks two graphs in parallel and checks that their containers (tuple,
/// list, dict, set, frozenset) correspond one to one — same kinds, same
/// lengths, same sharing and cycles. Returns how many mutable containers
/// (list, dict, set) the two graphs have in common, which is zero for a
/// deep copy or a graph loaded from a pickle.
pub fn same_shape(heap: &Heap, a: Obj, b: Obj) -> Result<usize, String> {
    use pyobj::Object;
    let mut forward: HashMap<Obj, Obj> = HashMap::new();
    let mut backward: HashMap<Obj, Obj> = HashMap::new();
    let mut stack = vec![(a, b)];
    let mut shared = 0;
    while let Some((x, y)) = stack.pop() {
        let (ox, oy) = match (heap.get(x), heap.get(y)) {
            (Ok(ox), Ok(oy)) => (ox, oy),
            _ => return Err("stale handle".into()),
        };
        if ox.kind() != oy.kind() {
            return Err(format!("kinds differ: {:?} vs {:?}", ox.kind(), oy.kind()));
        }
        let children = |o: &Object| -> Option<Vec<Obj>> {
            Some(match o {
                Object::Tuple(items) => items.to_vec(),
                Object::List(items) => items.to_vec(),
                Object::Dict(d) => d.iter().flat_map(|(k, v)| [k, v]).collect(),
                Object::Set(s) | Object::FrozenSet(s) => s.iter().collect(),
                _ => return None,
            })
        };
        let (Some(cx), Some(cy)) = (children(&ox), children(&oy)) else {
            continue;
        };
        match (forward.get(&x), backward.get(&y)) {
            (Some(&fy), Some(&bx)) if fy == y && bx == x => continue,
            (None, None) => {
                forward.insert(x, y);
                backward.insert(y, x);
            }
            _ => return Err(format!("sharing differs at a {:?}", ox.kind())),
        }
        if x == y && matches!(*ox, Object::List(_) | Object::Dict(_) | Object::Set(_)) {
            shared += 1;
        }
        if cx.len() != cy.len() {
            return Err("lengths differ".into());
        }
        stack.extend(cx.into_iter().zip(cy));
    }
    Ok(shared)
}
