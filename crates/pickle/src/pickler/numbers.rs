//! None/bool/int/float: opcode choice by value and protocol.

use num_bigint::BigInt;
use num_traits::{Signed, Zero};
use pyobj::Int;

use std::io::Write;

use super::Pickler;
use crate::framing::Framer;
use crate::opcodes::Opcode;
use crate::{Error, ErrorKind, Result};

/// CPython refuses int → decimal text above this many digits.
const MAX_STR_DIGITS: u64 = 4300;

impl<W: std::io::Write> Pickler<W> {
    pub(super) fn save_bool(&mut self, value: bool) -> Result<()> {
        write_bool(&mut self.framer, self.options.protocol, value)
    }

    pub(super) fn save_long(&mut self, value: &Int) -> Result<()> {
        write_int(&mut self.framer, self.options.protocol, value)
    }

    pub(super) fn save_float(&mut self, value: f64) -> Result<()> {
        write_float(
            &mut self.framer,
            self.options.protocol,
            value,
            &mut self.scratch,
        )
    }
}

/// A bool: NEWTRUE/NEWFALSE, or protocol 0's `I01`/`I00` lines, after the
/// save's frame check (see `Framer::room`).
pub(crate) fn write_bool<W: Write>(
    framer: &mut Framer<W>,
    protocol: u8,
    value: bool,
) -> Result<()> {
    let room = framer.room()?;
    if protocol >= 2 {
        let op = if value {
            Opcode::NEWTRUE
        } else {
            Opcode::NEWFALSE
        };
        room.put([op as u8]);
    } else {
        room.put(if value { *b"I01\n" } else { *b"I00\n" });
    }
    Ok(())
}

/// An int of any size, in the smallest opcode the protocol allows.
pub(crate) fn write_int<W: Write>(framer: &mut Framer<W>, protocol: u8, value: &Int) -> Result<()> {
    if let Some(v) = value.to_i64() {
        if write_small_int(framer, protocol, v)? {
            return Ok(());
        }
        if protocol >= 2 {
            // LONG1 straight from the machine word: through a `BigInt` it
            // took two allocations (pyperformance's profile dict has one
            // such int).
            let (bytes, len) = long1_payload(v);
            framer.write(&[Opcode::LONG1 as u8, len as u8]);
            framer.write(&bytes[..len]);
            return Ok(());
        }
    }
    let big = value.to_bigint();
    if protocol >= 2 {
        let encoded = encode_long(&big);
        if encoded.len() < 256 {
            framer.write(&[Opcode::LONG1 as u8, encoded.len() as u8]);
        } else {
            let n = u32::try_from(encoded.len())
                .ok()
                .filter(|n| *n <= 0x7fff_ffff)
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::Object(pyobj::ErrorKind::Overflow),
                        "int too large to pickle",
                    )
                })?;
            framer.write_byte(Opcode::LONG4 as u8);
            framer.write(&n.to_le_bytes());
        }
        framer.write(&encoded);
        return Ok(());
    }
    // Text in protocols 0 and 1, subject to CPython's digit limit.
    if big.bits() > MAX_STR_DIGITS * 3322 / 1000 + 1 {
        let text_len = big.abs().to_string().len() as u64;
        if text_len > MAX_STR_DIGITS {
            return Err(digit_limit());
        }
    }
    let text = big.to_string();
    if text.trim_start_matches('-').len() as u64 > MAX_STR_DIGITS {
        return Err(digit_limit());
    }
    framer.write_byte(Opcode::LONG as u8);
    framer.write(text.as_bytes());
    framer.write(b"L\n");
    Ok(())
}

/// An int that fits 32 bits, written in one piece (INT, BININT1, BININT2 or
/// BININT); false, writing nothing, for wider values, which need LONG.
/// Always inlined: it is most of the work of saving a list of ints. Its
/// frame check (the save's) also stands for the write's capacity check
/// (see `Framer::room`).
#[inline(always)]
pub(crate) fn write_small_int<W: Write>(
    framer: &mut Framer<W>,
    protocol: u8,
    v: i64,
) -> Result<bool> {
    if v as i32 as i64 != v {
        return Ok(false);
    }
    let room = framer.room()?;
    if protocol == 0 {
        write_int_line(framer, v);
    } else if v as u64 <= 0xff {
        room.put([Opcode::BININT1 as u8, v as u8]);
    } else if v as u64 <= 0xffff {
        let [lo, hi] = (v as u16).to_le_bytes();
        room.put([Opcode::BININT2 as u8, lo, hi]);
    } else {
        let [a, b, c, d] = (v as i32).to_le_bytes();
        room.put([Opcode::BININT as u8, a, b, c, d]);
    }
    Ok(true)
}

/// Protocol 0's `I<decimal>\n`.
#[inline(never)]
fn write_int_line<W: Write>(framer: &mut Framer<W>, v: i64) {
    framer.write_byte(Opcode::INT as u8);
    framer.write_decimal(v);
    framer.write_byte(b'\n');
}

/// A float: BINFLOAT, or protocol 0's FLOAT line with Python's repr
/// (`scratch` is reused for the text). Inlined: BINFLOAT is one write, its
/// capacity checked by the save's frame check (see `Framer::room`).
#[inline]
pub(crate) fn write_float<W: Write>(
    framer: &mut Framer<W>,
    protocol: u8,
    value: f64,
    scratch: &mut String,
) -> Result<()> {
    let room = framer.room()?;
    if protocol >= 1 {
        let bits = value.to_bits().to_be_bytes();
        room.put_padded([Opcode::BINFLOAT as u8], &bits, bits.len(), []);
    } else {
        write_float_line(framer, value, scratch);
    }
    Ok(())
}

/// Protocol 0's `F<repr>\n`.
#[inline(never)]
fn write_float_line<W: Write>(framer: &mut Framer<W>, value: f64, scratch: &mut String) {
    framer.write_byte(Opcode::FLOAT as u8);
    scratch.clear();
    pyobj::kinds::float::write_float_repr(scratch, value);
    framer.write(scratch.as_bytes());
    framer.write_byte(b'\n');
}

fn digit_limit() -> Error {
    Error::new(
        ErrorKind::Object(pyobj::ErrorKind::Value),
        "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit",
    )
}

/// CPython's `encode_long`: the shortest little-endian two's complement.
/// The minimal little-endian two's complement bytes of `v` (LONG1's
/// payload, as `encode_long` gives for any int): the array and how many of
/// its bytes count.
fn long1_payload(v: i64) -> ([u8; 8], usize) {
    let bytes = v.to_le_bytes();
    if v == 0 {
        return (bytes, 0);
    }
    let mut len = 8;
    // Drop a top byte that only repeats the sign of the byte below it.
    while len > 1 {
        let (top, below) = (bytes[len - 1], bytes[len - 2]);
        let redundant = (top == 0 && below < 0x80) || (top == 0xff && below >= 0x80);
        if !redundant {
            break;
        }
        len -= 1;
    }
    (bytes, len)
}

pub(crate) fn encode_long(value: &BigInt) -> Vec<u8> {
    if value.is_zero() {
        return Vec::new();
    }
    // to_signed_bytes_le already gives the minimal two's complement form.
    value.to_signed_bytes_le()
}

#[cfg(test)]
mod tests {
    use num_bigint::BigInt;

    use super::{encode_long, long1_payload};

    #[test]
    fn long1_from_a_machine_word_is_encode_long() {
        let mut values = vec![0i64, 1, -1, i64::MAX, i64::MIN, i64::MIN + 1];
        for shift in 0..63 {
            let p = 1i64 << shift;
            values.extend([p, p - 1, p + 1, -p, -p - 1, -p + 1]);
        }
        values.extend([412_317_970_704, -412_317_970_704, 0x7f, 0x80, -0x80, -0x81]);
        for v in values {
            let (bytes, len) = long1_payload(v);
            assert_eq!(&bytes[..len], &encode_long(&BigInt::from(v))[..], "{v}");
        }
    }
}
