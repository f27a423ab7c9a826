//! The opcode table: one row per opcode (byte, name, argument kind, protocol,
//! stack effect), generated from CPython's `pickletools.opcodes` by `opcodes.py`.
//!
//! The unpickler's dispatch, the pickler, `dis` and `pkl scan` all read this
//! one table. Regenerate with `python3 opcodes.py > opcodes.rs`; do not edit by hand.

/// A pickle opcode, named as in `pickletools` and `pickle.py`.
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Opcode {
    /// `'I'` (protocol 0): Push an integer or bool.
    INT = 73,
    /// `'J'` (protocol 1): Push a four-byte signed integer.
    BININT = 74,
    /// `'K'` (protocol 1): Push a one-byte unsigned integer.
    BININT1 = 75,
    /// `'M'` (protocol 1): Push a two-byte unsigned integer.
    BININT2 = 77,
    /// `'L'` (protocol 0): Push a long integer.
    LONG = 76,
    /// `'\x8a'` (protocol 2): Long integer using one-byte length.
    LONG1 = 138,
    /// `'\x8b'` (protocol 2): Long integer using found-byte length.
    LONG4 = 139,
    /// `'S'` (protocol 0): Push a Python string object.
    STRING = 83,
    /// `'T'` (protocol 1): Push a Python string object.
    BINSTRING = 84,
    /// `'U'` (protocol 1): Push a Python string object.
    SHORT_BINSTRING = 85,
    /// `'B'` (protocol 3): Push a Python bytes object.
    BINBYTES = 66,
    /// `'C'` (protocol 3): Push a Python bytes object.
    SHORT_BINBYTES = 67,
    /// `'\x8e'` (protocol 4): Push a Python bytes object.
    BINBYTES8 = 142,
    /// `'\x96'` (protocol 5): Push a Python bytearray object.
    BYTEARRAY8 = 150,
    /// `'\x97'` (protocol 5): Push an out-of-band buffer object.
    NEXT_BUFFER = 151,
    /// `'\x98'` (protocol 5): Make an out-of-band buffer object read-only.
    READONLY_BUFFER = 152,
    /// `'N'` (protocol 0): Push None on the stack.
    NONE = 78,
    /// `'\x88'` (protocol 2): Push True onto the stack.
    NEWTRUE = 136,
    /// `'\x89'` (protocol 2): Push False onto the stack.
    NEWFALSE = 137,
    /// `'V'` (protocol 0): Push a Python Unicode string object.
    UNICODE = 86,
    /// `'\x8c'` (protocol 4): Push a Python Unicode string object.
    SHORT_BINUNICODE = 140,
    /// `'X'` (protocol 1): Push a Python Unicode string object.
    BINUNICODE = 88,
    /// `'\x8d'` (protocol 4): Push a Python Unicode string object.
    BINUNICODE8 = 141,
    /// `'F'` (protocol 0): Newline-terminated decimal float literal.
    FLOAT = 70,
    /// `'G'` (protocol 1): Float stored in binary form, with 8 bytes of data.
    BINFLOAT = 71,
    /// `']'` (protocol 1): Push an empty list.
    EMPTY_LIST = 93,
    /// `'a'` (protocol 0): Append an object to a list.
    APPEND = 97,
    /// `'e'` (protocol 1): Extend a list by a slice of stack objects.
    APPENDS = 101,
    /// `'l'` (protocol 0): Build a list out of the topmost stack slice, after markobject.
    LIST = 108,
    /// `')'` (protocol 1): Push an empty tuple.
    EMPTY_TUPLE = 41,
    /// `'t'` (protocol 0): Build a tuple out of the topmost stack slice, after markobject.
    TUPLE = 116,
    /// `'\x85'` (protocol 2): Build a one-tuple out of the topmost item on the stack.
    TUPLE1 = 133,
    /// `'\x86'` (protocol 2): Build a two-tuple out of the top two items on the stack.
    TUPLE2 = 134,
    /// `'\x87'` (protocol 2): Build a three-tuple out of the top three items on the stack.
    TUPLE3 = 135,
    /// `'}'` (protocol 1): Push an empty dict.
    EMPTY_DICT = 125,
    /// `'d'` (protocol 0): Build a dict out of the topmost stack slice, after markobject.
    DICT = 100,
    /// `'s'` (protocol 0): Add a key+value pair to an existing dict.
    SETITEM = 115,
    /// `'u'` (protocol 1): Add an arbitrary number of key+value pairs to an existing dict.
    SETITEMS = 117,
    /// `'\x8f'` (protocol 4): Push an empty set.
    EMPTY_SET = 143,
    /// `'\x90'` (protocol 4): Add an arbitrary number of items to an existing set.
    ADDITEMS = 144,
    /// `'\x91'` (protocol 4): Build a frozenset out of the topmost slice, after markobject.
    FROZENSET = 145,
    /// `'0'` (protocol 0): Discard the top stack item, shrinking the stack by one item.
    POP = 48,
    /// `'2'` (protocol 0): Push the top stack item onto the stack again, duplicating it.
    DUP = 50,
    /// `'('` (protocol 0): Push markobject onto the stack.
    MARK = 40,
    /// `'1'` (protocol 1): Pop all the stack objects at and above the topmost markobject.
    POP_MARK = 49,
    /// `'g'` (protocol 0): Read an object from the memo and push it on the stack.
    GET = 103,
    /// `'h'` (protocol 1): Read an object from the memo and push it on the stack.
    BINGET = 104,
    /// `'j'` (protocol 1): Read an object from the memo and push it on the stack.
    LONG_BINGET = 106,
    /// `'p'` (protocol 0): Store the stack top into the memo.  The stack is not popped.
    PUT = 112,
    /// `'q'` (protocol 1): Store the stack top into the memo.  The stack is not popped.
    BINPUT = 113,
    /// `'r'` (protocol 1): Store the stack top into the memo.  The stack is not popped.
    LONG_BINPUT = 114,
    /// `'\x94'` (protocol 4): Store the stack top into the memo.  The stack is not popped.
    MEMOIZE = 148,
    /// `'\x82'` (protocol 2): Extension code.
    EXT1 = 130,
    /// `'\x83'` (protocol 2): Extension code.
    EXT2 = 131,
    /// `'\x84'` (protocol 2): Extension code.
    EXT4 = 132,
    /// `'c'` (protocol 0): Push a global object (module.attr) on the stack.
    GLOBAL = 99,
    /// `'\x93'` (protocol 4): Push a global object (module.attr) on the stack.
    STACK_GLOBAL = 147,
    /// `'R'` (protocol 0): Push an object built from a callable and an argument tuple.
    REDUCE = 82,
    /// `'b'` (protocol 0): Finish building an object, via __setstate__ or dict update.
    BUILD = 98,
    /// `'i'` (protocol 0): Build a class instance.
    INST = 105,
    /// `'o'` (protocol 1): Build a class instance.
    OBJ = 111,
    /// `'\x81'` (protocol 2): Build an object instance.
    NEWOBJ = 129,
    /// `'\x92'` (protocol 4): Build an object instance.
    NEWOBJ_EX = 146,
    /// `'\x80'` (protocol 2): Protocol version indicator.
    PROTO = 128,
    /// `'.'` (protocol 0): Stop the unpickling machine.
    STOP = 46,
    /// `'\x95'` (protocol 4): Indicate the beginning of a new frame.
    FRAME = 149,
    /// `'P'` (protocol 0): Push an object identified by a persistent ID.
    PERSID = 80,
    /// `'Q'` (protocol 1): Push an object identified by a persistent ID.
    BINPERSID = 81,
}

/// How an opcode's inline argument is encoded (pickletools' `ArgumentDescriptor` names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// No inline argument.
    None,
    /// `bytearray8`: A counted bytearray.
    Bytearray8,
    /// `bytes1`: A counted bytes string.
    Bytes1,
    /// `bytes4`: A counted bytes string.
    Bytes4,
    /// `bytes8`: A counted bytes string.
    Bytes8,
    /// `decimalnl_long`: A newline-terminated decimal integer literal.
    DecimalnlLong,
    /// `decimalnl_short`: A newline-terminated decimal integer literal.
    DecimalnlShort,
    /// `float8`: An 8-byte binary representation of a float, big-endian.
    Float8,
    /// `floatnl`: A newline-terminated decimal floating literal.
    Floatnl,
    /// `int4`: Four-byte signed integer, little-endian, 2's complement.
    Int4,
    /// `long1`: A binary long, little-endian, using 1-byte size.
    Long1,
    /// `long4`: A binary representation of a long, little-endian.
    Long4,
    /// `string1`: A counted string.
    String1,
    /// `string4`: A counted string.
    String4,
    /// `stringnl`: A newline-terminated string.
    Stringnl,
    /// `stringnl_noescape`: A newline-terminated string.
    StringnlNoescape,
    /// `stringnl_noescape_pair`: A pair of newline-terminated strings.
    StringnlNoescapePair,
    /// `uint1`: One-byte unsigned integer.
    Uint1,
    /// `uint2`: Two-byte unsigned integer, little-endian.
    Uint2,
    /// `uint4`: Four-byte unsigned integer, little-endian.
    Uint4,
    /// `uint8`: Eight-byte unsigned integer, little-endian.
    Uint8,
    /// `unicodestring1`: A counted Unicode string.
    Unicodestring1,
    /// `unicodestring4`: A counted Unicode string.
    Unicodestring4,
    /// `unicodestring8`: A counted Unicode string.
    Unicodestring8,
    /// `unicodestringnl`: A newline-terminated Unicode string.
    Unicodestringnl,
}

/// What an opcode pops or pushes (pickletools' `StackObject` names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StackKind {
    /// `None`
    None,
    /// `any`
    Any,
    /// `bool`
    Bool,
    /// `buffer`
    Buffer,
    /// `bytearray`
    Bytearray,
    /// `bytes`
    Bytes,
    /// `bytes_or_str`
    BytesOrStr,
    /// `dict`
    Dict,
    /// `float`
    Float,
    /// `frozenset`
    Frozenset,
    /// `int`
    Int,
    /// `int_or_bool`
    IntOrBool,
    /// `list`
    List,
    /// `mark`
    Mark,
    /// `set`
    Set,
    /// `stackslice`
    Stackslice,
    /// `str`
    Str,
    /// `tuple`
    Tuple,
}

impl StackKind {
    /// The name `pickletools` gives this stack object (what its repr shows).
    pub fn name(self) -> &'static str {
        match self {
            StackKind::None => "None",
            StackKind::Any => "any",
            StackKind::Bool => "bool",
            StackKind::Buffer => "buffer",
            StackKind::Bytearray => "bytearray",
            StackKind::Bytes => "bytes",
            StackKind::BytesOrStr => "bytes_or_str",
            StackKind::Dict => "dict",
            StackKind::Float => "float",
            StackKind::Frozenset => "frozenset",
            StackKind::Int => "int",
            StackKind::IntOrBool => "int_or_bool",
            StackKind::List => "list",
            StackKind::Mark => "mark",
            StackKind::Set => "set",
            StackKind::Stackslice => "stackslice",
            StackKind::Str => "str",
            StackKind::Tuple => "tuple",
        }
    }
}

/// One row of the opcode table.
#[derive(Clone, Copy, Debug)]
pub struct OpcodeInfo {
    /// The opcode.
    pub opcode: Opcode,
    /// The byte that encodes it.
    pub code: u8,
    /// Its name in `pickletools`.
    pub name: &'static str,
    /// Its inline argument's encoding.
    pub arg: ArgKind,
    /// The protocol that introduced it.
    pub proto: u8,
    /// What it pops, bottom of the stack first.
    pub stack_before: &'static [StackKind],
    /// What it pushes, bottom of the stack first.
    pub stack_after: &'static [StackKind],
}

/// Every opcode, in `pickletools.opcodes` order.
pub static OPCODES: [OpcodeInfo; 68] = [
    OpcodeInfo {
        opcode: Opcode::INT,
        code: 73,
        name: "INT",
        arg: ArgKind::DecimalnlShort,
        proto: 0,
        stack_before: &[],
        stack_after: &[StackKind::IntOrBool],
    },
    OpcodeInfo {
        opcode: Opcode::BININT,
        code: 74,
        name: "BININT",
        arg: ArgKind::Int4,
        proto: 1,
        stack_before: &[],
        stack_after: &[StackKind::Int],
    },
    OpcodeInfo {
        opcode: Opcode::BININT1,
        code: 75,
        name: "BININT1",
        arg: ArgKind::Uint1,
        proto: 1,
        stack_before: &[],
        stack_after: &[StackKind::Int],
    },
    OpcodeInfo {
        opcode: Opcode::BININT2,
        code: 77,
        name: "BININT2",
        arg: ArgKind::Uint2,
        proto: 1,
        stack_before: &[],
        stack_after: &[StackKind::Int],
    },
    OpcodeInfo {
        opcode: Opcode::LONG,
        code: 76,
        name: "LONG",
        arg: ArgKind::DecimalnlLong,
        proto: 0,
        stack_before: &[],
        stack_after: &[StackKind::Int],
    },
    OpcodeInfo {
        opcode: Opcode::LONG1,
        code: 138,
        name: "LONG1",
        arg: ArgKind::Long1,
        proto: 2,
        stack_before: &[],
        stack_after: &[StackKind::Int],
    },
    OpcodeInfo {
        opcode: Opcode::LONG4,
        code: 139,
        name: "LONG4",
        arg: ArgKind::Long4,
        proto: 2,
        stack_before: &[],
        stack_after: &[StackKind::Int],
    },
    OpcodeInfo {
        opcode: Opcode::STRING,
        code: 83,
        name: "STRING",
        arg: ArgKind::Stringnl,
        proto: 0,
        stack_before: &[],
        stack_after: &[StackKind::BytesOrStr],
    },
    OpcodeInfo {
        opcode: Opcode::BINSTRING,
        code: 84,
        name: "BINSTRING",
        arg: ArgKind::String4,
        proto: 1,
        stack_before: &[],
        stack_after: &[StackKind::BytesOrStr],
    },
    OpcodeInfo {
        opcode: Opcode::SHORT_BINSTRING,
        code: 85,
        name: "SHORT_BINSTRING",
        arg: ArgKind::String1,
        proto: 1,
        stack_before: &[],
        stack_after: &[StackKind::BytesOrStr],
    },
    OpcodeInfo {
        opcode: Opcode::BINBYTES,
        code: 66,
        name: "BINBYTES",
        arg: ArgKind::Bytes4,
        proto: 3,
        stack_before: &[],
        stack_after: &[StackKind::Bytes],
    },
    OpcodeInfo {
        opcode: Opcode::SHORT_BINBYTES,
        code: 67,
        name: "SHORT_BINBYTES",
        arg: ArgKind::Bytes1,
        proto: 3,
        stack_before: &[],
        stack_after: &[StackKind::Bytes],
    },
    OpcodeInfo {
        opcode: Opcode::BINBYTES8,
        code: 142,
        name: "BINBYTES8",
        arg: ArgKind::Bytes8,
        proto: 4,
        stack_before: &[],
        stack_after: &[StackKind::Bytes],
    },
    OpcodeInfo {
        opcode: Opcode::BYTEARRAY8,
        code: 150,
        name: "BYTEARRAY8",
        arg: ArgKind::Bytearray8,
        proto: 5,
        stack_before: &[],
        stack_after: &[StackKind::Bytearray],
    },
    OpcodeInfo {
        opcode: Opcode::NEXT_BUFFER,
        code: 151,
        name: "NEXT_BUFFER",
        arg: ArgKind::None,
        proto: 5,
        stack_before: &[],
        stack_after: &[StackKind::Buffer],
    },
    OpcodeInfo {
        opcode: Opcode::READONLY_BUFFER,
        code: 152,
        name: "READONLY_BUFFER",
        arg: ArgKind::None,
        proto: 5,
        stack_before: &[StackKind::Buffer],
        stack_after: &[StackKind::Buffer],
    },
    OpcodeInfo {
        opcode: Opcode::NONE,
        code: 78,
        name: "NONE",
        arg: ArgKind::None,
        proto: 0,
        stack_before: &[],
        stack_after: &[StackKind::None],
    },
    OpcodeInfo {
        opcode: Opcode::NEWTRUE,
        code: 136,
        name: "NEWTRUE",
        arg: ArgKind::None,
        proto: 2,
        stack_before: &[],
        stack_after: &[StackKind::Bool],
    },
    OpcodeInfo {
        opcode: Opcode::NEWFALSE,
        code: 137,
        name: "NEWFALSE",
        arg: ArgKind::None,
        proto: 2,
        stack_before: &[],
        stack_after: &[StackKind::Bool],
    },
    OpcodeInfo {
        opcode: Opcode::UNICODE,
        code: 86,
        name: "UNICODE",
        arg: ArgKind::Unicodestringnl,
        proto: 0,
        stack_before: &[],
        stack_after: &[StackKind::Str],
    },
    OpcodeInfo {
        opcode: Opcode::SHORT_BINUNICODE,
        code: 140,
        name: "SHORT_BINUNICODE",
        arg: ArgKind::Unicodestring1,
        proto: 4,
        stack_before: &[],
        stack_after: &[StackKind::Str],
    },
    OpcodeInfo {
        opcode: Opcode::BINUNICODE,
        code: 88,
        name: "BINUNICODE",
        arg: ArgKind::Unicodestring4,
        proto: 1,
        stack_before: &[],
        stack_after: &[StackKind::Str],
    },
    OpcodeInfo {
        opcode: Opcode::BINUNICODE8,
        code: 141,
        name: "BINUNICODE8",
        arg: ArgKind::Unicodestring8,
        proto: 4,
        stack_before: &[],
        stack_after: &[StackKind::Str],
    },
    OpcodeInfo {
        opcode: Opcode::FLOAT,
        code: 70,
        name: "FLOAT",
        arg: ArgKind::Floatnl,
        proto: 0,
        stack_before: &[],
        stack_after: &[StackKind::Float],
    },
    OpcodeInfo {
        opcode: Opcode::BINFLOAT,
        code: 71,
        name: "BINFLOAT",
        arg: ArgKind::Float8,
        proto: 1,
        stack_before: &[],
        stack_after: &[StackKind::Float],
    },
    OpcodeInfo {
        opcode: Opcode::EMPTY_LIST,
        code: 93,
        name: "EMPTY_LIST",
        arg: ArgKind::None,
        proto: 1,
        stack_before: &[],
        stack_after: &[StackKind::List],
    },
    OpcodeInfo {
        opcode: Opcode::APPEND,
        code: 97,
        name: "APPEND",
        arg: ArgKind::None,
        proto: 0,
        stack_before: &[StackKind::List, StackKind::Any],
        stack_after: &[StackKind::List],
    },
    OpcodeInfo {
        opcode: Opcode::APPENDS,
        code: 101,
        name: "APPENDS",
        arg: ArgKind::None,
        proto: 1,
        stack_before: &[StackKind::List, StackKind::Mark, StackKind::Stackslice],
        stack_after: &[StackKind::List],
    },
    OpcodeInfo {
        opcode: Opcode::LIST,
        code: 108,
        name: "LIST",
        arg: ArgKind::None,
        proto: 0,
        stack_before: &[StackKind::Mark, StackKind::Stackslice],
        stack_after: &[StackKind::List],
    },
    OpcodeInfo {
        opcode: Opcode::EMPTY_TUPLE,
        code: 41,
        name: "EMPTY_TUPLE",
        arg: ArgKind::None,
        proto: 1,
        stack_before: &[],
        stack_after: &[StackKind::Tuple],
    },
    OpcodeInfo {
        opcode: Opcode::TUPLE,
        code: 116,
        name: "TUPLE",
        arg: ArgKind::None,
        proto: 0,
        stack_before: &[StackKind::Mark, StackKind::Stackslice],
        stack_after: &[StackKind::Tuple],
    },
    OpcodeInfo {
        opcode: Opcode::TUPLE1,
        code: 133,
        name: "TUPLE1",
        arg: ArgKind::None,
        proto: 2,
        stack_before: &[StackKind::Any],
        stack_after: &[StackKind::Tuple],
    },
    OpcodeInfo {
        opcode: Opcode::TUPLE2,
        code: 134,
        name: "TUPLE2",
        arg: ArgKind::None,
        proto: 2,
        stack_before: &[StackKind::Any, StackKind::Any],
        stack_after: &[StackKind::Tuple],
    },
    OpcodeInfo {
        opcode: Opcode::TUPLE3,
        code: 135,
        name: "TUPLE3",
        arg: ArgKind::None,
        proto: 2,
        stack_before: &[StackKind::Any, StackKind::Any, StackKind::Any],
        stack_after: &[StackKind::Tuple],
    },
    OpcodeInfo {
        opcode: Opcode::EMPTY_DICT,
        code: 125,
        name: "EMPTY_DICT",
        arg: ArgKind::None,
        proto: 1,
        stack_before: &[],
        stack_after: &[StackKind::Dict],
    },
    OpcodeInfo {
        opcode: Opcode::DICT,
        code: 100,
        name: "DICT",
        arg: ArgKind::None,
        proto: 0,
        stack_before: &[StackKind::Mark, StackKind::Stackslice],
        stack_after: &[StackKind::Dict],
    },
    OpcodeInfo {
        opcode: Opcode::SETITEM,
        code: 115,
        name: "SETITEM",
        arg: ArgKind::None,
        proto: 0,
        stack_before: &[StackKind::Dict, StackKind::Any, StackKind::Any],
        stack_after: &[StackKind::Dict],
    },
    OpcodeInfo {
        opcode: Opcode::SETITEMS,
        code: 117,
        name: "SETITEMS",
        arg: ArgKind::None,
        proto: 1,
        stack_before: &[StackKind::Dict, StackKind::Mark, StackKind::Stackslice],
        stack_after: &[StackKind::Dict],
    },
    OpcodeInfo {
        opcode: Opcode::EMPTY_SET,
        code: 143,
        name: "EMPTY_SET",
        arg: ArgKind::None,
        proto: 4,
        stack_before: &[],
        stack_after: &[StackKind::Set],
    },
    OpcodeInfo {
        opcode: Opcode::ADDITEMS,
        code: 144,
        name: "ADDITEMS",
        arg: ArgKind::None,
        proto: 4,
        stack_before: &[StackKind::Set, StackKind::Mark, StackKind::Stackslice],
        stack_after: &[StackKind::Set],
    },
    OpcodeInfo {
        opcode: Opcode::FROZENSET,
        code: 145,
        name: "FROZENSET",
        arg: ArgKind::None,
        proto: 4,
        stack_before: &[StackKind::Mark, StackKind::Stackslice],
        stack_after: &[StackKind::Frozenset],
    },
    OpcodeInfo {
        opcode: Opcode::POP,
        code: 48,
        name: "POP",
        arg: ArgKind::None,
        proto: 0,
        stack_before: &[StackKind::Any],
        stack_after: &[],
    },
    OpcodeInfo {
        opcode: Opcode::DUP,
        code: 50,
        name: "DUP",
        arg: ArgKind::None,
        proto: 0,
        stack_before: &[StackKind::Any],
        stack_after: &[StackKind::Any, StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::MARK,
        code: 40,
        name: "MARK",
        arg: ArgKind::None,
        proto: 0,
        stack_before: &[],
        stack_after: &[StackKind::Mark],
    },
    OpcodeInfo {
        opcode: Opcode::POP_MARK,
        code: 49,
        name: "POP_MARK",
        arg: ArgKind::None,
        proto: 1,
        stack_before: &[StackKind::Mark, StackKind::Stackslice],
        stack_after: &[],
    },
    OpcodeInfo {
        opcode: Opcode::GET,
        code: 103,
        name: "GET",
        arg: ArgKind::DecimalnlShort,
        proto: 0,
        stack_before: &[],
        stack_after: &[StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::BINGET,
        code: 104,
        name: "BINGET",
        arg: ArgKind::Uint1,
        proto: 1,
        stack_before: &[],
        stack_after: &[StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::LONG_BINGET,
        code: 106,
        name: "LONG_BINGET",
        arg: ArgKind::Uint4,
        proto: 1,
        stack_before: &[],
        stack_after: &[StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::PUT,
        code: 112,
        name: "PUT",
        arg: ArgKind::DecimalnlShort,
        proto: 0,
        stack_before: &[],
        stack_after: &[],
    },
    OpcodeInfo {
        opcode: Opcode::BINPUT,
        code: 113,
        name: "BINPUT",
        arg: ArgKind::Uint1,
        proto: 1,
        stack_before: &[],
        stack_after: &[],
    },
    OpcodeInfo {
        opcode: Opcode::LONG_BINPUT,
        code: 114,
        name: "LONG_BINPUT",
        arg: ArgKind::Uint4,
        proto: 1,
        stack_before: &[],
        stack_after: &[],
    },
    OpcodeInfo {
        opcode: Opcode::MEMOIZE,
        code: 148,
        name: "MEMOIZE",
        arg: ArgKind::None,
        proto: 4,
        stack_before: &[StackKind::Any],
        stack_after: &[StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::EXT1,
        code: 130,
        name: "EXT1",
        arg: ArgKind::Uint1,
        proto: 2,
        stack_before: &[],
        stack_after: &[StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::EXT2,
        code: 131,
        name: "EXT2",
        arg: ArgKind::Uint2,
        proto: 2,
        stack_before: &[],
        stack_after: &[StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::EXT4,
        code: 132,
        name: "EXT4",
        arg: ArgKind::Int4,
        proto: 2,
        stack_before: &[],
        stack_after: &[StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::GLOBAL,
        code: 99,
        name: "GLOBAL",
        arg: ArgKind::StringnlNoescapePair,
        proto: 0,
        stack_before: &[],
        stack_after: &[StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::STACK_GLOBAL,
        code: 147,
        name: "STACK_GLOBAL",
        arg: ArgKind::None,
        proto: 4,
        stack_before: &[StackKind::Str, StackKind::Str],
        stack_after: &[StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::REDUCE,
        code: 82,
        name: "REDUCE",
        arg: ArgKind::None,
        proto: 0,
        stack_before: &[StackKind::Any, StackKind::Any],
        stack_after: &[StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::BUILD,
        code: 98,
        name: "BUILD",
        arg: ArgKind::None,
        proto: 0,
        stack_before: &[StackKind::Any, StackKind::Any],
        stack_after: &[StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::INST,
        code: 105,
        name: "INST",
        arg: ArgKind::StringnlNoescapePair,
        proto: 0,
        stack_before: &[StackKind::Mark, StackKind::Stackslice],
        stack_after: &[StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::OBJ,
        code: 111,
        name: "OBJ",
        arg: ArgKind::None,
        proto: 1,
        stack_before: &[StackKind::Mark, StackKind::Any, StackKind::Stackslice],
        stack_after: &[StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::NEWOBJ,
        code: 129,
        name: "NEWOBJ",
        arg: ArgKind::None,
        proto: 2,
        stack_before: &[StackKind::Any, StackKind::Any],
        stack_after: &[StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::NEWOBJ_EX,
        code: 146,
        name: "NEWOBJ_EX",
        arg: ArgKind::None,
        proto: 4,
        stack_before: &[StackKind::Any, StackKind::Any, StackKind::Any],
        stack_after: &[StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::PROTO,
        code: 128,
        name: "PROTO",
        arg: ArgKind::Uint1,
        proto: 2,
        stack_before: &[],
        stack_after: &[],
    },
    OpcodeInfo {
        opcode: Opcode::STOP,
        code: 46,
        name: "STOP",
        arg: ArgKind::None,
        proto: 0,
        stack_before: &[StackKind::Any],
        stack_after: &[],
    },
    OpcodeInfo {
        opcode: Opcode::FRAME,
        code: 149,
        name: "FRAME",
        arg: ArgKind::Uint8,
        proto: 4,
        stack_before: &[],
        stack_after: &[],
    },
    OpcodeInfo {
        opcode: Opcode::PERSID,
        code: 80,
        name: "PERSID",
        arg: ArgKind::StringnlNoescape,
        proto: 0,
        stack_before: &[],
        stack_after: &[StackKind::Any],
    },
    OpcodeInfo {
        opcode: Opcode::BINPERSID,
        code: 81,
        name: "BINPERSID",
        arg: ArgKind::None,
        proto: 1,
        stack_before: &[StackKind::Any],
        stack_after: &[StackKind::Any],
    },
];

/// Table index of each byte's opcode, or `u8::MAX` for bytes that are not opcodes.
/// Byte → opcode in one load (the unpickler decodes one per opcode it
/// runs), built at compile time from the table.
static DECODE: [Option<Opcode>; 256] = {
    let mut table = [None; 256];
    let mut row = 0;
    while row < OPCODES.len() {
        table[OPCODES[row].code as usize] = Some(OPCODES[row].opcode);
        row += 1;
    }
    table
};

static BY_BYTE: [u8; 256] = [
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 43, 29, 255, 255, 255, 255, 64, 255, 41, 44, 42, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 10, 11, 255, 255, 23, 24, 255, 0, 1, 2, 4, 3, 16, 255,
    66, 67, 57, 7, 8, 9, 19, 255, 21, 255, 255, 255, 255, 25, 255, 255, 255, 26, 58, 55, 35, 27,
    255, 45, 46, 59, 47, 255, 28, 255, 255, 60, 48, 49, 50, 36, 30, 37, 255, 255, 255, 255, 255,
    255, 255, 34, 255, 255, 63, 61, 52, 53, 54, 31, 32, 33, 17, 18, 5, 6, 20, 22, 12, 38, 39, 40,
    62, 56, 51, 65, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
];

impl Opcode {
    /// The opcode a byte encodes, if any.
    #[inline]
    pub fn from_byte(byte: u8) -> Option<Opcode> {
        DECODE[byte as usize]
    }

    /// This opcode's row of the table.
    #[inline]
    pub fn info(self) -> &'static OpcodeInfo {
        // BY_BYTE maps every opcode's own byte to its row, so this always finds it.
        &OPCODES[BY_BYTE[self as usize] as usize]
    }

    /// The name in `pickletools`, e.g. `"BININT1"`.
    pub fn name(self) -> &'static str {
        self.info().name
    }
}
