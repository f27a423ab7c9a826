//! Python's `repr()`, character for character as CPython 3.11 writes it.
//!
//! The walk is iterative: containers become frames on an explicit stack, so a
//! deeply nested value can only fail with a recursion error, never overflow
//! the native stack. Depth is counted as CPython's `PyObject_Repr` counts it:
//! the object passed in is at depth 1, each container's items one deeper, and
//! going past [`HeapConfig::recursion_limit`](crate::HeapConfig::recursion_limit) is an
//! [`ErrorKind::Recursion`] error.
//!
//! A container met again while its own repr is being written prints CPython's
//! marker instead of recursing: `[...]`, `{...}`, `(...)`, `set(...)`,
//! `frozenset(...)` (or the subclass's name, as in `MySet(...)`).
//!
//! Output is bounded by [`HeapConfig::max_repr_bytes`](crate::HeapConfig::max_repr_bytes):
//! shared references can make a small graph print exponentially long.

use std::fmt::Write as _;

use num_bigint::BigInt;

use crate::kinds::bytes::{write_bytearray_repr, write_bytes_repr};
use crate::kinds::complex::write_complex_repr;
use crate::kinds::float::write_float_repr;
use crate::kinds::str::write_str_repr;
use crate::{Error, ErrorKind, Heap, Int, Obj, Object, Result, Set};

/// CPython 3.11's default `sys.get_int_max_str_digits()`: converting an int
/// with more decimal digits than this to text is a `ValueError`.
pub const INT_MAX_STR_DIGITS: usize = 4300;

/// The smallest bit length whose ints certainly exceed [`INT_MAX_STR_DIGITS`]
/// digits: 2**(bits-1) >= 10**4300 once bits - 1 >= 4300 * log2(10) = 14284.3.
/// Checking it first keeps a huge int from being converted only to be refused.
const INT_MAX_STR_BITS: u64 = 14286;

/// A container whose items are still being written.
struct Frame<'h> {
    /// The built-in object marked as open, for the recursion marker.
    container: Obj,
    /// Depth of the container itself; its items are one deeper.
    depth: usize,
    items: Items<'h>,
    /// Whether an item has been written (so the next needs a separator).
    started: bool,
    close: &'static str,
}

enum Items<'h> {
    Seq(std::slice::Iter<'h, Obj>),
    Set(Box<dyn Iterator<Item = Obj> + 'h>),
    /// Dict entries, and the value still owed after a key was written.
    Dict(Box<dyn Iterator<Item = (Obj, Obj)> + 'h>, Option<Obj>),
}

/// What to do after looking at the top frame.
enum Step {
    Item { obj: Obj, separator: &'static str },
    Close,
}

/// The mutable state of one `repr` walk.
struct Walk<'h> {
    heap: &'h Heap,
    stack: Vec<Frame<'h>>,
    /// Containers currently open: CPython's `Py_ReprEnter` set.
    open: hashbrown::HashSet<Obj, rustc_hash::FxBuildHasher>,
    /// `out.len()` past which the walk stops ([`HeapConfig::max_repr_bytes`](crate::HeapConfig::max_repr_bytes)).
    limit: usize,
}

impl Heap {
    /// Python's `repr(obj)`.
    ///
    /// # Errors
    /// - [`ErrorKind::Recursion`] when containers nest deeper than the heap's
    ///   recursion limit;
    /// - [`ErrorKind::Value`] for an `int` of more than 4300 decimal digits
    ///   (CPython's default `sys.set_int_max_str_digits` limit);
    /// - [`ErrorKind::StaleHandle`] for a collected object.
    ///
    /// ```
    /// use pyobj::Heap;
    /// let mut heap = Heap::new();
    /// let s = heap.new_str("it's");
    /// let list = heap.new_list(vec![s]);
    /// heap.list_append(list, list)?;
    /// assert_eq!(heap.repr(list)?, r#"["it's", [...]]"#);
    /// # Ok::<(), pyobj::Error>(())
    /// ```
    pub fn repr(&self, obj: Obj) -> Result<String> {
        let mut out = String::new();
        self.write_repr(obj, &mut out)?;
        Ok(out)
    }

    /// Appends `repr(obj)` to `out`; see [`Heap::repr`]. On error, `out` holds
    /// whatever was written before the failure.
    pub fn write_repr(&self, obj: Obj, out: &mut String) -> Result<()> {
        let mut walk = Walk {
            heap: self,
            stack: Vec::new(),
            open: Default::default(),
            limit: out.len().saturating_add(self.config.max_repr_bytes),
        };
        walk.enter(obj, 1, out)?;
        walk.run(out)
    }
}

impl<'h> Walk<'h> {
    /// Drains the frame stack, writing items and closing containers.
    fn run(&mut self, out: &mut String) -> Result<()> {
        loop {
            let Some(frame) = self.stack.last_mut() else {
                return Ok(());
            };
            let depth = frame.depth + 1;
            let step = match &mut frame.items {
                Items::Seq(items) => next_item(items.next().copied(), frame.started, ", "),
                Items::Set(items) => next_item(items.next(), frame.started, ", "),
                Items::Dict(entries, pending) => match pending.take() {
                    Some(value) => Step::Item {
                        obj: value,
                        separator: ": ",
                    },
                    None => match entries.next() {
                        Some((key, value)) => {
                            *pending = Some(value);
                            next_item(Some(key), frame.started, ", ")
                        }
                        None => Step::Close,
                    },
                },
            };
            match step {
                Step::Item { obj, separator } => {
                    frame.started = true;
                    out.push_str(separator);
                    self.enter(obj, depth, out)?;
                    if out.len() > self.limit {
                        return Err(Error::new(
                            ErrorKind::Memory,
                            format!(
                                "repr() longer than {} bytes (a value that shares objects at many levels grows exponentially when printed)",
                                self.heap.config.max_repr_bytes
                            ),
                        ));
                    }
                }
                Step::Close => {
                    out.push_str(frame.close);
                    let container = frame.container;
                    self.stack.pop();
                    self.open.remove(&container);
                }
            }
        }
    }

    /// Writes `obj` if it is a leaf, or opens a frame for a container.
    fn enter(&mut self, obj: Obj, depth: usize, out: &mut String) -> Result<()> {
        if depth > self.heap.config.recursion_limit {
            return Err(Error::recursion("getting the repr of an object"));
        }
        let heap = self.heap;
        match &*heap.get(obj)? {
            Object::Instance(inst) => match inst.base {
                // A subclass of a built-in prints its built-in part, as the
                // built-in's own repr does for subclasses; set, frozenset and
                // bytearray reprs show the subclass's name.
                Some(base) => {
                    let class = heap.as_class(inst.class)?;
                    let qualname = heap.as_str_obj(class.qualname)?.to_string_lossy();
                    let name = qualname.rsplit('.').next().unwrap_or_default();
                    self.enter_builtin(base, Some(name), depth, out)
                }
                None => write_instance(heap, obj, inst.class, out),
            },
            _ => self.enter_builtin(obj, None, depth, out),
        }
    }

    /// Writes a built-in object; `subclass` is the name of the subclass whose
    /// built-in part `obj` is, if it is one.
    fn enter_builtin(
        &mut self,
        obj: Obj,
        subclass: Option<&str>,
        depth: usize,
        out: &mut String,
    ) -> Result<()> {
        let heap = self.heap;
        if let Some(value) = obj.as_immediate_int() {
            return write_int(&Int::Small(value), out);
        }
        match heap.slot_or_int_kind(obj)? {
            Object::None => out.push_str("None"),
            Object::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
            Object::Int(i) => write_int(i, out)?,
            Object::Float(f) => write_float_repr(out, *f),
            Object::Complex(c) => write_complex_repr(out, c.re, c.im),
            Object::Str(s) => write_str_repr(out, s),
            Object::Bytes(b) => write_bytes_repr(out, b),
            Object::ByteArray(b) => write_bytearray_repr(out, subclass.unwrap_or("bytearray"), b),
            Object::Tuple(items) => {
                if items.is_empty() {
                    out.push_str("()");
                } else {
                    // A one-item tuple keeps its trailing comma: `(1,)`.
                    let close = if items.len() == 1 { ",)" } else { ")" };
                    self.open_frame(
                        obj,
                        depth,
                        "(",
                        "(...)",
                        close,
                        Items::Seq(items.iter()),
                        out,
                    );
                }
            }
            Object::List(items) => {
                if items.is_empty() {
                    out.push_str("[]");
                } else {
                    self.open_frame(obj, depth, "[", "[...]", "]", Items::Seq(items.iter()), out);
                }
            }
            Object::Dict(dict) => {
                if dict.is_empty() {
                    out.push_str("{}");
                } else {
                    let items = Items::Dict(Box::new(dict.iter()), None);
                    self.open_frame(obj, depth, "{", "{...}", "}", items, out);
                }
            }
            Object::Set(set) => self.enter_set(
                obj,
                set,
                subclass.unwrap_or("set"),
                subclass.is_none(),
                depth,
                out,
            ),
            Object::FrozenSet(set) => {
                self.enter_set(obj, set, subclass.unwrap_or("frozenset"), false, depth, out)
            }
            Object::Class(class) => {
                out.push_str("<class '");
                write_dotted_name(heap, class.module, class.qualname, out)?;
                out.push_str("'>");
            }
            Object::Function(f) => {
                let qualname = heap.as_str_obj(f.qualname)?.to_string_lossy();
                if heap.as_str_obj(f.module)?.as_surrogatepass_bytes() == b"builtins" {
                    // Built-ins are C functions, which CPython shows by bare name.
                    let name = qualname.rsplit('.').next().unwrap_or_default();
                    let _ = write!(out, "<built-in function {name}>");
                } else {
                    let _ = write!(out, "<function {qualname} at {:#x}>", obj.id());
                }
            }
            Object::Instance(inst) => {
                // An instance's built-in part is never itself an instance
                // (`set_instance_base` checks the kind); should one be, show
                // it as a plain instance rather than chase bases.
                write_instance(heap, obj, inst.class, out)?;
            }
            Object::PickleBuffer(_) => {
                let _ = write!(out, "<pickle.PickleBuffer object at {:#x}>", obj.id());
            }
        }
        Ok(())
    }

    /// A `set` or `frozenset` (or the built-in part of a subclass named
    /// `name`); `display` is whether it prints as a bare `{...}` display,
    /// which only an exact `set` does.
    fn enter_set(
        &mut self,
        obj: Obj,
        set: &'h Set,
        name: &str,
        display: bool,
        depth: usize,
        out: &mut String,
    ) {
        if set.is_empty() {
            let _ = write!(out, "{name}()");
            return;
        }
        let items = Items::Set(Box::new(set.iter()));
        if display {
            self.open_frame(obj, depth, "{", "set(...)", "}", items, out);
        } else {
            let open = format!("{name}({{");
            let marker = format!("{name}(...)");
            self.open_frame(obj, depth, &open, &marker, "})", items, out);
        }
    }

    /// Opens a non-empty container, or writes `marker` if it is already open.
    // Each call site spells out its three delimiters, which reads better than
    // a struct built only to carry them.
    #[allow(clippy::too_many_arguments)]
    fn open_frame(
        &mut self,
        obj: Obj,
        depth: usize,
        open: &str,
        marker: &str,
        close: &'static str,
        items: Items<'h>,
        out: &mut String,
    ) {
        if !self.open.insert(obj) {
            out.push_str(marker);
            return;
        }
        out.push_str(open);
        self.stack.push(Frame {
            container: obj,
            depth,
            items,
            started: false,
            close,
        });
    }
}

fn next_item(item: Option<Obj>, started: bool, separator: &'static str) -> Step {
    match item {
        Some(obj) => Step::Item {
            obj,
            separator: if started { separator } else { "" },
        },
        None => Step::Close,
    }
}

/// `<module.Qualname object at 0x...>`, with the handle's id standing in for
/// CPython's address so output is deterministic.
fn write_instance(heap: &Heap, obj: Obj, class: Obj, out: &mut String) -> Result<()> {
    let class = heap.as_class(class)?;
    out.push('<');
    write_dotted_name(heap, class.module, class.qualname, out)?;
    let _ = write!(out, " object at {:#x}>", obj.id());
    Ok(())
}

/// `module.qualname`, or just `qualname` for the `builtins` module, as
/// CPython's class and instance reprs write it.
fn write_dotted_name(heap: &Heap, module: Obj, qualname: Obj, out: &mut String) -> Result<()> {
    let module = heap.as_str_obj(module)?;
    if module.as_surrogatepass_bytes() != b"builtins" {
        out.push_str(&module.to_string_lossy());
        out.push('.');
    }
    out.push_str(&heap.as_str_obj(qualname)?.to_string_lossy());
    Ok(())
}

/// Writes an int in decimal, refusing more digits than CPython allows.
fn write_int(value: &Int, out: &mut String) -> Result<()> {
    match value {
        Int::Small(v) => {
            let _ = write!(out, "{v}");
            Ok(())
        }
        Int::Big(b) => {
            if b.bits() >= INT_MAX_STR_BITS {
                return Err(too_many_digits());
            }
            let text = BigInt::to_string(b);
            let digits = text.len() - usize::from(text.starts_with('-'));
            if digits > INT_MAX_STR_DIGITS {
                return Err(too_many_digits());
            }
            out.push_str(&text);
            Ok(())
        }
    }
}

#[cold]
fn too_many_digits() -> Error {
    Error::new(
        ErrorKind::Value,
        format!(
            "Exceeds the limit ({INT_MAX_STR_DIGITS} digits) for integer string conversion; \
             use sys.set_int_max_str_digits() to increase the limit"
        ),
    )
}
