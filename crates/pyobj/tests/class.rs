//! Classes: C3 MROs against python3 on random hierarchies, `__slots__`,
//! layouts, hooks through the MRO, and `type()` of every kind.

use pyobj::{native_fn, ClassSpec, ErrorKind, Heap, Hook, Kind, Obj};
use serde_json::Value;

use crate::support;

/// Python defines random hierarchies and reports each class's MRO (or that
/// it could not be created); we build the same and compare.
const HIERARCHIES: &str = r#"
import json, random, sys
rng = random.Random(int(sys.argv[1]))
for case in range(int(sys.argv[2])):
    n = rng.randint(1, 9)
    classes, specs = [], []
    for i in range(n):
        k = rng.randint(0, min(3, len(classes)))
        bases = rng.sample(range(len(classes)), k)
        spec = {"name": f"C{i}", "bases": [specs[b]["name"] for b in bases if classes[b] is not None]}
        spec["base_idx"] = [b for b in bases if classes[b] is not None]
        try:
            cls = type(spec["name"], tuple(classes[b] for b in spec["base_idx"]) or (object,), {})
            spec["mro"] = [c.__name__ for c in cls.__mro__]
        except TypeError as e:
            cls = None
            spec["error"] = str(e)
        classes.append(cls)
        specs.append(spec)
    print(json.dumps(specs))
"#;

#[test]
fn c3_mro_matches_python_on_random_hierarchies() {
    let out = support::python(HIERARCHIES, &["20261122", "400"]);
    let mut failures_seen = 0;
    for line in out.lines() {
        let specs: Vec<Value> = serde_json::from_str(line).unwrap();
        let mut heap = Heap::new();
        let mut built: Vec<Option<Obj>> = Vec::new();
        for spec in &specs {
            let bases: Vec<Obj> = spec["base_idx"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| built[b.as_u64().unwrap() as usize].unwrap())
                .collect();
            let name = spec["name"].as_str().unwrap();
            let result = heap.new_class(ClassSpec::new("__main__", name).bases(bases));
            match (&result, spec.get("error")) {
                (Ok(class), None) => {
                    let mro: Vec<String> = heap
                        .as_class(*class)
                        .unwrap()
                        .mro()
                        .iter()
                        .map(|c| {
                            heap.as_str(heap.as_class(*c).unwrap().qualname())
                                .unwrap()
                                .to_string()
                        })
                        .collect();
                    let want: Vec<String> = spec["mro"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|s| s.as_str().unwrap().to_string())
                        .collect();
                    assert_eq!(mro, want, "{line}");
                    built.push(Some(*class));
                }
                (Err(e), Some(message)) => {
                    failures_seen += 1;
                    assert_eq!(e.kind(), ErrorKind::Class);
                    let message = message.as_str().unwrap();
                    if message.starts_with("Cannot create a consistent") {
                        assert_eq!(e.message(), message, "{line}");
                    }
                    built.push(None);
                }
                (Ok(_), Some(message)) => {
                    panic!("python failed with {message} but we built it: {line}")
                }
                (Err(e), None) => panic!("we failed with {e} but python built it: {line}"),
            }
        }
    }
    assert!(
        failures_seen > 0,
        "the generator should produce some inconsistent MROs"
    );
}

#[test]
fn diamond_mro() {
    let mut heap = Heap::new();
    let a = heap.new_class(ClassSpec::new("m", "A")).unwrap();
    let b = heap.new_class(ClassSpec::new("m", "B").bases([a])).unwrap();
    let c = heap.new_class(ClassSpec::new("m", "C").bases([a])).unwrap();
    let d = heap
        .new_class(ClassSpec::new("m", "D").bases([b, c]))
        .unwrap();
    let object = heap.object_class();
    assert_eq!(heap.as_class(d).unwrap().mro(), &[d, b, c, a, object]);
    let err = heap
        .new_class(ClassSpec::new("m", "E").bases([a, b]))
        .unwrap_err();
    assert_eq!(
        err.message(),
        "Cannot create a consistent method resolution\norder (MRO) for bases A, B"
    );
}

const SLOTS_PY: &str = r#"
class C:
    __slots__ = ('x', 'y')
c = C()
try:
    c.z = 1
except AttributeError as e:
    print(e)
class D:
    __slots__ = ('x',)
try:
    D().x
except AttributeError as e:
    print(e)
"#;

#[test]
fn slots_and_dicts() {
    let expected = support::python(SLOTS_PY, &[]);
    let mut lines = expected.lines();
    let mut heap = Heap::new();
    let c = heap
        .new_class(ClassSpec::new("__main__", "C").slots(["x", "y"]))
        .unwrap();
    let obj = heap.new_instance(c).unwrap();
    assert_eq!(heap.instance_dict(obj).unwrap(), None);
    let one = heap.new_int(1);
    heap.setattr(obj, "x", one).unwrap();
    assert_eq!(heap.getattr(obj, "x").unwrap(), Some(one));
    assert_eq!(heap.getattr(obj, "y").unwrap(), None);
    let err = heap.setattr(obj, "z", one).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Attribute);
    assert_eq!(err.message(), lines.next().unwrap());

    // "__dict__" among the slots gives instances a dict.
    let with_dict = heap
        .new_class(ClassSpec::new("__main__", "W").slots(["a", "__dict__"]))
        .unwrap();
    let w = heap.new_instance(with_dict).unwrap();
    assert!(heap.instance_dict(w).unwrap().is_some());
    heap.setattr(w, "anything", one).unwrap();

    // Inherited layout: base slots first; a subclass without __slots__ has a dict.
    let sub = heap
        .new_class(ClassSpec::new("__main__", "Sub").bases([c]))
        .unwrap();
    let sub_class = heap.as_class(sub).unwrap();
    let names: Vec<&str> = sub_class
        .slot_layout()
        .iter()
        .map(|s| heap.as_str(*s).unwrap())
        .collect();
    assert_eq!(names, ["x", "y"]);
    assert!(sub_class.has_dict());
    let s = heap.new_instance(sub).unwrap();
    heap.setattr(s, "y", one).unwrap();
    heap.setattr(s, "extra", one).unwrap();
    assert_eq!(heap.as_instance(s).unwrap().slots(), &[None, Some(one)]);
}

#[test]
fn layout_conflicts_and_builtin_parts() {
    let mut heap = Heap::new();
    let list = heap.builtin_class(Kind::List);
    let dict = heap.builtin_class(Kind::Dict);
    let err = heap
        .new_class(ClassSpec::new("m", "Bad").bases([list, dict]))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Class);
    assert!(err.message().contains("lay-out conflict"));
    let bool_class = heap.builtin_class(Kind::Bool);
    assert!(heap
        .new_class(ClassSpec::new("m", "B").bases([bool_class]))
        .is_err());

    let my_list = heap
        .new_class(ClassSpec::new("m", "MyList").bases([list]))
        .unwrap();
    let inst = heap.new_instance(my_list).unwrap();
    let base = heap.as_instance(inst).unwrap().base().unwrap();
    assert_eq!(heap.kind(base).unwrap(), Kind::List);
    assert!(heap.instance_dict(inst).unwrap().is_some());
    assert!(heap.is_instance(inst, list).unwrap());
    assert!(heap.is_subclass(my_list, heap.object_class()).unwrap());
    assert!(!heap.is_subclass(list, my_list).unwrap());
    // Built-in classes cannot be instantiated through object.__new__.
    assert!(heap.new_instance(list).is_err());
}

#[test]
fn hooks_are_found_along_the_mro() {
    let mut heap = Heap::new();
    let answer = |n: i64| native_fn(move |heap: &mut Heap, _args, _kw| Ok(heap.new_int(n)));
    let base = heap
        .new_class(ClassSpec::new("m", "Base").hook(Hook::Reduce, answer(1)))
        .unwrap();
    let mid = heap
        .new_class(
            ClassSpec::new("m", "Mid")
                .bases([base])
                .hook(Hook::Reduce, answer(2)),
        )
        .unwrap();
    let leaf = heap
        .new_class(ClassSpec::new("m", "Leaf").bases([mid]))
        .unwrap();
    let call = |heap: &mut Heap, class: Obj| -> Option<i64> {
        let f = heap.find_hook(class, Hook::Reduce).unwrap()?;
        let r = f(heap, &[], None).unwrap();
        Some(heap.as_i64(r).unwrap())
    };
    assert_eq!(call(&mut heap, leaf), Some(2));
    assert_eq!(call(&mut heap, base), Some(1));
    heap.class_mut(mid)
        .unwrap()
        .hooks_mut()
        .remove(Hook::Reduce);
    assert_eq!(call(&mut heap, leaf), Some(1));
    assert!(heap.find_hook(leaf, Hook::SetState).unwrap().is_none());
    assert_eq!(Hook::from_name("__reduce_ex__"), Some(Hook::ReduceEx));
}

#[test]
fn type_of_every_kind_is_named_like_python() {
    let mut heap = Heap::new();
    let class = heap.new_class(ClassSpec::new("m", "Thing")).unwrap();
    let values = [
        (heap.none(), "NoneType"),
        (heap.bool(true), "bool"),
        (heap.new_int(7), "int"),
        (heap.new_float(1.5), "float"),
        (heap.new_complex(1.0, 2.0), "complex"),
        (heap.new_str("s"), "str"),
        (heap.new_bytes(b"b"), "bytes"),
        (heap.new_bytearray(b"b"), "bytearray"),
        (heap.new_tuple(vec![]), "tuple"),
        (heap.new_list(vec![]), "list"),
        (heap.new_dict(), "dict"),
        (heap.new_set([]).unwrap(), "set"),
        (heap.new_frozenset([]).unwrap(), "frozenset"),
        (class, "type"),
        (heap.new_instance(class).unwrap(), "Thing"),
        (heap.new_function("m", "f", None), "function"),
    ];
    for (obj, name) in values {
        assert_eq!(heap.type_name(obj).unwrap(), name);
    }
    let bool_class = heap.builtin_class(Kind::Bool);
    let names: Vec<&str> = heap
        .as_class(bool_class)
        .unwrap()
        .mro()
        .iter()
        .map(|c| heap.as_str(heap.as_class(*c).unwrap().qualname()).unwrap())
        .collect();
    assert_eq!(names, ["bool", "int", "object"]);
}
