//! A Rust struct pickled as `shapes.Point`, loaded by CPython into its own
//! `shapes.Point` class, changed there, pickled by CPython, and loaded back
//! into the Rust struct — at every protocol, for a state-based and an
//! argument-based type.

use pickle::{dumps, loads, DumpOptions, LoadOptions};
use pyobj::{Heap, NativePayload, Obj};
use reduce::native::{new_native, register_native, Picklable, Reduction};
use reduce::Registry;

#[derive(Debug, Clone, PartialEq)]
struct Point {
    x: i64,
    y: i64,
    label: String,
}

impl NativePayload for Point {}

fn field(heap: &Heap, dict: Obj, name: &str) -> pyobj::Result<Obj> {
    heap.dict_get_str(dict, name)?
        .ok_or_else(|| pyobj::Error::new(pyobj::ErrorKind::Key, name))
}

impl Picklable for Point {
    const MODULE: &'static str = "shapes";
    const QUALNAME: &'static str = "Point";
    const REDUCTION: Reduction = Reduction::State;

    fn to_python(&self, heap: &mut Heap) -> pyobj::Result<Obj> {
        let state = heap.new_dict();
        let x = heap.new_int(self.x);
        let y = heap.new_int(self.y);
        let label = heap.new_str(&self.label);
        for (key, value) in [("x", x), ("y", y), ("label", label)] {
            let key = heap.intern(key);
            heap.dict_set(state, key, value)?;
        }
        Ok(state)
    }

    fn from_python(heap: &mut Heap, state: Obj) -> pyobj::Result<Self> {
        Ok(Point {
            x: heap.as_i64(field(heap, state, "x")?)?,
            y: heap.as_i64(field(heap, state, "y")?)?,
            label: heap.as_str(field(heap, state, "label")?)?.to_string(),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Color(u8, u8, u8);

impl NativePayload for Color {}

impl Picklable for Color {
    const MODULE: &'static str = "shapes";
    const QUALNAME: &'static str = "Color";
    const REDUCTION: Reduction = Reduction::Args;

    fn to_python(&self, heap: &mut Heap) -> pyobj::Result<Obj> {
        let items = [self.0, self.1, self.2].map(|c| heap.new_int(c as i64));
        Ok(heap.new_tuple(items.to_vec()))
    }

    fn from_python(heap: &mut Heap, args: Obj) -> pyobj::Result<Self> {
        let args = heap.as_tuple(args)?.to_vec();
        let channel = |i: usize| -> pyobj::Result<u8> {
            let v = heap.as_i64(*args.get(i).ok_or_else(|| {
                pyobj::Error::new(pyobj::ErrorKind::Type, "Color takes 3 arguments")
            })?)?;
            u8::try_from(v)
                .map_err(|_| pyobj::Error::new(pyobj::ErrorKind::Value, "channel out of range"))
        };
        Ok(Color(channel(0)?, channel(1)?, channel(2)?))
    }
}

/// The Python side: the same two classes, defined the ordinary way.
const PYTHON: &str = r#"
import pickle, sys, types
shapes = types.ModuleType("shapes")
sys.modules["shapes"] = shapes
exec('''
class Point:
    def __init__(self, x, y, label):
        self.x, self.y, self.label = x, y, label

class Color:
    def __init__(self, r, g, b):
        self.rgb = (r, g, b)
    def __reduce__(self):
        return (Color, self.rgb)
''', shapes.__dict__)
data = bytes.fromhex(sys.argv[1])
protocol = int(sys.argv[2])
point, color = pickle.loads(data)
assert type(point) is shapes.Point and type(color) is shapes.Color, (point, color)
assert (point.x, point.y, point.label) == (3, -4, "origin-ish"), vars(point)
assert color.rgb == (255, 128, 0), color.rgb
point.x += 10
point.label = "moved"
color.rgb = (1, 2, 3)
print(pickle.dumps((point, color), protocol).hex())
"#;

#[test]
fn rust_structs_round_trip_through_cpython_classes() {
    for protocol in 0..=5 {
        let mut heap = Heap::new();
        let mut registry = Registry::new(&mut heap);
        let point_class = register_native::<Point>(&mut heap, &mut registry).unwrap();
        let color_class = register_native::<Color>(&mut heap, &mut registry).unwrap();
        let point = new_native(
            &mut heap,
            point_class,
            Point {
                x: 3,
                y: -4,
                label: "origin-ish".into(),
            },
        )
        .unwrap();
        let color = new_native(&mut heap, color_class, Color(255, 128, 0)).unwrap();
        let pair = heap.new_tuple(vec![point, color]);
        let options = DumpOptions::new().protocol(protocol).unwrap();
        let data = dumps(&mut heap, &registry, pair, &options).unwrap();
        let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
        let back = oracle::python(PYTHON, &[&hex, &protocol.to_string()]);
        let back: Vec<u8> = oracle::unhex(&back);
        let loaded = loads(&mut heap, &mut registry, &back, &LoadOptions::new()).unwrap();
        let items = heap.as_tuple(loaded).unwrap().to_vec();
        assert_eq!(
            heap.native::<Point>(items[0]).unwrap(),
            Some(&Point {
                x: 13,
                y: -4,
                label: "moved".into()
            }),
            "protocol {protocol}"
        );
        assert_eq!(
            heap.native::<Color>(items[1]).unwrap(),
            Some(&Color(1, 2, 3))
        );
    }
}
