//! `repr()` against CPython 3.11: generated values of every built-in kind,
//! every code point and byte, many floats and complexes, and hand-written
//! cases for recursion markers, the depth limit, classes, instances,
//! functions and the int digit limit.

use pyobj::kinds::bytes::{write_bytearray_repr, write_bytes_repr};
use pyobj::kinds::complex::complex_repr;
use pyobj::kinds::float::float_repr;
use pyobj::kinds::str::write_str_repr;
use pyobj::{ClassSpec, ErrorKind, Heap, HeapConfig, Obj, Str};

use crate::support;

/// Collects mismatches so one run reports many, then fails if there were any.
struct Mismatches {
    what: &'static str,
    checked: usize,
    failures: Vec<String>,
}

impl Mismatches {
    fn new(what: &'static str) -> Mismatches {
        Mismatches {
            what,
            checked: 0,
            failures: Vec::new(),
        }
    }

    fn check(&mut self, ours: &str, python: &str, context: impl FnOnce() -> String) {
        self.checked += 1;
        if ours != python {
            let (python, ours) = around_difference(python, ours);
            self.fail(format!(
                "python: {python}\n    ours:   {ours}\n    {}",
                context()
            ));
        }
    }

    fn fail(&mut self, message: String) {
        if self.failures.len() < 20 {
            self.failures.push(message);
        } else {
            self.failures.push(String::new());
        }
    }

    fn finish(self) {
        assert!(self.checked > 0, "{}: nothing was checked", self.what);
        if !self.failures.is_empty() {
            let shown: Vec<&String> = self.failures.iter().filter(|f| !f.is_empty()).collect();
            panic!(
                "{}: {} of {} differ from Python; first ones:\n{}",
                self.what,
                self.failures.len(),
                self.checked,
                shown
                    .iter()
                    .map(|f| format!("  - {f}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
}

/// Both texts cut to a window around their first difference, so a mismatch
/// deep inside a long repr is readable.
fn around_difference(a: &str, b: &str) -> (String, String) {
    let first = a
        .chars()
        .zip(b.chars())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.chars().count().min(b.chars().count()));
    let start = first.saturating_sub(60);
    let window = |t: &str| {
        let total = t.chars().count();
        let body: String = t.chars().skip(start).take(120).collect();
        format!(
            "{}{body}{}",
            if start > 0 { "..." } else { "" },
            if start + 120 < total { "..." } else { "" }
        )
    };
    (window(a), window(b))
}

fn truncated(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(300).collect();
    if chars.next().is_some() {
        format!("{head}...")
    } else {
        head
    }
}

#[test]
fn generated_values_match_python() {
    let mut mismatches = Mismatches::new("repr of generated values");
    let mut errors_seen = 0;
    for seed in [1, 2, 3, 4, 5, 6, 7, 8] {
        let mut heap = support::heap();
        for record in support::oracle(seed, 500, &["repr"]) {
            let obj = support::build(&mut heap, &record["v"]);
            let context = || format!("seed {seed}, value {}", truncated(&record["v"].to_string()));
            match (heap.repr(obj), support::expected(&record["repr"])) {
                (Ok(ours), Ok(python)) => mismatches.check(&ours, &python, context),
                (Err(ours), Err(python)) => {
                    errors_seen += 1;
                    mismatches.check(ours.kind().python_name(), &python, context);
                }
                (Ok(ours), Err(python)) => mismatches.fail(format!(
                    "python raised {python}, ours: {ours}; {}",
                    context()
                )),
                (Err(ours), Ok(python)) => mismatches.fail(format!(
                    "python: {python}; ours raised {ours}; {}",
                    context()
                )),
            }
        }
    }
    // The generator puts ints past 4300 digits in some values; make sure the
    // error path was exercised, not just skipped.
    assert!(
        errors_seen > 0,
        "no generated value hit the int digit limit"
    );
    mismatches.finish();
}

/// Floats from the generator's distributions plus every power of ten and two
/// with their neighbours, checked through `float_repr`, `heap.repr` and as
/// both parts of a complex.
#[test]
fn floats_and_complexes_match_python() {
    let script = r#"
import json, math, random, struct, values
rng = random.Random(20240611)
xs = list(values.SPECIAL_FLOATS)
xs += [values.random_float(rng) for _ in range(60000)]
# Halfway cases, where the shortest digits must round half to even.
xs += [97482315388243.625] + [rng.getrandbits(53) / 8 for _ in range(3000)]
for e in range(-325, 309):
    x = float('1e%d' % e)
    xs += [x, math.nextafter(x, 0), math.nextafter(x, math.inf)]
for e in range(-1074, 1024):
    x = math.ldexp(1.0, e)
    xs += [x, math.nextafter(x, 0), math.nextafter(x, math.inf), -x]
for x in xs:
    bits = struct.unpack('<Q', struct.pack('<d', x))[0]
    print(json.dumps(['f', values._float_code(x), str(bits), repr(x)]))
for _ in range(30000):
    z = complex(rng.choice(xs), rng.choice(xs))
    print(json.dumps(['c', values._float_code(z.real), values._float_code(z.imag), repr(z)]))
zs = [0.0, -0.0, 1.0, -1.0, math.inf, -math.inf, math.nan, 1e16, 1e-5, 2.5, 1e300]
for a in zs:
    for b in zs:
        print(json.dumps(['c', values._float_code(a), values._float_code(b), repr(complex(a, b))]))
"#;
    let mut floats = Mismatches::new("float repr");
    let mut complexes = Mismatches::new("complex repr");
    let mut heap = Heap::new();
    for line in support::python_json_lines(script, &[]) {
        let field = |i: usize| line[i].as_str().unwrap_or_default().to_string();
        let python = field(3);
        if field(0) == "f" {
            let x = support::parse_float(&field(1));
            let bits: u64 = field(2).parse().unwrap_or_default();
            if !x.is_nan() {
                assert_eq!(x.to_bits(), bits, "harness misparsed {}", field(1));
            }
            floats.check(&float_repr(x), &python, || format!("bits {bits:#018x}"));
            let obj = heap.new_float(x);
            let via_heap = heap.repr(obj).unwrap_or_else(|e| e.to_string());
            floats.check(&via_heap, &python, || {
                format!("heap.repr, bits {bits:#018x}")
            });
        } else {
            let (re, im) = (
                support::parse_float(&field(1)),
                support::parse_float(&field(2)),
            );
            complexes.check(&complex_repr(re, im), &python, || {
                format!("complex({:?}, {:?})", field(1), field(2))
            });
            let obj = heap.new_complex(re, im);
            let via_heap = heap.repr(obj).unwrap_or_else(|e| e.to_string());
            complexes.check(&via_heap, &python, || "heap.repr".to_string());
        }
    }
    floats.finish();
    complexes.finish();
}

/// Every code point, lone surrogates included, in chunks, plus each code
/// point next to each kind of quote: the printable table and the escapes.
#[test]
fn every_code_point_matches_python() {
    let script = r#"
import json
CHUNK = 2048
for start in range(0, 0x110000, CHUNK):
    s = ''.join(map(chr, range(start, min(start + CHUNK, 0x110000))))
    print(json.dumps([start, repr(s), repr(s + "'"), repr(s.replace('"', '') + "'")]))
"#;
    let mut mismatches = Mismatches::new("str repr of every code point");
    for line in support::python_json_lines(script, &[]) {
        let start = line[0].as_u64().unwrap_or_default() as u32;
        let end = (start + 2048).min(0x110000);
        let plain: Vec<u32> = (start..end).collect();
        let with_single: Vec<u32> = plain.iter().copied().chain([0x27]).collect();
        let no_double: Vec<u32> = with_single.iter().copied().filter(|&c| c != 0x22).collect();
        for (i, points) in [plain, with_single, no_double].into_iter().enumerate() {
            let mut ours = String::new();
            let s = Str::from_code_points(points).unwrap_or_else(|e| panic!("{e}"));
            write_str_repr(&mut ours, &s);
            let python = line[i + 1].as_str().unwrap_or_default();
            if ours != python {
                // Name the first code point that differs, not the whole chunk.
                let first = ours
                    .chars()
                    .zip(python.chars())
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                let near = |t: &str| {
                    t.chars()
                        .skip(first.saturating_sub(10))
                        .take(40)
                        .collect::<String>()
                };
                mismatches.fail(format!(
                    "chunk from U+{start:04X} (variant {i}) differs at char {first}: python {:?}, ours {:?}",
                    near(python),
                    near(&ours)
                ));
            } else {
                mismatches.checked += 1;
            }
        }
    }
    mismatches.finish();
}

#[test]
fn bytes_and_bytearray_match_python() {
    let script = r#"
import json
cases = [bytes([b]) for b in range(256)]
cases.append(bytes(range(256)))
for q in [b"", b"'", b'"', b"'\"", b"\"'", b"'\\", b"a'b'c", b'a"b"c', b"\\'"]:
    cases += [q, b"x" + q + b"y", q + bytes(range(0, 256, 7))]
for c in cases:
    print(json.dumps([c.hex(), repr(c), repr(bytearray(c))]))
"#;
    let mut mismatches = Mismatches::new("bytes repr");
    let mut heap = Heap::new();
    for line in support::python_json_lines(script, &[]) {
        let text = line[0].as_str().unwrap_or_default();
        let data: Vec<u8> = (0..text.len() / 2)
            .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap_or_default())
            .collect();
        let (bytes_py, bytearray_py) = (
            line[1].as_str().unwrap_or_default(),
            line[2].as_str().unwrap_or_default(),
        );
        let mut ours = String::new();
        write_bytes_repr(&mut ours, &data);
        mismatches.check(&ours, bytes_py, || format!("bytes {text}"));
        ours.clear();
        write_bytearray_repr(&mut ours, "bytearray", &data);
        mismatches.check(&ours, bytearray_py, || format!("bytearray {text}"));
        let b = heap.new_bytes(&data);
        let ba = heap.new_bytearray(&data);
        let (b, ba) = (
            heap.repr(b).unwrap_or_default(),
            heap.repr(ba).unwrap_or_default(),
        );
        mismatches.check(&b, bytes_py, || format!("heap bytes {text}"));
        mismatches.check(&ba, bytearray_py, || format!("heap bytearray {text}"));
    }
    mismatches.finish();
}

fn repr(heap: &Heap, obj: Obj) -> String {
    heap.repr(obj)
        .unwrap_or_else(|e| panic!("repr failed: {e}"))
}

fn ints(heap: &mut Heap, values: &[i64]) -> Vec<Obj> {
    values.iter().map(|&v| heap.new_int(v)).collect()
}

#[test]
fn scalars() {
    let mut heap = Heap::new();
    let cases: Vec<(Obj, &str)> = vec![
        (heap.none(), "None"),
        (heap.bool(true), "True"),
        (heap.bool(false), "False"),
        (heap.new_int(0), "0"),
        (heap.new_int(-5), "-5"),
        (heap.new_int(i64::MIN), "-9223372036854775808"),
        (heap.new_int(i64::MAX), "9223372036854775807"),
        (heap.new_str(""), "''"),
        (heap.new_str("it's"), "\"it's\""),
        (heap.new_str("\"it's\""), r#"'"it\'s"'"#),
        (heap.new_str("a\\b\t\n\r\x00\x7f"), r"'a\\b\t\n\r\x00\x7f'"),
        (
            heap.new_str("é\u{a0}\u{ad}\u{2028}😀\u{e0000}"),
            r"'é\xa0\xad\u2028😀\U000e0000'",
        ),
        (heap.new_bytes(b""), "b''"),
        (heap.new_bytearray(b""), "bytearray(b'')"),
        (heap.new_float(-0.0), "-0.0"),
        (heap.new_float(f64::NAN), "nan"),
        (heap.new_float(-f64::INFINITY), "-inf"),
        (heap.new_float(1e16), "1e+16"),
        (heap.new_float(123456789.0), "123456789.0"),
        (heap.new_complex(0.0, -0.0), "-0j"),
        (heap.new_complex(-0.0, 0.0), "(-0+0j)"),
        (heap.new_complex(-0.0, -f64::NAN), "(-0+nanj)"),
        (
            heap.new_complex(f64::INFINITY, -f64::INFINITY),
            "(inf-infj)",
        ),
    ];
    for (obj, want) in cases {
        assert_eq!(repr(&heap, obj), want);
    }
    let surrogate = Str::from_code_points([0xD800, 0x41, 0xDFFF]).unwrap_or_else(|e| panic!("{e}"));
    let s = heap.new_str_from(surrogate);
    assert_eq!(repr(&heap, s), r"'\ud800A\udfff'");
}

#[test]
fn containers() {
    let mut heap = Heap::new();
    let items = ints(&mut heap, &[1, 2, 3]);
    let empty_tuple = heap.new_tuple(vec![]);
    let one = heap.new_tuple(vec![items[0]]);
    let two = heap.new_tuple(vec![items[0], items[1]]);
    assert_eq!(repr(&heap, empty_tuple), "()");
    assert_eq!(repr(&heap, one), "(1,)");
    assert_eq!(repr(&heap, two), "(1, 2)");
    let empty_list = heap.new_list(vec![]);
    assert_eq!(repr(&heap, empty_list), "[]");
    let nested = heap.new_list(vec![one, empty_list, two]);
    assert_eq!(repr(&heap, nested), "[(1,), [], (1, 2)]");
    // Sharing without a cycle repeats the value; markers are for cycles only.
    let shared = heap.new_list(vec![nested, nested]);
    assert_eq!(
        repr(&heap, shared),
        "[[(1,), [], (1, 2)], [(1,), [], (1, 2)]]"
    );

    let dict = heap.new_dict();
    assert_eq!(repr(&heap, dict), "{}");
    let key = heap.new_str("k");
    heap.dict_set(dict, key, nested)
        .unwrap_or_else(|e| panic!("{e}"));
    heap.dict_set(dict, items[2], heap.none())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(repr(&heap, dict), "{'k': [(1,), [], (1, 2)], 3: None}");

    let empty_set = heap.new_set([]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(repr(&heap, empty_set), "set()");
    let set = heap
        .new_set([items[2], items[0]])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(repr(&heap, set), "{3, 1}");
    let empty_frozen = heap.new_frozenset([]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(repr(&heap, empty_frozen), "frozenset()");
    let frozen = heap
        .new_frozenset([two, items[0]])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(repr(&heap, frozen), "frozenset({(1, 2), 1})");
}

/// The recursion markers, with CPython's spelling for each kind. CPython
/// itself confirms the list, dict and tuple-through-list forms
/// (`l=[]; l.append(l)` gives `[[...]]`; `t=([],); t[0].append(t)` gives
/// `([(...)],)`) and the set forms through an element whose `__repr__` calls
/// back into the set (`{set(...)}`, `frozenset({frozenset(...)})`).
#[test]
fn recursion_markers() {
    let mut heap = Heap::new();
    let list = heap.new_list(vec![]);
    heap.list_append(list, list)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(repr(&heap, list), "[[...]]");

    let dict = heap.new_dict();
    let one = heap.new_int(1);
    heap.dict_set(dict, one, dict)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(repr(&heap, dict), "{1: {...}}");

    let inner = heap.new_list(vec![]);
    let tuple = heap.new_tuple(vec![inner]);
    heap.list_append(inner, tuple)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(repr(&heap, tuple), "([(...)],)");
    assert_eq!(repr(&heap, inner), "[([...],)]");

    // A list inside a dict inside the list: the marker names the outer list.
    let outer = heap.new_list(vec![]);
    let middle = heap.new_dict();
    let key = heap.new_str("x");
    heap.dict_set(middle, key, outer)
        .unwrap_or_else(|e| panic!("{e}"));
    heap.list_append(outer, middle)
        .unwrap_or_else(|e| panic!("{e}"));
    heap.list_append(outer, middle)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(repr(&heap, outer), "[{'x': [...]}, {'x': [...]}]");
    assert_eq!(repr(&heap, middle), "{'x': [{...}, {...}]}");

    // Sets can only hold themselves through a patched tuple; the marker is
    // CPython's `set(...)` / `frozenset(...)` all the same.
    let none = heap.none();
    let holder = heap.new_tuple(vec![none]);
    let set = heap.new_set([holder]).unwrap_or_else(|e| panic!("{e}"));
    heap.tuple_mut(holder).unwrap_or_else(|e| panic!("{e}"))[0] = set;
    assert_eq!(repr(&heap, set), "{(set(...),)}");
    let holder = heap.new_tuple(vec![none]);
    let frozen = heap
        .new_frozenset([holder])
        .unwrap_or_else(|e| panic!("{e}"));
    heap.tuple_mut(holder).unwrap_or_else(|e| panic!("{e}"))[0] = frozen;
    assert_eq!(repr(&heap, frozen), "frozenset({(frozenset(...),)})");
    let selfish = heap.new_tuple(vec![none, none]);
    heap.tuple_mut(selfish).unwrap_or_else(|e| panic!("{e}"))[1] = selfish;
    assert_eq!(repr(&heap, selfish), "(None, (...))");

    // After a repr, nothing stays marked.
    assert_eq!(repr(&heap, list), "[[...]]");
}

/// Classes, instances, functions and subclasses of built-ins, checked
/// against what CPython prints for the same definitions.
#[test]
fn classes_instances_and_functions() {
    let python = support::python(
        r#"
class C:
    class Inner: pass
class L(list): pass
class S(set): pass
class FS(frozenset): pass
class BA(bytearray): pass
class T(tuple): pass
class D(dict): pass
class I(int): pass
class Str(str): pass
C.__module__ = C.Inner.__module__ = 'geometry'
a = L([1, 2]); a.append(a)
for v in [int, bool, type(None), object, type, C, C.Inner, a, S(), S([1]), FS(), FS([2]),
          BA(b"x'"), T((1,)), D(a=1), I(5), Str('q'), len]:
    print(repr(v))
"#,
        &[],
    );
    let want: Vec<&str> = python.lines().collect();

    let mut heap = Heap::new();
    let class = |heap: &mut Heap, name: &str, bases: Vec<Obj>| {
        heap.new_class(ClassSpec::new("__main__", name).bases(bases))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let builtin = |heap: &Heap, kind| heap.builtin_class(kind);
    let c = heap
        .new_class(ClassSpec::new("geometry", "C"))
        .unwrap_or_else(|e| panic!("{e}"));
    let inner = heap
        .new_class(ClassSpec::new("geometry", "C.Inner"))
        .unwrap_or_else(|e| panic!("{e}"));
    use pyobj::Kind;
    let (list_c, set_c, fs_c, ba_c, tuple_c, dict_c, int_c, str_c) = (
        builtin(&heap, Kind::List),
        builtin(&heap, Kind::Set),
        builtin(&heap, Kind::FrozenSet),
        builtin(&heap, Kind::ByteArray),
        builtin(&heap, Kind::Tuple),
        builtin(&heap, Kind::Dict),
        builtin(&heap, Kind::Int),
        builtin(&heap, Kind::Str),
    );
    let l_class = class(&mut heap, "L", vec![list_c]);
    let s_class = class(&mut heap, "S", vec![set_c]);
    let fs_class = class(&mut heap, "FS", vec![fs_c]);
    let ba_class = class(&mut heap, "BA", vec![ba_c]);
    let t_class = class(&mut heap, "T", vec![tuple_c]);
    let d_class = class(&mut heap, "D", vec![dict_c]);
    let i_class = class(&mut heap, "I", vec![int_c]);
    let str_class = class(&mut heap, "Str", vec![str_c]);
    let ok = |r: pyobj::Result<Obj>| r.unwrap_or_else(|e| panic!("{e}"));
    let new = |heap: &mut Heap, class: Obj, base: Option<Obj>| {
        let obj = ok(heap.new_instance(class));
        if let Some(base) = base {
            heap.set_instance_base(obj, base)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        obj
    };
    let nums = ints(&mut heap, &[1, 2, 5]);
    let a = new(&mut heap, l_class, None);
    let a_list = ok(heap
        .as_instance(a)
        .map(|i| i.base().unwrap_or_else(|| panic!("no base"))));
    heap.list_mut(a_list)
        .unwrap_or_else(|e| panic!("{e}"))
        .extend([nums[0], nums[1], a]);
    let s_empty = new(&mut heap, s_class, None);
    let one_set = ok(heap.new_set([nums[0]]));
    let s_one = new(&mut heap, s_class, Some(one_set));
    let fs_empty = new(&mut heap, fs_class, None);
    let two_set = ok(heap.new_frozenset([nums[1]]));
    let fs_two = new(&mut heap, fs_class, Some(two_set));
    let ba_data = heap.new_bytearray(b"x'");
    let ba = new(&mut heap, ba_class, Some(ba_data));
    let t_data = heap.new_tuple(vec![nums[0]]);
    let t = new(&mut heap, t_class, Some(t_data));
    let d_data = heap.new_dict();
    let key = heap.new_str("a");
    heap.dict_set(d_data, key, nums[0])
        .unwrap_or_else(|e| panic!("{e}"));
    let d = new(&mut heap, d_class, Some(d_data));
    let i = new(&mut heap, i_class, Some(nums[2]));
    let q = heap.new_str("q");
    let s = new(&mut heap, str_class, Some(q));
    let len = heap.new_function("builtins", "len", None);
    let ours = [
        int_c,
        builtin(&heap, Kind::Bool),
        builtin(&heap, Kind::None),
        heap.object_class(),
        builtin(&heap, Kind::Class),
        c,
        inner,
        a,
        s_empty,
        s_one,
        fs_empty,
        fs_two,
        ba,
        t,
        d,
        i,
        s,
        len,
    ];
    assert_eq!(want.len(), ours.len(), "python printed {python}");
    for (obj, want) in ours.into_iter().zip(want) {
        assert_eq!(repr(&heap, obj), want);
    }

    // Addresses: CPython's %p, here the handle's id in lowercase hex.
    let point = heap
        .new_class(ClassSpec::new("geometry", "Point"))
        .unwrap_or_else(|e| panic!("{e}"));
    let p = ok(heap.new_instance(point));
    assert_eq!(
        repr(&heap, p),
        format!("<geometry.Point object at 0x{:x}>", p.id())
    );
    let local = heap
        .new_class(ClassSpec::new("builtins", "Local"))
        .unwrap_or_else(|e| panic!("{e}"));
    let p = ok(heap.new_instance(local));
    assert_eq!(repr(&heap, p), format!("<Local object at 0x{:x}>", p.id()));
    let f = heap.new_function("copyreg", "_reconstructor", None);
    assert_eq!(
        repr(&heap, f),
        format!("<function _reconstructor at 0x{:x}>", f.id())
    );
    let m = heap.new_function("collections", "OrderedDict.fromkeys", None);
    assert_eq!(
        repr(&heap, m),
        format!("<function OrderedDict.fromkeys at 0x{:x}>", m.id())
    );
    let list = heap.new_list(vec![p, f]);
    assert_eq!(
        repr(&heap, list),
        format!(
            "[<Local object at 0x{:x}>, <function _reconstructor at 0x{:x}>]",
            p.id(),
            f.id()
        )
    );
}

fn nested_lists(heap: &mut Heap, depth: usize, innermost: Option<Obj>) -> Obj {
    let mut obj = heap.new_list(innermost.into_iter().collect());
    for _ in 1..depth {
        obj = heap.new_list(vec![obj]);
    }
    obj
}

/// Runs `f` on a thread with a small stack, so any native recursion
/// proportional to nesting depth would overflow and fail the test.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap_or_else(|e| panic!("cannot spawn: {e}"))
        .join()
        .unwrap_or_else(|_| panic!("test thread panicked"));
}

#[test]
fn depth_limit_is_an_error_not_a_crash() {
    on_small_stack(|| {
        let mut heap = Heap::new();
        let deep = nested_lists(&mut heap, 100_000, None);
        let err = heap.repr(deep).err().unwrap_or_else(|| panic!("no error"));
        assert_eq!(err.kind(), ErrorKind::Recursion);
        assert_eq!(
            err.message(),
            "maximum recursion depth exceeded while getting the repr of an object"
        );
        let mut dict = heap.new_dict();
        let key = heap.new_int(0);
        for _ in 0..100_000 {
            let outer = heap.new_dict();
            heap.dict_set(outer, key, dict)
                .unwrap_or_else(|e| panic!("{e}"));
            dict = outer;
        }
        let err = heap.repr(dict).err().unwrap_or_else(|| panic!("no error"));
        assert_eq!(err.kind(), ErrorKind::Recursion);
    });
}

#[test]
fn deep_nesting_within_a_raised_limit_works_iteratively() {
    on_small_stack(|| {
        let mut heap = Heap::with_config(HeapConfig::new().recursion_limit(200_000));
        let deep = nested_lists(&mut heap, 100_000, None);
        let text = repr(&heap, deep);
        assert_eq!(text.len(), 200_000);
        assert!(text.starts_with("[[[") && text.ends_with("]]]"));
    });
}

/// The object passed to repr is at depth 1 and each item one deeper, leaves
/// included, as CPython's `PyObject_Repr` counts.
#[test]
fn depth_limit_boundary() {
    let mut heap = Heap::with_config(HeapConfig::new().recursion_limit(50));
    let ok = nested_lists(&mut heap, 50, None);
    assert_eq!(repr(&heap, ok).len(), 100);
    let too_deep = nested_lists(&mut heap, 51, None);
    assert_eq!(
        heap.repr(too_deep).map_err(|e| e.kind()),
        Err(ErrorKind::Recursion)
    );
    let one = heap.new_int(1);
    let ok = nested_lists(&mut heap, 49, Some(one));
    assert_eq!(repr(&heap, ok).len(), 99);
    let too_deep = nested_lists(&mut heap, 50, Some(one));
    assert_eq!(
        heap.repr(too_deep).map_err(|e| e.kind()),
        Err(ErrorKind::Recursion)
    );
    // A wide container does not count as deep.
    let wide = heap.new_list(vec![one; 10_000]);
    assert_eq!(repr(&heap, wide).len(), 2 + 10_000 + 2 * 9_999);
}

#[test]
fn int_digit_limit() {
    let python = support::python(
        r#"
for v in [10**4300 - 1, -(10**4300 - 1), 10**4300, -(10**4300), 2**14285, 2**14284]:
    try:
        print(len(repr(v)))
    except ValueError as e:
        print(e)
"#,
        &[],
    );
    let want: Vec<&str> = python.lines().collect();
    let mut heap = Heap::new();
    let ten = num_bigint::BigInt::from(10);
    let two = num_bigint::BigInt::from(2);
    let limit: num_bigint::BigInt = num_traits::pow(ten, 4300);
    let below: num_bigint::BigInt = &limit - num_bigint::BigInt::from(1);
    let values = [
        below.clone(),
        -below,
        limit.clone(),
        -limit.clone(),
        num_traits::pow(two.clone(), 14285),
        num_traits::pow(two, 14284),
    ];
    assert_eq!(values.len(), want.len());
    for (value, want) in values.into_iter().zip(want) {
        let obj = heap.new_bigint(value);
        let got = match heap.repr(obj) {
            Ok(text) => text.len().to_string(),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Value);
                e.message().to_string()
            }
        };
        assert_eq!(got, want);
    }
    // A huge int is refused without converting it first (this would take
    // far too long otherwise), also from inside a container.
    let huge = num_bigint::BigInt::from(3) << 100_000_000u32;
    let huge = heap.new_bigint(huge);
    let list = heap.new_list(vec![huge]);
    assert_eq!(heap.repr(list).map_err(|e| e.kind()), Err(ErrorKind::Value));
}

#[test]
fn stale_handle_is_an_error() {
    let mut heap = Heap::new();
    let list = heap.new_list(vec![]);
    heap.collect();
    assert_eq!(
        heap.repr(list).map_err(|e| e.kind()),
        Err(ErrorKind::StaleHandle)
    );
}
