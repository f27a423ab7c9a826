//! Making a Rust type picklable as a Python class.
//!
//! Run it with `cargo run --example native_class`.
//!
//! A `Temperature` reading lives in Rust. Python programs that receive our
//! pickles have a class `sensors.Temperature` with attributes `celsius` and
//! `sensor`. Implementing `Picklable` with state-based reduction makes our
//! pickles exactly what CPython writes for such a class, so either side can
//! read what the other wrote.

use pickle::{dumps, loads, DumpOptions, LoadOptions};
use pyobj::{Heap, NativePayload, Obj};
use reduce::native::{new_native, register_native, Picklable, Reduction};
use reduce::Registry;

#[derive(Debug, Clone, PartialEq)]
struct Temperature {
    celsius: f64,
    sensor: String,
}

// The heap traces native payloads; this one holds no handles, so the
// default (trace nothing) is right.
impl NativePayload for Temperature {}

impl Picklable for Temperature {
    const MODULE: &'static str = "sensors";
    const QUALNAME: &'static str = "Temperature";
    // Like a plain Python class: created empty, then given its `__dict__`.
    const REDUCTION: Reduction = Reduction::State;

    fn to_python(&self, heap: &mut Heap) -> pyobj::Result<Obj> {
        let state = heap.new_dict();
        let celsius = heap.new_float(self.celsius);
        let sensor = heap.new_str(&self.sensor);
        for (key, value) in [("celsius", celsius), ("sensor", sensor)] {
            // Attribute names are interned, as CPython interns them, so
            // repeated names share one memo entry in the pickle.
            let key = heap.intern(key);
            heap.dict_set(state, key, value)?;
        }
        Ok(state)
    }

    fn from_python(heap: &mut Heap, state: Obj) -> pyobj::Result<Self> {
        let get = |heap: &Heap, name: &str| {
            heap.dict_get_str(state, name)?
                .ok_or_else(|| pyobj::Error::new(pyobj::ErrorKind::Key, name.to_string()))
        };
        Ok(Temperature {
            celsius: heap.as_float(get(heap, "celsius")?)?,
            sensor: heap.as_str(get(heap, "sensor")?)?.to_string(),
        })
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);

    // One call creates the class `sensors.Temperature` with the hooks that
    // pickle and unpickle the Rust value, and registers it by name so the
    // strict unpickler will accept it.
    let class = register_native::<Temperature>(&mut heap, &mut registry)?;
    let reading = new_native(
        &mut heap,
        class,
        Temperature {
            celsius: 21.5,
            sensor: "greenhouse".into(),
        },
    )?;

    // Protocol 2 output is what CPython writes for the equivalent class:
    // GLOBAL, NEWOBJ, then BUILD with the state dict.
    let data = dumps(
        &mut heap,
        &registry,
        reading,
        &DumpOptions::new().protocol(2)?,
    )?;
    let mut listing = String::new();
    pickle::dis::dis(&data, &mut listing)?;
    print!("{listing}");

    // And back: the Rust value is rebuilt from the state.
    let loaded = loads(&mut heap, &mut registry, &data, &LoadOptions::new())?;
    println!("loaded back: {:?}", heap.native::<Temperature>(loaded)?);
    Ok(())
}
