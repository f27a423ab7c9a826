//! `Object`: what a heap slot holds, one variant per kind of Python object.

use crate::kinds::{
    class::Class, complex::Complex, dict::Dict, function::Function, instance::Instance, int::Int,
    picklebuffer::PickleBuffer, set::Set, str::Str,
};
use thin_vec::ThinVec;

use crate::Obj;

/// One Python object as the heap stores it.
///
/// The enum is kept to 24 bytes (pinned by a test) so that a heap slot, with its
/// version, is 32 bytes: the size of CPython's smallest objects after its
/// allocator rounds them. Kinds with larger payloads keep them behind one box.
#[derive(Debug)]
pub enum Object {
    /// `None`. The heap has exactly one; see [`Heap::none`](crate::Heap::none).
    None,
    /// `True` or `False`. The heap has exactly one of each.
    Bool(bool),
    /// `int`, any size.
    Int(Int),
    /// `float`, an IEEE 754 double.
    Float(f64),
    /// `complex`.
    Complex(Complex),
    /// `str`: a sequence of code points, lone surrogates allowed.
    Str(Str),
    /// `bytes`: immutable.
    Bytes(Box<[u8]>),
    /// `bytearray`: mutable bytes. Boxed so that `Object` stays small; a
    /// `Vec` (not a `ThinVec`) so that large ones copy at `memcpy` speed.
    #[allow(clippy::box_collection)]
    ByteArray(Box<Vec<u8>>),
    /// `tuple`: an immutable sequence of handles.
    Tuple(Box<[Obj]>),
    /// `list`.
    List(ThinVec<Obj>),
    /// `dict`: insertion-ordered.
    Dict(Dict),
    /// `set`: mutable, kept in insertion order.
    Set(Box<Set>),
    /// `frozenset`: immutable and hashable, kept in insertion order.
    FrozenSet(Box<Set>),
    /// A class object: built-in (`builtins.list`) or defined by the embedder.
    Class(Box<Class>),
    /// An instance of a non-built-in class.
    Instance(Box<Instance>),
    /// A function or other object known by module and qualified name, optionally
    /// callable from Rust.
    Function(Box<Function>),
    /// `pickle.PickleBuffer`: a view of a `bytes` or `bytearray` that protocol
    /// 5 can send out of band.
    PickleBuffer(PickleBuffer),
}

/// The kind of an object, without its payload: what `type(obj)` is for the built-ins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `NoneType`
    None,
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `float`
    Float,
    /// `complex`
    Complex,
    /// `str`
    Str,
    /// `bytes`
    Bytes,
    /// `bytearray`
    ByteArray,
    /// `tuple`
    Tuple,
    /// `list`
    List,
    /// `dict`
    Dict,
    /// `set`
    Set,
    /// `frozenset`
    FrozenSet,
    /// `type`: a class object
    Class,
    /// an instance of a user class
    Instance,
    /// a function or other named global
    Function,
    /// `pickle.PickleBuffer`
    PickleBuffer,
}

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: [Kind; 17] = [
        Kind::None,
        Kind::Bool,
        Kind::Int,
        Kind::Float,
        Kind::Complex,
        Kind::Str,
        Kind::Bytes,
        Kind::ByteArray,
        Kind::Tuple,
        Kind::List,
        Kind::Dict,
        Kind::Set,
        Kind::FrozenSet,
        Kind::Class,
        Kind::Instance,
        Kind::Function,
        Kind::PickleBuffer,
    ];

    /// Python's name for the type of objects of this kind (`type(x).__name__`),
    /// with `"object"` for instances and `"function"` for named globals.
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::None => "NoneType",
            Kind::Bool => "bool",
            Kind::Int => "int",
            Kind::Float => "float",
            Kind::Complex => "complex",
            Kind::Str => "str",
            Kind::Bytes => "bytes",
            Kind::ByteArray => "bytearray",
            Kind::Tuple => "tuple",
            Kind::List => "list",
            Kind::Dict => "dict",
            Kind::Set => "set",
            Kind::FrozenSet => "frozenset",
            Kind::Class => "type",
            Kind::Instance => "object",
            Kind::Function => "function",
            Kind::PickleBuffer => "PickleBuffer",
        }
    }
}

impl Object {
    /// The kind of this object.
    pub fn kind(&self) -> Kind {
        match self {
            Object::None => Kind::None,
            Object::Bool(_) => Kind::Bool,
            Object::Int(_) => Kind::Int,
            Object::Float(_) => Kind::Float,
            Object::Complex(_) => Kind::Complex,
            Object::Str(_) => Kind::Str,
            Object::Bytes(_) => Kind::Bytes,
            Object::ByteArray(_) => Kind::ByteArray,
            Object::Tuple(_) => Kind::Tuple,
            Object::List(_) => Kind::List,
            Object::Dict(_) => Kind::Dict,
            Object::Set(_) => Kind::Set,
            Object::FrozenSet(_) => Kind::FrozenSet,
            Object::Class(_) => Kind::Class,
            Object::Instance(_) => Kind::Instance,
            Object::Function(_) => Kind::Function,
            Object::PickleBuffer(_) => Kind::PickleBuffer,
        }
    }

    /// Python's name for this object's built-in type (see [`Kind::type_name`]).
    /// Instances report `"object"` here; [`Heap::type_name`](crate::Heap::type_name)
    /// gives their class's name.
    pub fn type_name(&self) -> &'static str {
        self.kind().type_name()
    }
}
