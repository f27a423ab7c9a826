//! None/bool/int/float: opcode choice by value and protocol.

use num_bigint::BigInt;
use num_traits::{Signed, Zero};
use pyobj::Int;

use super::Pickler;
use crate::opcodes::Opcode;
use crate::{Error, ErrorKind, Result};

/// CPython refuses int → decimal text above this many digits.
const MAX_STR_DIGITS: u64 = 4300;

impl<W: std::io::Write> Pickler<W> {
    pub(super) fn save_bool(&mut self, value: bool) {
        if self.options.protocol >= 2 {
            let op = if value {
                Opcode::NEWTRUE
            } else {
                Opcode::NEWFALSE
            };
            self.framer.write_byte(op as u8);
        } else {
            self.framer.write(if value { b"I01\n" } else { b"I00\n" });
        }
    }

    pub(super) fn save_long(&mut self, value: &Int) -> Result<()> {
        let protocol = self.options.protocol;
        if let Some(v) = value.to_i64().filter(|v| i32::try_from(*v).is_ok()) {
            if protocol == 0 {
                self.framer.write_byte(Opcode::INT as u8);
                self.framer.write_decimal(v);
                self.framer.write_byte(b'\n');
            } else if (0..=0xff).contains(&v) {
                self.framer.write(&[Opcode::BININT1 as u8, v as u8]);
            } else if (0..=0xffff).contains(&v) {
                self.framer.write_byte(Opcode::BININT2 as u8);
                self.framer.write(&(v as u16).to_le_bytes());
            } else {
                self.framer.write_byte(Opcode::BININT as u8);
                self.framer.write(&(v as i32).to_le_bytes());
            }
            return Ok(());
        }
        let big = value.to_bigint();
        if protocol >= 2 {
            let encoded = encode_long(&big);
            if encoded.len() < 256 {
                self.framer
                    .write(&[Opcode::LONG1 as u8, encoded.len() as u8]);
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
                self.framer.write_byte(Opcode::LONG4 as u8);
                self.framer.write(&n.to_le_bytes());
            }
            self.framer.write(&encoded);
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
        self.framer.write_byte(Opcode::LONG as u8);
        self.framer.write(text.as_bytes());
        self.framer.write(b"L\n");
        Ok(())
    }

    pub(super) fn save_float(&mut self, value: f64) {
        if self.options.protocol >= 1 {
            self.framer.write_byte(Opcode::BINFLOAT as u8);
            self.framer.write(&value.to_bits().to_be_bytes());
        } else {
            self.framer.write_byte(Opcode::FLOAT as u8);
            self.scratch.clear();
            pyobj::kinds::float::write_float_repr(&mut self.scratch, value);
            self.framer.write(self.scratch.as_bytes());
            self.framer.write_byte(b'\n');
        }
    }
}

fn digit_limit() -> Error {
    Error::new(
        ErrorKind::Object(pyobj::ErrorKind::Value),
        "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit",
    )
}

/// CPython's `encode_long`: the shortest little-endian two's complement.
pub(crate) fn encode_long(value: &BigInt) -> Vec<u8> {
    if value.is_zero() {
        return Vec::new();
    }
    // to_signed_bytes_le already gives the minimal two's complement form.
    value.to_signed_bytes_le()
}
