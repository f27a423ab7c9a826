//! `LoadOptions` and `DumpOptions`: plain values with CPython's defaults.

use crate::limits::Limits;
use crate::{Error, ErrorKind, Result};

/// The protocol CPython 3.11's `pickle.dumps` uses when none is given.
pub const DEFAULT_PROTOCOL: u8 = 4;
/// The highest protocol this crate (and CPython 3.11) can write.
pub const HIGHEST_PROTOCOL: u8 = 5;

/// How Python 2 `str` pickles (STRING, BINSTRING, SHORT_BINSTRING) are decoded;
/// CPython's `encoding` argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    /// `"ASCII"`, CPython's default.
    #[default]
    Ascii,
    /// `"latin1"`: every byte is a code point (how NumPy arrays from Python 2 load).
    Latin1,
    /// `"utf-8"`.
    Utf8,
    /// `"bytes"`: load them as `bytes` objects.
    Bytes,
}

impl Encoding {
    /// Parses a codec name as CPython would accept it for these four
    /// (`"ascii"`, `"latin-1"`, `"iso-8859-1"`, `"utf8"`, ... case-insensitively).
    pub fn from_name(name: &str) -> Result<Encoding> {
        let norm = name.to_ascii_lowercase().replace(['-', '_'], "");
        Ok(match norm.as_str() {
            "ascii" | "usascii" => Encoding::Ascii,
            "latin1" | "iso88591" | "l1" | "8859" | "cp819" | "latin" => Encoding::Latin1,
            "utf8" | "u8" | "utf" => Encoding::Utf8,
            "bytes" => Encoding::Bytes,
            _ => {
                return Err(Error::new(
                    ErrorKind::Value,
                    format!("unknown encoding: {name}"),
                ))
            }
        })
    }
}

/// What to do with bytes the [`Encoding`] cannot decode; CPython's `errors` argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DecodeErrors {
    /// `"strict"`: fail (the default).
    #[default]
    Strict,
    /// `"replace"`: U+FFFD for each bad byte.
    Replace,
    /// `"ignore"`: drop bad bytes.
    Ignore,
    /// `"surrogateescape"`: bad byte `b` becomes U+DC00 + `b`.
    SurrogateEscape,
    /// `"backslashreplace"`: bad byte `b` becomes `\xNN`.
    BackslashReplace,
}

impl DecodeErrors {
    /// Parses an error-handler name.
    pub fn from_name(name: &str) -> Result<DecodeErrors> {
        Ok(match name {
            "strict" => DecodeErrors::Strict,
            "replace" => DecodeErrors::Replace,
            "ignore" => DecodeErrors::Ignore,
            "surrogateescape" => DecodeErrors::SurrogateEscape,
            "backslashreplace" => DecodeErrors::BackslashReplace,
            _ => {
                return Err(Error::new(
                    ErrorKind::Value,
                    format!("unknown error handler name '{name}'"),
                ))
            }
        })
    }
}

/// Options for loading, with CPython's defaults.
///
/// | option | default |
/// |---|---|
/// | `encoding` | [`Encoding::Ascii`] |
/// | `errors` | [`DecodeErrors::Strict`] |
/// | `fix_imports` | `true` (map Python 2 module names to Python 3 ones) |
/// | `limits` | [`Limits::default`] |
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Decoding of Python 2 `str` pickles.
    pub encoding: Encoding,
    /// Error handler for `encoding`.
    pub errors: DecodeErrors,
    /// Map Python 2 names (`__builtin__`, `copy_reg`, ...) to Python 3 ones.
    pub fix_imports: bool,
    /// Resource bounds.
    pub limits: Limits,
}

impl LoadOptions {
    /// The defaults listed on [`LoadOptions`].
    pub fn new() -> LoadOptions {
        LoadOptions {
            fix_imports: true,
            ..Default::default()
        }
    }

    /// Sets the Python 2 string encoding.
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Sets the decode error handler.
    pub fn errors(mut self, errors: DecodeErrors) -> Self {
        self.errors = errors;
        self
    }

    /// Sets `fix_imports`.
    pub fn fix_imports(mut self, fix: bool) -> Self {
        self.fix_imports = fix;
        self
    }

    /// Sets the resource limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

/// Options for dumping, with CPython's defaults.
///
/// | option | default |
/// |---|---|
/// | `protocol` | [`DEFAULT_PROTOCOL`] (4) |
/// | `fix_imports` | `true` (write Python 2 names for protocols below 3) |
/// | `fast` | `false` |
#[derive(Clone, Copy, Debug)]
pub struct DumpOptions {
    /// The protocol, 0 to 5.
    pub protocol: u8,
    /// Map Python 3 names to Python 2 ones when `protocol < 3`.
    pub fix_imports: bool,
    /// No memo: smaller output, but shared objects are written again and a
    /// cycle is an error (CPython would recurse until it fails).
    pub fast: bool,
}

impl Default for DumpOptions {
    fn default() -> Self {
        DumpOptions {
            protocol: DEFAULT_PROTOCOL,
            fix_imports: true,
            fast: false,
        }
    }
}

impl DumpOptions {
    /// The defaults listed on [`DumpOptions`].
    pub fn new() -> DumpOptions {
        DumpOptions::default()
    }

    /// Sets the protocol as CPython's `protocol` argument does: negative means
    /// [`HIGHEST_PROTOCOL`]; above 5 is an error.
    pub fn protocol(mut self, protocol: i32) -> Result<Self> {
        self.protocol = match protocol {
            p if p < 0 => HIGHEST_PROTOCOL,
            p if p <= HIGHEST_PROTOCOL as i32 => p as u8,
            p => {
                return Err(Error::new(
                    ErrorKind::Value,
                    format!("pickle protocol must be <= {HIGHEST_PROTOCOL}, got {p}"),
                ))
            }
        };
        Ok(self)
    }

    /// Sets `fix_imports`.
    pub fn fix_imports(mut self, fix: bool) -> Self {
        self.fix_imports = fix;
        self
    }

    /// Sets `fast` mode.
    pub fn fast(mut self, fast: bool) -> Self {
        self.fast = fast;
        self
    }
}
