//! The reduce protocol's hook precedence and defaults, against CPython: the
//! same classes defined in Python and in Rust (hooks written in Rust) pickle
//! to the same bytes at every protocol, or fail where CPython fails.

use pickle::{dumps, DumpOptions};
use pyobj::{native_fn, ClassSpec, Heap, Hook, Kind, Obj};
use reduce::Registry;

const PYTHON: &str = r#"
import json, pickle, sys, types
hk = types.ModuleType("hk"); sys.modules["hk"] = hk
exec('''
class Plain:
    pass
class NewArgs:
    def __getnewargs__(self):
        return (self.v,)
class NewArgsEx:
    def __getnewargs_ex__(self):
        return ((self.v,), {"k": 2})
class OwnNew(NewArgsEx):
    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)
class GetState:
    def __getstate__(self):
        return {"only": 1}
class Slots:
    __slots__ = ("a", "b")
class Both:
    def __reduce_ex__(self, proto):
        return (Both, ("ex", proto))
    def __reduce__(self):
        return (Both, ("plain",))
class Named:
    def __reduce__(self):
        return "SINGLETON"
class L(list):
    pass
class D(dict):
    pass
''', hk.__dict__)
hk.SINGLETON = hk.Named()
def make():
    p = hk.Plain(); p.x = 1
    n = hk.NewArgs(); n.v = 5
    e = hk.NewArgsEx(); e.v = 6
    o = hk.OwnNew(); o.v = 7
    o2 = hk.OwnNew(); o2.v = 8
    g = hk.GetState(); g.ignored = 3
    s = hk.Slots(); s.a = 1
    l = hk.L([1, 2]); l.tag = "t"
    d = hk.D(a=1)
    return {"plain": p, "newargs": n, "newargs_ex": e, "own_new": [e, o, o2, e], "getstate": g, "slots": s,
            "both": object.__new__(hk.Both), "named": hk.SINGLETON, "list_sub": l, "dict_sub": d}
for name, obj in make().items():
    for p in range(6):
        try:
            out = pickle.dumps(obj, p).hex()
        except Exception as ex:
            out = "error: " + type(ex).__name__
        print(json.dumps([name, p, out]))
"#;

fn attr(heap: &Heap, obj: Obj, name: &str) -> pyobj::Result<Obj> {
    heap.getattr(obj, name)?
        .ok_or_else(|| pyobj::Error::new(pyobj::ErrorKind::Attribute, name.to_string()))
}

fn build(heap: &mut Heap, registry: &mut Registry) -> Vec<(&'static str, Obj)> {
    let mut class = |heap: &mut Heap, spec: ClassSpec| {
        let c = heap.new_class(spec).unwrap();
        registry.register_class(heap, c).unwrap();
        c
    };
    let plain = class(heap, ClassSpec::new("hk", "Plain"));
    let newargs = class(
        heap,
        ClassSpec::new("hk", "NewArgs").hook(
            Hook::GetNewArgs,
            native_fn(|heap, args, _| {
                let v = attr(heap, args[0], "v")?;
                Ok(heap.new_tuple(vec![v]))
            }),
        ),
    );
    let newargs_ex = class(
        heap,
        ClassSpec::new("hk", "NewArgsEx").hook(
            Hook::GetNewArgsEx,
            native_fn(|heap, args, _| {
                let v = attr(heap, args[0], "v")?;
                let positional = heap.new_tuple(vec![v]);
                let kwargs = heap.new_dict();
                let k = heap.intern("k");
                let two = heap.new_int(2);
                heap.dict_set(kwargs, k, two)?;
                Ok(heap.new_tuple(vec![positional, kwargs]))
            }),
        ),
    );
    // A `__new__` of its own: protocols 2-3 name it as getattr(OwnNew, '__new__').
    let own_new = class(
        heap,
        ClassSpec::new("hk", "OwnNew").bases([newargs_ex]).hook(
            Hook::New,
            native_fn(|heap, args, _| heap.new_instance(args[0])),
        ),
    );
    let getstate = class(
        heap,
        ClassSpec::new("hk", "GetState").hook(
            Hook::GetState,
            native_fn(|heap, _, _| {
                let d = heap.new_dict();
                let k = heap.intern("only");
                let one = heap.new_int(1);
                heap.dict_set(d, k, one)?;
                Ok(d)
            }),
        ),
    );
    let slots = class(heap, ClassSpec::new("hk", "Slots").slots(["a", "b"]));
    let both_reduce_ex = native_fn(|heap, args, _| {
        let class = heap.type_of(args[0])?;
        let ex = heap.new_str("ex");
        let t = heap.new_tuple(vec![ex, args[1]]);
        Ok(heap.new_tuple(vec![class, t]))
    });
    let both_reduce = native_fn(|heap, args, _| {
        let class = heap.type_of(args[0])?;
        let plain = heap.new_str("plain");
        let t = heap.new_tuple(vec![plain]);
        Ok(heap.new_tuple(vec![class, t]))
    });
    let both = class(
        heap,
        ClassSpec::new("hk", "Both")
            .hook(Hook::ReduceEx, both_reduce_ex)
            .hook(Hook::Reduce, both_reduce),
    );
    let named = class(
        heap,
        ClassSpec::new("hk", "Named").hook(
            Hook::Reduce,
            native_fn(|heap, _, _| Ok(heap.new_str("SINGLETON"))),
        ),
    );
    let list_class = heap.builtin_class(Kind::List);
    let dict_class = heap.builtin_class(Kind::Dict);
    let list_sub = class(heap, ClassSpec::new("hk", "L").bases([list_class]));
    let dict_sub = class(heap, ClassSpec::new("hk", "D").bases([dict_class]));

    let one = heap.new_int(1);
    let p = heap.new_instance(plain).unwrap();
    heap.setattr(p, "x", one).unwrap();
    let n = heap.new_instance(newargs).unwrap();
    let five = heap.new_int(5);
    heap.setattr(n, "v", five).unwrap();
    let e = heap.new_instance(newargs_ex).unwrap();
    let six = heap.new_int(6);
    heap.setattr(e, "v", six).unwrap();
    let o = heap.new_instance(own_new).unwrap();
    let seven = heap.new_int(7);
    heap.setattr(o, "v", seven).unwrap();
    let o2 = heap.new_instance(own_new).unwrap();
    let eight = heap.new_int(8);
    heap.setattr(o2, "v", eight).unwrap();
    let own_new_list = heap.new_list(vec![e, o, o2, e]);
    let g = heap.new_instance(getstate).unwrap();
    let three = heap.new_int(3);
    heap.setattr(g, "ignored", three).unwrap();
    let s = heap.new_instance(slots).unwrap();
    heap.setattr(s, "a", one).unwrap();
    let b = heap.new_instance(both).unwrap();
    let singleton = heap.new_instance(named).unwrap();
    registry
        .register_global(heap, "hk", "SINGLETON", singleton)
        .unwrap();
    let l = heap.new_instance(list_sub).unwrap();
    let base = heap.as_instance(l).unwrap().base().unwrap();
    let two = heap.new_int(2);
    heap.list_mut(base).unwrap().extend([one, two]);
    let tag = heap.new_str("t");
    heap.setattr(l, "tag", tag).unwrap();
    let d = heap.new_instance(dict_sub).unwrap();
    let base = heap.as_instance(d).unwrap().base().unwrap();
    let a = heap.intern("a");
    heap.dict_set(base, a, one).unwrap();
    vec![
        ("plain", p),
        ("newargs", n),
        ("newargs_ex", e),
        ("own_new", own_new_list),
        ("getstate", g),
        ("slots", s),
        ("both", b),
        ("named", singleton),
        ("list_sub", l),
        ("dict_sub", d),
    ]
}

#[test]
fn hooks_and_defaults_pickle_like_cpython() {
    let expected = oracle::python_json_lines(PYTHON, &[]);
    let mut compared = 0;
    let mut failures = Vec::new();
    for record in expected {
        let name = record[0].as_str().unwrap();
        let protocol = record[1].as_i64().unwrap() as i32;
        let want = record[2].as_str().unwrap();
        let mut heap = Heap::new();
        let mut registry = Registry::new(&mut heap);
        let objects = build(&mut heap, &mut registry);
        let obj = objects.iter().find(|(n, _)| *n == name).unwrap().1;
        let got = dumps(
            &mut heap,
            &registry,
            obj,
            &DumpOptions::new().protocol(protocol).unwrap(),
        );
        let ok = match (&got, want.strip_prefix("error: ")) {
            (Err(_), Some(_)) => true,
            (Ok(bytes), None) => {
                let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                hex == want
            }
            _ => false,
        };
        if !ok {
            failures.push(format!("{name} p{protocol}: CPython {want}, ours {got:?}"));
        }
        compared += 1;
    }
    assert_eq!(compared, 10 * 6);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const EXTENSIONS: &str = r#"
import copyreg, json, pickle, sys, types
m = types.ModuleType("extmod"); sys.modules["extmod"] = m
exec("class A: pass\nclass B: pass\nclass C: pass", m.__dict__)
for cls, code in ((m.A, 0xf0), (m.B, 0x1234), (m.C, 0x123456)):
    copyreg.add_extension("extmod", cls.__name__, code)
out = {"dumps": [pickle.dumps([m.A, m.B, m.C], p).hex() for p in range(6)]}
errors = []
for args in [("extmod", "A", 0xf1), ("extmod", "Z", 0xf0), ("extmod", "Z", 0), ("extmod", "Z", 0x80000000)]:
    try:
        copyreg.add_extension(*args)
        errors.append(None)
    except ValueError as e:
        errors.append(str(e))
try:
    copyreg.remove_extension("extmod", "A", 0x99)
    errors.append(None)
except ValueError as e:
    errors.append(str(e))
out["errors"] = errors
print(json.dumps(out))
"#;

#[test]
fn extension_codes_match_copyreg() {
    let out = &oracle::python_json_lines(EXTENSIONS, &[])[0];
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);
    let mut classes = Vec::new();
    for (name, code) in [("A", 0xf0), ("B", 0x1234), ("C", 0x123456)] {
        let class = heap.new_class(ClassSpec::new("extmod", name)).unwrap();
        registry.register_class(&mut heap, class).unwrap();
        registry.add_extension("extmod", name, code).unwrap();
        classes.push(class);
    }
    let list = heap.new_list(classes.clone());
    for (protocol, want) in out["dumps"].as_array().unwrap().iter().enumerate() {
        let bytes = dumps(
            &mut heap,
            &registry,
            list,
            &DumpOptions::new().protocol(protocol as i32).unwrap(),
        )
        .unwrap();
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, want.as_str().unwrap(), "protocol {protocol}");
        let back = pickle::loads(
            &mut heap,
            &mut registry,
            &bytes,
            &pickle::LoadOptions::new(),
        )
        .unwrap();
        assert_eq!(heap.as_list(back).unwrap(), &classes[..]);
    }
    let errors = out["errors"].as_array().unwrap();
    let ours = [
        registry.add_extension("extmod", "A", 0xf1),
        registry.add_extension("extmod", "Z", 0xf0),
        registry.add_extension("extmod", "Z", 0),
        registry.add_extension("extmod", "Z", 0x8000_0000),
        registry.remove_extension("extmod", "A", 0x99),
    ];
    for (want, got) in errors.iter().zip(ours) {
        assert_eq!(
            got.err().map(|e| e.message().to_string()).as_deref(),
            want.as_str()
        );
    }
}

#[test]
fn copy_hooks_and_atomic_identity() {
    let mut heap = Heap::new();
    let registry = Registry::new(&mut heap);
    let marker = heap.new_str("made by __deepcopy__");
    let marker_root = heap.root(marker);
    let hooked = heap
        .new_class(
            ClassSpec::new("hk", "Hooked")
                .hook(
                    Hook::Copy,
                    native_fn(|heap, _, _| Ok(heap.new_str("made by __copy__"))),
                )
                .hook(Hook::DeepCopy, native_fn(move |_, _, _| Ok(marker))),
        )
        .unwrap();
    let h = heap.new_instance(hooked).unwrap();
    let shallow = reduce::copy::copy(&mut heap, &registry, h).unwrap();
    assert_eq!(heap.as_str(shallow).unwrap(), "made by __copy__");
    assert_eq!(
        reduce::copy::deepcopy(&mut heap, &registry, h).unwrap(),
        marker_root.get()
    );
    // Atomic values and tuples of them come back as themselves, as in CPython.
    let s = heap.new_str("text");
    let big = heap.new_bigint(num_bigint_from(1u128 << 100));
    let t = heap.new_tuple(vec![s, big]);
    for obj in [s, big, t] {
        assert_eq!(
            reduce::copy::deepcopy(&mut heap, &registry, obj).unwrap(),
            obj
        );
    }
    let l = heap.new_list(vec![t]);
    let copied = reduce::copy::deepcopy(&mut heap, &registry, l).unwrap();
    assert_ne!(copied, l);
    assert_eq!(heap.as_list(copied).unwrap()[0], t);
}

fn num_bigint_from(v: u128) -> num_bigint::BigInt {
    num_bigint::BigInt::from(v)
}

/// CPython's protocol 2-3 spelling of NEWOBJ_EX, `partial(cls.__new__, cls,
/// *args, **kwargs)()`, loads with only registered names into real instances
/// (the Rust `__new__` hook runs for the class that has one), keeps the
/// sharing, and writes back to the same bytes.
#[test]
fn partial_spelling_of_newobj_ex_loads_strictly() {
    let mut checked = 0;
    for record in oracle::python_json_lines(PYTHON, &[]) {
        let protocol = record[1].as_i64().unwrap() as i32;
        if record[0] != "own_new" || !(2..=3).contains(&protocol) {
            continue;
        }
        let theirs = oracle::unhex(record[2].as_str().unwrap());
        let mut heap = Heap::new();
        let mut registry = Registry::new(&mut heap);
        build(&mut heap, &mut registry);
        let options = pickle::LoadOptions::new(); // strict: only registered names
        let list = pickle::loads(&mut heap, &mut registry, &theirs, &options).unwrap();
        let items = heap.as_list(list).unwrap().to_vec();
        assert_eq!(items[0], items[3], "sharing kept");
        let names: Vec<String> = items.iter().map(|&i| heap.type_name(i).unwrap()).collect();
        assert_eq!(names, ["NewArgsEx", "OwnNew", "OwnNew", "NewArgsEx"]);
        let values: Vec<i64> = items
            .iter()
            .map(|&i| heap.as_i64(attr(&heap, i, "v").unwrap()).unwrap())
            .collect();
        assert_eq!(values, [6, 7, 8, 6]);
        let ours = dumps(
            &mut heap,
            &registry,
            list,
            &DumpOptions::new().protocol(protocol).unwrap(),
        )
        .unwrap();
        assert_eq!(oracle::hex(&ours), record[2].as_str().unwrap());
        checked += 1;
    }
    assert_eq!(checked, 2);
}
