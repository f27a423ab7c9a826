//! Ready-made registrations for the standard-library types that common
//! pickles hold, implemented in Rust so that loading them runs nothing from
//! the data: `collections.OrderedDict`, `defaultdict`, `deque`, `Counter`;
//! `datetime.date`, `time`, `datetime`, `timedelta`, `timezone`;
//! `decimal.Decimal`; `fractions.Fraction`; `uuid.UUID`.
//!
//! Each loads into an object that re-pickles to CPython's bytes. The
//! dict- and list-like ones hold their items in their built-in part (so
//! `heap.as_instance(obj)?.base()` is an ordinary dict or list); the
//! value types keep their constructor arguments ([`StdArgs`]), which is
//! exactly what their pickles carry (`Decimal('1.25')`, the packed bytes of a
//! `datetime`), with typed accessors such as [`date_fields`].

use pyobj::{native_fn, ClassSpec, Heap, Hook, Kind, NativePayload, Obj, Object};

use crate::{Registry, Result};

/// The constructor arguments of a value-type instance (a `Decimal`, a
/// `datetime`, ...): what its pickle holds and what re-pickling writes.
#[derive(Clone, Debug)]
pub struct StdArgs {
    /// The arguments tuple.
    pub args: Obj,
}

impl NativePayload for StdArgs {
    fn trace(&self, visit: &mut dyn FnMut(Obj)) {
        visit(self.args);
    }

    fn clone_payload(&self) -> Option<Box<dyn NativePayload>> {
        Some(Box::new(self.clone()))
    }
}

/// The extra state of `defaultdict` (its factory) and `deque` (its maxlen).
#[derive(Clone, Debug)]
struct Extra(Option<Obj>);

impl NativePayload for Extra {
    fn trace(&self, visit: &mut dyn FnMut(Obj)) {
        if let Some(obj) = self.0 {
            visit(obj);
        }
    }

    fn clone_payload(&self) -> Option<Box<dyn NativePayload>> {
        Some(Box::new(self.clone()))
    }
}

fn type_error(message: &str) -> pyobj::Error {
    pyobj::Error::new(pyobj::ErrorKind::Type, message)
}

/// A standard-library type that a [`Registry`] makes the first time a
/// pickle (or [`Registry::lookup`]) names it, rather than in
/// [`Registry::new`]: making them all up front was most of the cost of a new
/// heap and registry (about 90,000 instructions and 150 allocations of the
/// 240,000 and 450), which an embedder that makes a heap per message pays
/// for every message, and whose code took the instruction cache from the
/// load and dump that followed.
#[derive(Clone, Copy)]
pub(crate) struct Deferred {
    pub(crate) module: &'static str,
    pub(crate) name: &'static str,
    /// Makes the class, given its module and name.
    pub(crate) make: fn(&mut Heap, &str, &str) -> pyobj::Result<Obj>,
}

const fn deferred(
    module: &'static str,
    name: &'static str,
    make: fn(&mut Heap, &str, &str) -> pyobj::Result<Obj>,
) -> Deferred {
    Deferred { module, name, make }
}

/// Every type listed in the module docs, in the order [`register_all`]
/// makes them.
pub(crate) const DEFERRED: [Deferred; 12] = [
    deferred("datetime", "date", c_value_class),
    deferred("datetime", "time", c_value_class),
    deferred("datetime", "datetime", c_value_class),
    deferred("datetime", "timedelta", c_value_class),
    deferred("datetime", "timezone", c_value_class),
    deferred("decimal", "Decimal", c_value_class),
    deferred("fractions", "Fraction", c_value_class),
    deferred("collections", "OrderedDict", ordered_dict_class),
    deferred("collections", "defaultdict", defaultdict_class),
    deferred("collections", "deque", deque_class),
    deferred("collections", "Counter", counter_class),
    // UUID pickles as a plain class with state {'int': ...}: the default
    // reduce of a class with a __dict__ writes exactly that.
    deferred("uuid", "UUID", |heap, module, name| {
        heap.new_class(ClassSpec::new(module, name))
    }),
];

/// Registers every type listed in the module docs now. A [`Registry`]
/// makes each the first time it is looked up, so this is only for an
/// embedder that wants them all made up front; types already made (or
/// names the embedder registered itself) are left as they are.
pub fn register_all(heap: &mut Heap, registry: &mut Registry) -> Result<()> {
    for deferred in &DEFERRED {
        if registry.get(deferred.module, deferred.name).is_none() {
            registry.make_deferred(heap, deferred)?;
        }
    }
    Ok(())
}

/// A value type implemented in C in CPython (`datetime.date`, `Decimal`, ...).
fn c_value_class(heap: &mut Heap, module: &str, name: &str) -> pyobj::Result<Obj> {
    let class = value_class(heap, module, name)?;
    c_type_names(heap, class, module, name)?;
    Ok(class)
}

/// OrderedDict: (cls, (), state, None, items).
fn ordered_dict_class(heap: &mut Heap, module: &str, name: &str) -> pyobj::Result<Obj> {
    let dict = heap.builtin_class(Kind::Dict);
    let none = heap.none();
    let ordered = heap.new_class(ClassSpec::new(module, name).bases([dict]).hook(
        Hook::Reduce,
        native_fn(move |heap, args, _| {
            let obj = args[0];
            let class = heap.type_of(obj)?;
            let items = dict_items(heap, obj)?;
            let state = instance_state(heap, obj)?;
            let empty = heap.new_tuple(Vec::new());
            Ok(heap.new_tuple(vec![class, empty, state, none, items]))
        }),
    ))?;
    c_type_names(heap, ordered, module, name)?;
    Ok(ordered)
}

/// defaultdict(factory): (cls, (factory,) or (), None, None, items).
fn defaultdict_class(heap: &mut Heap, module: &str, name: &str) -> pyobj::Result<Obj> {
    let dict = heap.builtin_class(Kind::Dict);
    let none = heap.none();
    let defaultdict = heap.new_class(
        ClassSpec::new(module, name)
            .bases([dict])
            .slots(Vec::<String>::new())
            .hook(
                Hook::New,
                native_fn(|heap, args, _| {
                    let (&class, rest) = args
                        .split_first()
                        .ok_or_else(|| type_error("missing class"))?;
                    let obj = heap.new_instance(class)?;
                    let factory = rest.first().copied().filter(|f| *f != heap.none());
                    heap.set_native(obj, Box::new(Extra(factory)))?;
                    if let Some(&source) = rest.get(1) {
                        fill_dict(heap, obj, source)?;
                    }
                    Ok(obj)
                }),
            )
            .hook(
                Hook::Reduce,
                native_fn(move |heap, args, _| {
                    let obj = args[0];
                    let class = heap.type_of(obj)?;
                    let factory = heap.native::<Extra>(obj)?.and_then(|e| e.0);
                    let ctor_args = heap.new_tuple(factory.into_iter().collect());
                    let items = dict_items(heap, obj)?;
                    Ok(heap.new_tuple(vec![class, ctor_args, none, none, items]))
                }),
            ),
    )?;
    c_type_names(heap, defaultdict, module, name)?;
    Ok(defaultdict)
}

/// deque(iterable, maxlen): (cls, () or ((), maxlen), None, items).
fn deque_class(heap: &mut Heap, module: &str, name: &str) -> pyobj::Result<Obj> {
    let list = heap.builtin_class(Kind::List);
    let none = heap.none();
    let deque = heap.new_class(
        ClassSpec::new(module, name)
            .bases([list])
            .slots(Vec::<String>::new())
            .hook(
                Hook::New,
                native_fn(|heap, args, _| {
                    let (&class, rest) = args
                        .split_first()
                        .ok_or_else(|| type_error("missing class"))?;
                    let obj = heap.new_instance(class)?;
                    if let Some(&source) = rest.first() {
                        let items = crate::reconstruct::iterate(heap, source)
                            .map_err(|e| pyobj::Error::new(pyobj::ErrorKind::Type, e.message()))?;
                        let base = base_of(heap, obj)?;
                        heap.list_mut(base)?.extend(items);
                    }
                    let maxlen = rest.get(1).copied().filter(|m| *m != heap.none());
                    heap.set_native(obj, Box::new(Extra(maxlen)))?;
                    Ok(obj)
                }),
            )
            .hook(
                Hook::Reduce,
                native_fn(move |heap, args, _| {
                    let obj = args[0];
                    let class = heap.type_of(obj)?;
                    let ctor_args = match heap.native::<Extra>(obj)?.and_then(|e| e.0) {
                        Some(maxlen) => {
                            let empty = heap.new_tuple(Vec::new());
                            heap.new_tuple(vec![empty, maxlen])
                        }
                        None => heap.new_tuple(Vec::new()),
                    };
                    let base = base_of(heap, obj)?;
                    let items = heap.as_list(base)?.to_vec();
                    let items = heap.new_list(items);
                    Ok(heap.new_tuple(vec![class, ctor_args, none, items]))
                }),
            ),
    )?;
    c_type_names(heap, deque, module, name)?;
    Ok(deque)
}

/// Counter(mapping): (cls, (dict(self),)).
fn counter_class(heap: &mut Heap, module: &str, name: &str) -> pyobj::Result<Obj> {
    let dict = heap.builtin_class(Kind::Dict);
    let counter = heap.new_class(
        ClassSpec::new(module, name)
            .bases([dict])
            .hook(
                Hook::New,
                native_fn(|heap, args, _| {
                    let (&class, rest) = args
                        .split_first()
                        .ok_or_else(|| type_error("missing class"))?;
                    let obj = heap.new_instance(class)?;
                    if let Some(&source) = rest.first() {
                        fill_dict(heap, obj, source)?;
                    }
                    Ok(obj)
                }),
            )
            .hook(
                Hook::Reduce,
                native_fn(|heap, args, _| {
                    let obj = args[0];
                    let class = heap.type_of(obj)?;
                    let base = base_of(heap, obj)?;
                    let pairs: Vec<(Obj, Obj)> = heap.as_dict(base)?.iter().collect();
                    let copy = heap.new_dict_from(pairs)?;
                    let ctor_args = heap.new_tuple(vec![copy]);
                    Ok(heap.new_tuple(vec![class, ctor_args]))
                }),
            ),
    )?;
    Ok(counter)
}

/// Gives a class the name objects CPython's C types have: an interned
/// module name but a fresh qualified-name object (`type.__qualname__` of a
/// static type makes a new str), which decides what the pickle memo shares —
/// `datetime.datetime` writes 'datetime' twice, not once and a BINGET.
fn c_type_names(heap: &mut Heap, class: Obj, module: &str, name: &str) -> pyobj::Result<()> {
    let module = heap.intern(module);
    let qualname = heap.new_str(name);
    heap.set_class_names(class, module, qualname)
}

/// A class whose instances keep their constructor arguments and reduce to
/// `(cls, args)`.
fn value_class(heap: &mut Heap, module: &str, name: &str) -> pyobj::Result<Obj> {
    heap.new_class(
        ClassSpec::new(module, name)
            .slots(Vec::<String>::new())
            .hook(
                Hook::New,
                native_fn(|heap, args, _| {
                    let (&class, rest) = args
                        .split_first()
                        .ok_or_else(|| type_error("missing class"))?;
                    let obj = heap.new_instance(class)?;
                    let args = heap.new_tuple(rest.to_vec());
                    heap.set_native(obj, Box::new(StdArgs { args }))?;
                    Ok(obj)
                }),
            )
            .hook(
                Hook::Reduce,
                native_fn(|heap, args, _| {
                    let obj = args[0];
                    let class = heap.type_of(obj)?;
                    let ctor_args = heap
                        .native::<StdArgs>(obj)?
                        .map(|a| a.args)
                        .ok_or_else(|| type_error("value has no constructor arguments"))?;
                    Ok(heap.new_tuple(vec![class, ctor_args]))
                }),
            ),
    )
}

fn base_of(heap: &Heap, obj: Obj) -> pyobj::Result<Obj> {
    heap.as_instance(obj)?
        .base()
        .ok_or_else(|| type_error("instance has no built-in part"))
}

fn dict_items(heap: &mut Heap, obj: Obj) -> pyobj::Result<Obj> {
    let base = base_of(heap, obj)?;
    let pairs: Vec<(Obj, Obj)> = heap.as_dict(base)?.iter().collect();
    let items: Vec<Obj> = pairs
        .into_iter()
        .map(|(k, v)| heap.new_tuple(vec![k, v]))
        .collect();
    Ok(heap.new_list(items))
}

fn instance_state(heap: &Heap, obj: Obj) -> pyobj::Result<Obj> {
    Ok(match heap.instance_dict(obj)? {
        Some(d) if heap.dict_len(d)? > 0 => d,
        _ => heap.none(),
    })
}

fn fill_dict(heap: &mut Heap, obj: Obj, source: Obj) -> pyobj::Result<()> {
    let base = base_of(heap, obj)?;
    let pairs: Vec<(Obj, Obj)> = match &*heap.get(source)? {
        Object::Dict(d) => d.iter().collect(),
        _ => return Err(type_error("expected a mapping")),
    };
    for (k, v) in pairs {
        heap.dict_set(base, k, v)?;
    }
    Ok(())
}

/// Year, month and day of a loaded `datetime.date` or `datetime.datetime`
/// (from the packed bytes CPython pickles), if `obj` is one.
pub fn date_fields(heap: &Heap, obj: Obj) -> Option<(u16, u8, u8)> {
    let args = heap.native::<StdArgs>(obj).ok()??.args;
    let first = *heap.as_tuple(args).ok()?.first()?;
    let bytes = heap.as_bytes(first).ok()?;
    (bytes.len() >= 4).then(|| (u16::from_be_bytes([bytes[0], bytes[1]]), bytes[2], bytes[3]))
}

/// The text of a loaded `decimal.Decimal`, if `obj` is one.
pub fn decimal_text(heap: &Heap, obj: Obj) -> Option<String> {
    let args = heap.native::<StdArgs>(obj).ok()??.args;
    let first = *heap.as_tuple(args).ok()?.first()?;
    heap.as_str(first).ok().map(str::to_string)
}

/// Registers an `enum.Enum` subclass `module.qualname` with `members`
/// (name, value): a member pickles by value, as CPython's do
/// (`(Color, (1,))`), and loading looks the value up and returns the one
/// member object, so identity holds (`Color(1) is Color.RED`).
///
/// ```
/// use pyobj::Heap;
/// use reduce::{stdlib::register_enum, Registry};
/// let mut heap = Heap::new();
/// let mut registry = Registry::new(&mut heap);
/// let red_value = heap.new_int(1);
/// let green_value = heap.new_int(2);
/// let color = register_enum(&mut heap, &mut registry, "paint", "Color",
///     &[("RED", red_value), ("GREEN", green_value)])?;
/// let red = heap.getattr(color, "RED")?.unwrap();
/// let one = heap.new_int(1);
/// let again = reduce::reconstruct::call(&mut heap, &registry, color, &[one], None)?;
/// assert_eq!(again, red);
/// # Ok::<(), reduce::Error>(())
/// ```
pub fn register_enum(
    heap: &mut Heap,
    registry: &mut Registry,
    module: &str,
    qualname: &str,
    members: &[(&str, Obj)],
) -> Result<Obj> {
    let class = heap.new_class(
        ClassSpec::new(module, qualname)
            .slots(["_name_", "_value_"])
            .hook(
                Hook::New,
                native_fn(|heap, args, _| {
                    let [class, value] = args else {
                        return Err(type_error("an enum is called with one value"));
                    };
                    let table = heap
                        .class_getattr(*class, "_value2member_map_")?
                        .ok_or_else(|| type_error("enum has no members"))?;
                    match heap.dict_get(table, *value)? {
                        Some(member) => Ok(member),
                        None => {
                            let class_name = heap.as_str(heap.as_class(*class)?.qualname())?;
                            Err(pyobj::Error::new(
                                pyobj::ErrorKind::Value,
                                format!("{} is not a valid {class_name}", heap.repr(*value)?),
                            ))
                        }
                    }
                }),
            )
            .hook(
                Hook::ReduceEx,
                native_fn(|heap, args, _| {
                    let obj = args[0];
                    let class = heap.type_of(obj)?;
                    let value = heap
                        .getattr(obj, "_value_")?
                        .ok_or_else(|| type_error("enum member without a value"))?;
                    let ctor_args = heap.new_tuple(vec![value]);
                    Ok(heap.new_tuple(vec![class, ctor_args]))
                }),
            ),
    )?;
    let table = heap.new_dict();
    for &(name, value) in members {
        let member = heap.new_instance(class)?;
        let name_obj = heap.new_str(name);
        heap.set_slot(member, 0, Some(name_obj))?;
        heap.set_slot(member, 1, Some(value))?;
        heap.dict_set(table, value, member)?;
        heap.class_setattr(class, name, member)?;
    }
    heap.class_setattr(class, "_value2member_map_", table)?;
    registry.register_class(heap, class)?;
    Ok(class)
}
