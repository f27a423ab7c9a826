//! The values CPython keeps one object for, so that loading and re-pickling
//! shares them as CPython does: `''` and the one-character strs below
//! U+0100, `b''`, and (where CPython's `PyBytes_FromStringAndSize` makes
//! them) the one-byte bytes.
//!
//! The pickle memo shares objects by identity, so two `'a'` items that
//! CPython loads as one object are written as `'a'` and a memo fetch, and
//! two that are separate objects here were written twice: loading a pickle
//! that spells a one-character str twice and dumping it again gave other
//! bytes than CPython. Each heap makes these objects on first use and keeps
//! a table of them; an entry is not a root, so an unused one is collected
//! like any object, and the next use makes it again (nothing can tell,
//! since nothing held the old one).

use crate::kinds::str::Str;
use crate::{Heap, Obj, Object};

/// The table index of `''` (and of `b''`); characters and bytes index by
/// value (see [`Str::shared_index`]).
pub(crate) const EMPTY: usize = 256;

/// One heap's shared strs and bytes, made on first use.
#[derive(Debug, Default)]
pub(crate) struct Atoms {
    strs: Vec<Option<Obj>>,
    bytes: Vec<Option<Obj>>,
}

impl Heap {
    /// The heap's one `str` for table index `index` (see
    /// [`Str::shared_index`]), made if it is not live.
    pub(crate) fn shared_str(&mut self, index: usize) -> Obj {
        self.shared(
            |atoms| &mut atoms.strs,
            index,
            || {
                let value = if index == EMPTY {
                    Str::from("")
                } else {
                    Str::from(char::from(index as u8).encode_utf8(&mut [0u8; 2]) as &str)
                };
                Object::Str(value)
            },
        )
    }

    /// The heap's one `bytes` for table index `index`: `b''` or one byte.
    fn shared_bytes(&mut self, index: usize) -> Obj {
        self.shared(
            |atoms| &mut atoms.bytes,
            index,
            || {
                Object::Bytes(if index == EMPTY {
                    Box::new([])
                } else {
                    Box::new([index as u8])
                })
            },
        )
    }

    /// The live object at `index` of the table `table` picks, or a new one
    /// from `make`, remembered there.
    fn shared(
        &mut self,
        table: fn(&mut Atoms) -> &mut Vec<Option<Obj>>,
        index: usize,
        make: impl FnOnce() -> Object,
    ) -> Obj {
        if let Some(Some(obj)) = table(&mut self.atoms).get(index).copied() {
            if self.contains(obj) {
                return obj;
            }
        }
        let obj = self.insert(make());
        let entries = table(&mut self.atoms);
        if entries.len() <= index {
            entries.resize(EMPTY + 1, None);
        }
        entries[index] = Some(obj);
        obj
    }

    /// `b''`: one object per heap, as in CPython.
    pub(crate) fn empty_bytes(&mut self) -> Obj {
        self.shared_bytes(EMPTY)
    }

    /// A `bytes` as CPython's `PyBytes_FromStringAndSize` makes one from
    /// data: `b''` and each one-byte value are one object per heap. (Plain
    /// [`Heap::new_bytes`] shares only `b''`, as CPython's pickle does for
    /// BINBYTES, which it reads into a new object; Python 2 strings loaded
    /// as bytes, and `_codecs.encode`, go through this sharing.)
    ///
    /// ```
    /// use pyobj::Heap;
    /// let mut heap = Heap::new();
    /// assert_eq!(heap.new_bytes_shared(b"a"), heap.new_bytes_shared(b"a"));
    /// assert_ne!(heap.new_bytes(b"a"), heap.new_bytes(b"a"));
    /// assert_eq!(heap.new_bytes(b""), heap.new_bytes_shared(b""));
    /// ```
    pub fn new_bytes_shared(&mut self, value: &[u8]) -> Obj {
        match *value {
            [] => self.shared_bytes(EMPTY),
            [b] => self.shared_bytes(b as usize),
            _ => self.new_bytes(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Heap, Str};

    #[test]
    fn the_table_index_is_the_code_point_for_latin1_and_256_for_empty() {
        for cp in 0u32..0x300 {
            let ch = char::from_u32(cp).unwrap();
            let text = ch.to_string();
            let expected = (cp < 0x100).then_some(cp as usize);
            assert_eq!(Str::shared_index(text.as_bytes()), expected, "U+{cp:04X}");
        }
        assert_eq!(Str::shared_index(b""), Some(256));
        assert_eq!(Str::shared_index(b"ab"), None);
        // Not valid UTF-8: never shared (the caller validates it).
        assert_eq!(Str::shared_index(b"\xc3"), None);
        assert_eq!(Str::shared_index(b"\xc3\x28"), None);
        assert_eq!(Str::shared_index(b"\x80"), None);
    }

    #[test]
    fn shared_objects_are_made_again_after_a_collection_took_them() {
        let mut heap = Heap::new();
        let a = heap.new_str("a");
        let empty = heap.new_bytes(b"");
        assert_eq!(heap.new_str("a"), a);
        assert_eq!(heap.new_bytes(b""), empty);
        heap.collect();
        assert!(heap.get(a).is_err());
        let again = heap.new_str("a");
        assert_ne!(again, a);
        assert_eq!(heap.as_str(again).unwrap(), "a");
        assert_eq!(heap.new_str("a"), again);
        let empty_again = heap.new_bytes(b"");
        assert_eq!(heap.as_bytes(empty_again).unwrap(), b"");
    }
}
