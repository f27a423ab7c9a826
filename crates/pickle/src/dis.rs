//! A disassembler whose output is byte-identical to CPython's
//! `pickletools.dis` (and so to `python3 -m pickletools FILE`), including
//! its sanity checks and their messages. It works on bytes alone: nothing
//! is built on a heap, nothing is resolved.

use std::fmt::Write as _;

use num_bigint::BigInt;
use pyobj::kinds::bytes::{write_bytearray_repr, write_bytes_repr};
use pyobj::kinds::float::float_repr;
use pyobj::kinds::str::write_str_repr;
use pyobj::Str;
use rustc_hash::FxHashMap;

use crate::codecs::{escape_decode, raw_unicode_escape_decode};
use crate::opcodes::{ArgKind, Opcode, StackKind};
use crate::{Error, ErrorKind, Result};

/// CPython refuses int ↔ decimal conversions longer than this.
const MAX_STR_DIGITS: usize = 4300;

/// What [`dis`] found in a well-formed pickle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DisSummary {
    /// The offset just past STOP.
    pub end: usize,
    /// The highest protocol among the opcodes (the closing line's number).
    pub highest_protocol: u8,
}

/// Disassembles the pickle at the start of `data` into `out`, exactly as
/// `pickletools.dis(data)` prints it (indent 4, no annotations).
///
/// On bad input, `out` holds exactly the lines Python prints before it raises,
/// and the error's message is Python's `ValueError` message.
///
/// ```
/// let mut out = String::new();
/// pickle::dis::dis(b"\x80\x02]q\x00K\x01a.", &mut out)?;
/// assert_eq!(out, "    0: \\x80 PROTO      2\n    2: ]    EMPTY_LIST\n    3: q    BINPUT     0\n    5: K    BININT1    1\n    7: a    APPEND\n    8: .    STOP\nhighest protocol among opcodes = 2\n");
/// # Ok::<(), pickle::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::Unpickling`] with pickletools' message, the offset and the
/// opcode where it stopped.
pub fn dis(data: &[u8], out: &mut String) -> Result<DisSummary> {
    Disassembler::new(data).run(out)
}

/// The longest listing `dis` writes for `input_len` bytes of pickle: 64
/// bytes per input byte (no opcode's line is longer than that without
/// MARK indentation), and at least 64 MiB. Every line is indented by the
/// MARK depth, so a pickle of a few hundred thousand MARKs would otherwise
/// list quadratically many bytes.
fn listing_limit(input_len: usize) -> usize {
    input_len.saturating_mul(64).max(64 << 20)
}

/// One opcode of a pickle, as [`genops`] reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct Op {
    /// Byte offset of the opcode.
    pub offset: usize,
    /// The opcode.
    pub opcode: Opcode,
    /// Python's `repr()` of the inline argument, if the opcode has one.
    pub arg_repr: Option<String>,
    /// The argument as text, for the opcodes whose argument is a string
    /// (GLOBAL and INST give `"module name"`, as pickletools does).
    pub text: Option<String>,
}

/// The opcodes of the pickle at the start of `data`, through STOP, like
/// `pickletools.genops` (no stack checks). Used to look at a pickle without
/// building anything: `pkl scan` lists the globals it names this way.
///
/// # Errors
/// The first argument that cannot be read, or a missing STOP, with
/// pickletools' message.
pub fn genops(data: &[u8]) -> Result<Vec<Op>> {
    let mut reader = Disassembler::new(data);
    let mut ops = Vec::new();
    loop {
        let offset = reader.pos;
        let code = reader.read(1);
        let Some(&byte) = code.first() else {
            return Err(value_error("pickle exhausted before seeing STOP")
                .with_position(offset as u64, None));
        };
        let Some(opcode) = Opcode::from_byte(byte) else {
            return Err(value_error(format!(
                "at position {offset}, opcode {} unknown",
                bytes_repr(&[byte])
            ))
            .with_position(offset as u64, None));
        };
        let arg = reader
            .arg(opcode.info().arg)
            .map_err(|e| e.with_position(offset as u64, Some(opcode)))?;
        let text = match &arg {
            Some(Arg::Str(s)) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        };
        let arg_repr = arg.map(|a| a.repr()).transpose()?;
        ops.push(Op {
            offset,
            opcode,
            arg_repr,
            text,
        });
        if opcode == Opcode::STOP {
            return Ok(ops);
        }
    }
}

/// A stack entry of pickletools' crude stack emulation.
type Entry = StackKind;

struct Disassembler<'a> {
    data: &'a [u8],
    pos: usize,
}

fn value_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Unpickling, message)
}

impl<'a> Disassembler<'a> {
    fn new(data: &'a [u8]) -> Self {
        Disassembler { data, pos: 0 }
    }

    /// `f.read(n)`: up to `n` bytes.
    fn read(&mut self, n: usize) -> &'a [u8] {
        let start = self.pos.min(self.data.len());
        let end = start.saturating_add(n).min(self.data.len());
        self.pos = end;
        &self.data[start..end]
    }

    /// `f.readline()`: through the next `\n` or to the end.
    fn readline(&mut self) -> &'a [u8] {
        let rest = &self.data[self.pos.min(self.data.len())..];
        let n = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        self.read(n)
    }

    fn fixed<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        let bytes = self.read(N);
        bytes
            .try_into()
            .map_err(|_| value_error(format!("not enough data in stream to read {what}")))
    }

    fn counted(&mut self, n: u64, what: &str) -> Result<&'a [u8]> {
        if n > i64::MAX as u64 {
            return Err(value_error(format!("{what} byte count > sys.maxsize: {n}")));
        }
        let bytes = self.read(n.min(usize::MAX as u64) as usize);
        if bytes.len() as u64 != n {
            return Err(value_error(format!(
                "expected {n} bytes in a {what}, but only {} remain",
                bytes.len()
            )));
        }
        Ok(bytes)
    }

    /// `read_stringnl(f, decode, stripquotes)`.
    fn stringnl(&mut self, decode: bool, stripquotes: bool, what: &str) -> Result<Vec<u8>> {
        let line = self.readline();
        let Some(mut data) = line.strip_suffix(b"\n") else {
            return Err(value_error(format!(
                "no newline found when trying to read {what}"
            )));
        };
        if stripquotes {
            let quote = [b'"', b'\''].into_iter().find(|q| data.first() == Some(q));
            match quote {
                Some(q) => {
                    if data.len() < 2 || data.last() != Some(&q) {
                        return Err(value_error(format!(
                            "strinq quote {} not found at both ends of {}",
                            bytes_repr(&[q]),
                            bytes_repr(data)
                        )));
                    }
                    data = &data[1..data.len() - 1];
                }
                None => {
                    return Err(value_error(format!(
                        "no string quotes around {}",
                        bytes_repr(data)
                    )))
                }
            }
        }
        if !decode {
            return Ok(data.to_vec());
        }
        let decoded = escape_decode(data).map_err(|e| value_error(e.message()))?;
        if let Some(i) = decoded.iter().position(|b| !b.is_ascii()) {
            return Err(value_error(format!(
                "'ascii' codec can't decode byte {:#04x} in position {i}: ordinal not in range(128)",
                decoded[i]
            )));
        }
        Ok(decoded)
    }

    /// Reads `kind`'s argument and renders Python's `repr()` of it.
    fn arg(&mut self, kind: ArgKind) -> Result<Option<Arg>> {
        Ok(Some(match kind {
            ArgKind::None => return Ok(None),
            ArgKind::Uint1 => Arg::Int(self.fixed::<1>("uint1")?[0] as u64),
            ArgKind::Uint2 => Arg::Int(u16::from_le_bytes(self.fixed("uint2")?) as u64),
            ArgKind::Uint4 => Arg::Int(u32::from_le_bytes(self.fixed("uint4")?) as u64),
            ArgKind::Uint8 => Arg::Int(u64::from_le_bytes(self.fixed("uint8")?)),
            ArgKind::Int4 => Arg::Signed(i32::from_le_bytes(self.fixed("int4")?) as i64),
            ArgKind::DecimalnlShort => {
                let s = self.stringnl(false, false, "stringnl")?;
                match &s[..] {
                    b"00" => Arg::Text("False".into()),
                    b"01" => Arg::Text("True".into()),
                    _ => Arg::Big(python_int(&s)?),
                }
            }
            ArgKind::DecimalnlLong => {
                let mut s = self.stringnl(false, false, "stringnl")?;
                if s.last() == Some(&b'L') {
                    s.pop();
                }
                Arg::Big(python_int(&s)?)
            }
            ArgKind::Floatnl => {
                let s = self.stringnl(false, false, "stringnl")?;
                Arg::Text(float_repr(python_float(&s)?))
            }
            ArgKind::Float8 => Arg::Text(float_repr(f64::from_be_bytes(self.fixed("float8")?))),
            ArgKind::Long1 => {
                let n = self.fixed::<1>("uint1")?[0] as usize;
                let data = self.read(n);
                if data.len() != n {
                    return Err(value_error("not enough data in stream to read long1"));
                }
                Arg::Big(decode_long(data))
            }
            ArgKind::Long4 => {
                let n = i32::from_le_bytes(self.fixed("int4")?);
                if n < 0 {
                    return Err(value_error(format!("long4 byte count < 0: {n}")));
                }
                let data = self.read(n as usize);
                if data.len() != n as usize {
                    return Err(value_error("not enough data in stream to read long4"));
                }
                Arg::Big(decode_long(data))
            }
            ArgKind::Stringnl => Arg::Str(latin1(&self.stringnl(true, true, "stringnl")?)),
            ArgKind::StringnlNoescape => Arg::Str(latin1(&self.stringnl(true, false, "stringnl")?)),
            ArgKind::StringnlNoescapePair => {
                let mut first = self.stringnl(true, false, "stringnl")?;
                let second = self.stringnl(true, false, "stringnl")?;
                first.push(b' ');
                first.extend(second);
                Arg::Str(latin1(&first))
            }
            ArgKind::String1 => {
                let n = self.fixed::<1>("uint1")?[0] as u64;
                Arg::Str(latin1(self.counted(n, "string1")?))
            }
            ArgKind::String4 => {
                let n = i32::from_le_bytes(self.fixed("int4")?);
                if n < 0 {
                    return Err(value_error(format!("string4 byte count < 0: {n}")));
                }
                Arg::Str(latin1(self.counted(n as u64, "string4")?))
            }
            ArgKind::Bytes1 => {
                let n = self.fixed::<1>("uint1")?[0] as u64;
                Arg::Bytes(self.counted(n, "bytes1")?.to_vec(), false)
            }
            ArgKind::Bytes4 => {
                let n = u32::from_le_bytes(self.fixed("uint4")?) as u64;
                Arg::Bytes(self.counted(n, "bytes4")?.to_vec(), false)
            }
            ArgKind::Bytes8 => {
                let n = u64::from_le_bytes(self.fixed("uint8")?);
                Arg::Bytes(self.counted(n, "bytes8")?.to_vec(), false)
            }
            ArgKind::Bytearray8 => {
                let n = u64::from_le_bytes(self.fixed("uint8")?);
                Arg::Bytes(self.counted(n, "bytearray8")?.to_vec(), true)
            }
            ArgKind::Unicodestringnl => {
                let line = self.readline();
                let Some(data) = line.strip_suffix(b"\n") else {
                    return Err(value_error(
                        "no newline found when trying to read unicodestringnl",
                    ));
                };
                Arg::Str(raw_unicode_escape_decode(data).map_err(|e| value_error(e.message()))?)
            }
            ArgKind::Unicodestring1 => {
                let n = self.fixed::<1>("uint1")?[0] as u64;
                Arg::Str(utf8(self.counted(n, "unicodestring1")?)?)
            }
            ArgKind::Unicodestring4 => {
                let n = u32::from_le_bytes(self.fixed("uint4")?) as u64;
                Arg::Str(utf8(self.counted(n, "unicodestring4")?)?)
            }
            ArgKind::Unicodestring8 => {
                let n = u64::from_le_bytes(self.fixed("uint8")?);
                Arg::Str(utf8(self.counted(n, "unicodestring8")?)?)
            }
        }))
    }

    fn run(&mut self, out: &mut String) -> Result<DisSummary> {
        let limit = out.len().saturating_add(listing_limit(self.data.len()));
        let mut stack: Vec<Entry> = Vec::new();
        let mut memo: FxHashMap<Option<u64>, Entry> = FxHashMap::default();
        let mut marks: Vec<usize> = Vec::new();
        let mut highest = 0u8;
        loop {
            let pos = self.pos;
            let code = self.read(1);
            let Some(&byte) = code.first() else {
                return Err(value_error("pickle exhausted before seeing STOP")
                    .with_position(pos as u64, None));
            };
            let Some(op) = Opcode::from_byte(byte) else {
                return Err(value_error(format!(
                    "at position {pos}, opcode {} unknown",
                    bytes_repr(&[byte])
                ))
                .with_position(pos as u64, None));
            };
            let info = op.info();
            let arg = self
                .arg(info.arg)
                .map_err(|e| e.with_position(pos as u64, Some(op)))?;
            // Python prints the offset before it formats the argument, so an
            // argument whose repr fails (an int over 4300 digits) leaves it.
            let _ = write!(out, "{pos:5}: ");
            let arg_repr = match &arg {
                Some(a) => Some(
                    a.repr()
                        .map_err(|e| e.with_position(pos as u64, Some(op)))?,
                ),
                None => None,
            };
            highest = highest.max(info.proto);
            let code_repr = if (0x20..0x7f).contains(&byte) && byte != b'\\' && byte != b'\'' {
                (byte as char).to_string()
            } else if byte == b'\'' {
                "'".to_string()
            } else {
                format!("\\x{byte:02x}")
            };
            let mut line = format!(
                "{code_repr:<4} {}{}",
                " ".repeat(4 * marks.len()),
                info.name
            );
            let before = info.stack_before;
            let mut after: Vec<Entry> = info.stack_after.to_vec();
            let mut numtopop = before.len();
            let mut markmsg: Option<String> = None;
            let mut errormsg: Option<String> = None;
            let pops_mark = before.contains(&StackKind::Mark)
                || (op == Opcode::POP && stack.last() == Some(&StackKind::Mark));
            if pops_mark {
                match marks.pop() {
                    Some(markpos) => {
                        markmsg = Some(format!("(MARK at {markpos})"));
                        while stack.last().is_some_and(|e| *e != StackKind::Mark) {
                            stack.pop();
                        }
                        stack.pop();
                        numtopop = before
                            .iter()
                            .position(|k| *k == StackKind::Mark)
                            .unwrap_or(0);
                    }
                    None => {
                        let message = "no MARK exists on stack".to_string();
                        markmsg = Some(message.clone());
                        errormsg = Some(message);
                    }
                }
            }
            let arg_index = match &arg {
                Some(Arg::Int(v)) => Some(*v),
                Some(Arg::Big(v)) => u64::try_from(v).ok(),
                _ => None,
            };
            match op {
                Opcode::PUT | Opcode::BINPUT | Opcode::LONG_BINPUT | Opcode::MEMOIZE => {
                    let key = if op == Opcode::MEMOIZE {
                        let index = memo.len() as u64;
                        markmsg = Some(format!("(as {index})"));
                        Some(index)
                    } else {
                        arg_index
                    };
                    match (memo.entry(key), stack.last()) {
                        (std::collections::hash_map::Entry::Occupied(_), _) => {
                            errormsg = Some(format!(
                                "memo key {} already defined",
                                arg_repr.as_deref().unwrap_or("None")
                            ));
                        }
                        (_, None) => {
                            errormsg = Some("stack is empty -- can't store into memo".into());
                        }
                        (_, Some(&StackKind::Mark)) => {
                            errormsg = Some("can't store markobject in the memo".into());
                        }
                        (std::collections::hash_map::Entry::Vacant(slot), Some(&top)) => {
                            slot.insert(top);
                        }
                    }
                }
                Opcode::GET | Opcode::BINGET | Opcode::LONG_BINGET => match memo.get(&arg_index) {
                    Some(&value) => after = vec![value],
                    None => {
                        errormsg = Some(format!(
                            "memo key {} has never been stored into",
                            arg_repr.as_deref().unwrap_or("None")
                        ))
                    }
                },
                _ => {}
            }
            if arg_repr.is_some() || markmsg.is_some() {
                line.push_str(&" ".repeat(10usize.saturating_sub(info.name.len())));
                if let Some(repr) = &arg_repr {
                    line.push(' ');
                    line.push_str(repr);
                }
                if let Some(message) = &markmsg {
                    line.push(' ');
                    line.push_str(message);
                }
            }
            out.push_str(&line);
            out.push('\n');
            if out.len() > limit {
                return Err(Error::new(
                    ErrorKind::Limit,
                    format!(
                        "listing longer than {} bytes (MARKs nested this deep indent every line)",
                        listing_limit(self.data.len())
                    ),
                )
                .with_position(pos as u64, Some(op)));
            }
            if let Some(message) = errormsg {
                return Err(value_error(message).with_position(pos as u64, Some(op)));
            }
            if stack.len() < numtopop {
                return Err(value_error(format!(
                    "tries to pop {numtopop} items from stack with only {} items",
                    stack.len()
                ))
                .with_position(pos as u64, Some(op)));
            }
            stack.truncate(stack.len() - numtopop);
            if after.contains(&StackKind::Mark) {
                marks.push(pos);
            }
            stack.extend(after);
            if op == Opcode::STOP {
                break;
            }
        }
        let _ = writeln!(out, "highest protocol among opcodes = {highest}");
        if !stack.is_empty() {
            let names: Vec<&str> = stack.iter().map(|k| k.name()).collect();
            return Err(value_error(format!(
                "stack not empty after STOP: [{}]",
                names.join(", ")
            ))
            .with_position(self.pos as u64, Some(Opcode::STOP)));
        }
        Ok(DisSummary {
            end: self.pos,
            highest_protocol: highest,
        })
    }
}

/// A decoded argument, rendered as Python's repr.
enum Arg {
    Int(u64),
    Signed(i64),
    Big(BigInt),
    Text(String),
    Str(Str),
    Bytes(Vec<u8>, bool),
}

impl Arg {
    fn repr(&self) -> Result<String> {
        Ok(match self {
            Arg::Int(v) => v.to_string(),
            Arg::Signed(v) => v.to_string(),
            Arg::Big(v) => {
                let text = v.to_string();
                if text.trim_start_matches('-').len() > MAX_STR_DIGITS {
                    return Err(value_error(
                        "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit",
                    ));
                }
                text
            }
            Arg::Text(t) => t.clone(),
            Arg::Str(s) => {
                let mut out = String::new();
                write_str_repr(&mut out, s);
                out
            }
            Arg::Bytes(b, false) => bytes_repr(b),
            Arg::Bytes(b, true) => {
                let mut out = String::new();
                write_bytearray_repr(&mut out, "bytearray", b);
                out
            }
        })
    }
}

fn bytes_repr(b: &[u8]) -> String {
    let mut out = String::new();
    write_bytes_repr(&mut out, b);
    out
}

fn latin1(b: &[u8]) -> Str {
    Str::from_code_points(b.iter().map(|&c| c as u32)).unwrap_or_else(|_| Str::from(""))
}

fn utf8(b: &[u8]) -> Result<Str> {
    Str::from_utf8_surrogatepass(b).map_err(|e| value_error(e.message()))
}

/// `pickle.decode_long`: little-endian two's complement.
fn decode_long(data: &[u8]) -> BigInt {
    if data.is_empty() {
        BigInt::from(0)
    } else {
        BigInt::from_signed_bytes_le(data)
    }
}

/// Python's `int(bytes)`: surrounding whitespace, a sign, underscores
/// between digits; the 4300-digit limit.
fn python_int(s: &[u8]) -> Result<BigInt> {
    // CPython formats the literal with "%.200R": at most 200 characters.
    let invalid = || {
        let shown: String = bytes_repr(s).chars().take(200).collect();
        value_error(format!("invalid literal for int() with base 10: {shown}"))
    };
    let text = std::str::from_utf8(s).map_err(|_| invalid())?;
    let trimmed = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let (sign, digits) = match trimmed.as_bytes().first() {
        Some(b'-') => ("-", &trimmed[1..]),
        Some(b'+') => ("", &trimmed[1..]),
        _ => ("", trimmed),
    };
    let well_formed = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    if !well_formed {
        return Err(invalid());
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if clean.len() > MAX_STR_DIGITS {
        return Err(value_error(format!(
            "Exceeds the limit (4300 digits) for integer string conversion: value has {} digits; use sys.set_int_max_str_digits() to increase the limit",
            clean.len()
        )));
    }
    format!("{sign}{clean}").parse().map_err(|_| invalid())
}

/// Python's `float(bytes)`.
fn python_float(s: &[u8]) -> Result<f64> {
    let invalid = || {
        value_error(format!(
            "could not convert string to float: {}",
            bytes_repr(s)
        ))
    };
    let text = std::str::from_utf8(s).map_err(|_| invalid())?;
    let trimmed = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let lower = trimmed.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if matches!(body, "inf" | "infinity" | "nan") {
        return trimmed.parse::<f64>().or_else(|_| {
            let negative = trimmed.starts_with('-');
            Ok(match body {
                "nan" => f64::NAN,
                _ if negative => f64::NEG_INFINITY,
                _ => f64::INFINITY,
            })
        });
    }
    let ok_chars = !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-' | b'_'));
    if !ok_chars || body.contains("__") || body.starts_with('_') || body.ends_with('_') {
        return Err(invalid());
    }
    let clean: String = trimmed.chars().filter(|c| *c != '_').collect();
    clean.parse::<f64>().map_err(|_| invalid())
}
