"""Generates opcodes.rs from CPython's own table, pickletools.opcodes.

Run from this directory:  python3 opcodes.py > opcodes.rs
The table is data CPython publishes; generating it keeps names, argument
kinds, protocols and stack effects exactly as pickletools has them.
"""
import pickletools


def camel(name):
    return "".join(part.capitalize() for part in name.split("_"))


arg_kinds = sorted({op.arg.name for op in pickletools.opcodes if op.arg})
stack_kinds = sorted({s.name for op in pickletools.opcodes for s in op.stack_before + op.stack_after})

out = []
w = out.append
w("//! The opcode table: one row per opcode (byte, name, argument kind, protocol,")
w("//! stack effect), generated from CPython's `pickletools.opcodes` by `opcodes.py`.")
w("//!")
w("//! The unpickler's dispatch, the pickler, `dis` and `pkl scan` all read this")
w("//! one table. Regenerate with `python3 opcodes.py > opcodes.rs`; do not edit by hand.")
w("")
w("/// A pickle opcode, named as in `pickletools` and `pickle.py`.")
w("#[allow(non_camel_case_types, clippy::upper_case_acronyms)]")
w("#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]")
w("#[repr(u8)]")
w("pub enum Opcode {")
for op in pickletools.opcodes:
    doc = op.doc.strip().splitlines()[0].strip()
    w(f"    /// `{op.code!r}` (protocol {op.proto}): {doc}")
    w(f"    {op.name} = {ord(op.code)},")
w("}")
w("")
w("/// How an opcode's inline argument is encoded (pickletools' `ArgumentDescriptor` names).")
w("#[derive(Clone, Copy, Debug, PartialEq, Eq)]")
w("pub enum ArgKind {")
w("    /// No inline argument.")
w("    None,")
for a in arg_kinds:
    d = next(op.arg for op in pickletools.opcodes if op.arg and op.arg.name == a)
    w(f"    /// `{a}`: {d.doc.strip().splitlines()[0].strip()}")
    w(f"    {camel(a)},")
w("}")
w("")
w("/// What an opcode pops or pushes (pickletools' `StackObject` names).")
w("#[derive(Clone, Copy, Debug, PartialEq, Eq)]")
w("pub enum StackKind {")
for s in stack_kinds:
    w(f"    /// `{s}`")
    w(f"    {camel(s)},")
w("}")
w("")
w("impl StackKind {")
w("    /// The name `pickletools` gives this stack object (what its repr shows).")
w("    pub fn name(self) -> &'static str {")
w("        match self {")
for s_ in stack_kinds:
    w(f"            StackKind::{camel(s_)} => \"{s_}\",")
w("        }")
w("    }")
w("}")
w("")
w("/// One row of the opcode table.")
w("#[derive(Clone, Copy, Debug)]")
w("pub struct OpcodeInfo {")
w("    /// The opcode.")
w("    pub opcode: Opcode,")
w("    /// The byte that encodes it.")
w("    pub code: u8,")
w("    /// Its name in `pickletools`.")
w("    pub name: &'static str,")
w("    /// Its inline argument's encoding.")
w("    pub arg: ArgKind,")
w("    /// The protocol that introduced it.")
w("    pub proto: u8,")
w("    /// What it pops, bottom of the stack first.")
w("    pub stack_before: &'static [StackKind],")
w("    /// What it pushes, bottom of the stack first.")
w("    pub stack_after: &'static [StackKind],")
w("}")
w("")
w("/// Every opcode, in `pickletools.opcodes` order.")
w(f"pub static OPCODES: [OpcodeInfo; {len(pickletools.opcodes)}] = [")
for op in pickletools.opcodes:
    arg = camel(op.arg.name) if op.arg else "None"
    sb = ", ".join("StackKind::" + camel(s.name) for s in op.stack_before)
    sa = ", ".join("StackKind::" + camel(s.name) for s in op.stack_after)
    w("    OpcodeInfo {")
    w(f"        opcode: Opcode::{op.name},")
    w(f"        code: {ord(op.code)},")
    w(f"        name: \"{op.name}\",")
    w(f"        arg: ArgKind::{arg},")
    w(f"        proto: {op.proto},")
    w(f"        stack_before: &[{sb}],")
    w(f"        stack_after: &[{sa}],")
    w("    },")
w("];")
w("")
w("/// Table index of each byte's opcode, or `u8::MAX` for bytes that are not opcodes.")
idx = [255] * 256
for i, op in enumerate(pickletools.opcodes):
    idx[ord(op.code)] = i
w("static BY_BYTE: [u8; 256] = [")
for i in range(0, 256, 16):
    w("    " + " ".join(f"{v}," for v in idx[i:i + 16]))
w("];")
w("")
w("impl Opcode {")
w("    /// The opcode a byte encodes, if any.")
w("    #[inline]")
w("    pub fn from_byte(byte: u8) -> Option<Opcode> {")
w("        OPCODES.get(BY_BYTE[byte as usize] as usize).map(|info| info.opcode)")
w("    }")
w("")
w("    /// This opcode's row of the table.")
w("    #[inline]")
w("    pub fn info(self) -> &'static OpcodeInfo {")
w("        // BY_BYTE maps every opcode's own byte to its row, so this always finds it.")
w("        &OPCODES[BY_BYTE[self as usize] as usize]")
w("    }")
w("")
w("    /// The name in `pickletools`, e.g. `\"BININT1\"`.")
w("    pub fn name(self) -> &'static str {")
w("        self.info().name")
w("    }")
w("}")
print("\n".join(out))
