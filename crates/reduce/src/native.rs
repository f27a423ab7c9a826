//! Rust types that pickle as Python classes: implement [`Picklable`] and
//! call [`register_native`], and instances of the Rust type are written as
//! instances of `module.Name` that CPython loads into its own class of that
//! name — and the other way round.

use pyobj::{ClassSpec, Heap, Hook, NativePayload, Obj};

use crate::{Registry, Result};

/// How a Rust type is rebuilt from a pickle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduction {
    /// Like a plain Python class: created empty (`__new__`), then given a
    /// state dict (BUILD). The Python side is an ordinary class whose
    /// `__dict__` holds the same keys. Pickles as `copyreg._reconstructor`
    /// (protocols 0–1) or NEWOBJ (2+), then BUILD — what CPython writes for
    /// such a class.
    State,
    /// Like a class whose `__reduce__` returns `(cls, args)`: rebuilt by
    /// calling the class with the arguments.
    Args,
}

/// A Rust type that pickles as the Python class `MODULE.QUALNAME`.
///
/// ```
/// use pyobj::{Heap, NativePayload, Obj};
/// use reduce::native::{register_native, Picklable, Reduction};
/// use reduce::Registry;
///
/// #[derive(Debug, Clone, PartialEq)]
/// struct Point { x: i64, y: i64 }
///
/// impl NativePayload for Point {}
///
/// impl Picklable for Point {
///     const MODULE: &'static str = "shapes";
///     const QUALNAME: &'static str = "Point";
///     const REDUCTION: Reduction = Reduction::State;
///
///     fn to_python(&self, heap: &mut Heap) -> pyobj::Result<Obj> {
///         let state = heap.new_dict();
///         for (key, value) in [("x", self.x), ("y", self.y)] {
///             let k = heap.intern(key);
///             let v = heap.new_int(value);
///             heap.dict_set(state, k, v)?;
///         }
///         Ok(state)
///     }
///
///     fn from_python(heap: &mut Heap, state: Obj) -> pyobj::Result<Self> {
///         let field = |heap: &Heap, name| -> pyobj::Result<i64> {
///             match heap.dict_get_str(state, name)? {
///                 Some(v) => heap.as_i64(v),
///                 None => Err(pyobj::Error::new(pyobj::ErrorKind::Key, name)),
///             }
///         };
///         Ok(Point { x: field(heap, "x")?, y: field(heap, "y")? })
///     }
/// }
///
/// let mut heap = Heap::new();
/// let mut registry = Registry::new(&mut heap);
/// let class = register_native::<Point>(&mut heap, &mut registry)?;
/// let p = reduce::native::new_native(&mut heap, class, Point { x: 1, y: 2 })?;
/// assert_eq!(heap.native::<Point>(p)?, Some(&Point { x: 1, y: 2 }));
/// # Ok::<(), reduce::Error>(())
/// ```
pub trait Picklable: NativePayload + Clone + Sized {
    /// The Python module name.
    const MODULE: &'static str;
    /// The Python qualified name.
    const QUALNAME: &'static str;
    /// State-based or argument-based rebuilding.
    const REDUCTION: Reduction;

    /// The state dict ([`Reduction::State`]) or the argument tuple
    /// ([`Reduction::Args`]) that describes this value.
    fn to_python(&self, heap: &mut Heap) -> pyobj::Result<Obj>;

    /// The value rebuilt from what [`to_python`](Picklable::to_python) gives
    /// (or what CPython's class pickled).
    fn from_python(heap: &mut Heap, value: Obj) -> pyobj::Result<Self>;
}

/// An instance of `class` carrying `value`.
pub fn new_native<T: Picklable>(heap: &mut Heap, class: Obj, value: T) -> Result<Obj> {
    let obj = heap.new_instance(class)?;
    heap.set_native(obj, Box::new(value))?;
    Ok(obj)
}

fn missing_payload<T: Picklable>() -> pyobj::Error {
    pyobj::Error::new(
        pyobj::ErrorKind::Value,
        format!(
            "{}.{} instance has no Rust value to pickle",
            T::MODULE,
            T::QUALNAME
        ),
    )
}

/// Creates the class `T::MODULE.T::QUALNAME` with the hooks that pickle and
/// unpickle `T`, and registers it so pickles may name it.
pub fn register_native<T: Picklable>(heap: &mut Heap, registry: &mut Registry) -> Result<Obj> {
    let spec = ClassSpec::new(T::MODULE, T::QUALNAME);
    let spec = match T::REDUCTION {
        Reduction::State => spec
            .hook(
                Hook::GetState,
                pyobj::native_fn(|heap, args, _| to_python_of::<T>(heap, args[0])),
            )
            .hook(
                Hook::SetState,
                pyobj::native_fn(|heap, args, _| {
                    let (obj, state) = (args[0], args[1]);
                    let value = T::from_python(heap, state)?;
                    heap.set_native(obj, Box::new(value))?;
                    Ok(heap.none())
                }),
            ),
        Reduction::Args => spec
            .hook(
                Hook::Reduce,
                pyobj::native_fn(|heap, args, _| {
                    let obj = args[0];
                    let class = heap.type_of(obj)?;
                    let values = to_python_of::<T>(heap, obj)?;
                    Ok(heap.new_tuple(vec![class, values]))
                }),
            )
            .hook(
                Hook::New,
                pyobj::native_fn(|heap, args, _| {
                    let Some((&class, rest)) = args.split_first() else {
                        return Err(pyobj::Error::new(
                            pyobj::ErrorKind::Type,
                            "__new__ needs a class",
                        ));
                    };
                    let values = heap.new_tuple(rest.to_vec());
                    let value = T::from_python(heap, values)?;
                    let obj = heap.new_instance(class)?;
                    heap.set_native(obj, Box::new(value))?;
                    Ok(obj)
                }),
            ),
    };
    let class = heap.new_class(spec)?;
    registry.register_class(heap, class)?;
    Ok(class)
}

/// `T::to_python` of the payload of `obj` (cloned out, since `to_python`
/// needs the heap mutably).
fn to_python_of<T: Picklable>(heap: &mut Heap, obj: Obj) -> pyobj::Result<Obj> {
    let value = heap
        .native::<T>(obj)?
        .cloned()
        .ok_or_else(missing_payload::<T>)?;
    value.to_python(heap)
}
