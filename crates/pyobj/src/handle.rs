//! `Obj`, the handle to an object on a [`Heap`](crate::Heap): a `Copy` word whose `==` means `is`.
//!
//! A handle is either the key of a heap slot or an *immediate* `int`: a value
//! carried in the handle itself, with no slot behind it. Most ints in real
//! data are machine-sized, and a slot per int is what made a list of a
//! million ints cost a million slot inserts, 32 MB of slot storage to fault
//! in, and a trace through each at collection. Immediates cost none of that.
//!
//! The encoding rides on the slot map's key layout. A slot key is the 32-bit
//! slot index in the low half and the slot's version in the high half, and an
//! occupied slot's version is always odd, so bit 32 of every slot key is set.
//! Handles with bit 32 clear are immediates: the value shifted left by one
//! (bit 0 clear), its top bit flipped, and rotated so that clear bit 0 lands on
//! bit 32. That leaves 63 bits of value; the one value that would encode as
//! zero, -2^62, is kept out so that `Option<Obj>` stays 8 bytes.

use std::num::NonZeroU64;

use slotmap::{Key, KeyData};

slotmap::new_key_type! {
    /// The slot map's own key: what a slot-backed [`Obj`] carries.
    pub(crate) struct SlotKey;
}

/// A handle to an object on a [`Heap`](crate::Heap).
///
/// Handles are 8-byte `Copy` words (`Option<Obj>` is 8 bytes too). Comparing
/// two handles with `==` is Python's `is`: the same object, not equal values.
/// Python's `==` is [`Heap::eq`](crate::Heap::eq), which can fail and needs the
/// heap.
///
/// Ints from -2^62 + 1 to 2^62 - 1 are carried in the handle itself, with no
/// heap slot ([`Obj::int`]); two such handles are `is`-identical exactly when
/// their values are equal, which Python allows (it promises identity for
/// no int) and which nothing that pickles or copies can observe, as neither
/// memoizes ints.
///
/// A slot handle whose object has been collected is *stale*: the slot's
/// version no longer matches, so it never aliases a newer object; using it
/// gives an [`ErrorKind::StaleHandle`](crate::ErrorKind::StaleHandle) error.
///
/// ```
/// use pyobj::{Heap, Obj};
/// let mut heap = Heap::new();
/// let big = heap.new_int(1 << 40);
/// assert_eq!(big, Obj::int(1 << 40).unwrap());
/// assert_eq!(big.as_immediate_int(), Some(1 << 40));
/// assert_eq!(heap.repr(big)?, "1099511627776");
/// # Ok::<(), pyobj::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Obj(NonZeroU64);

/// Bit 32: the low bit of a slot key's version, always set for a slot.
const SLOT_BIT: u64 = 1 << 32;
/// Flipped in the shifted value so that no value in range encodes as zero.
const ZERO_GUARD: u64 = 1 << 63;

impl Obj {
    /// The smallest int carried in a handle.
    pub const IMMEDIATE_MIN: i64 = -(1 << 62) + 1;
    /// The largest int carried in a handle.
    pub const IMMEDIATE_MAX: i64 = (1 << 62) - 1;

    /// The handle of the `int` `value` if it fits in a handle (see
    /// [`IMMEDIATE_MIN`](Obj::IMMEDIATE_MIN) and
    /// [`IMMEDIATE_MAX`](Obj::IMMEDIATE_MAX)); such a handle is valid on every
    /// heap and never goes stale.
    #[inline]
    pub const fn int(value: i64) -> Option<Obj> {
        if value < Obj::IMMEDIATE_MIN || value > Obj::IMMEDIATE_MAX {
            return None;
        }
        let raw = (((value << 1) as u64) ^ ZERO_GUARD).rotate_left(32);
        match NonZeroU64::new(raw) {
            Some(raw) => Some(Obj(raw)),
            None => None,
        }
    }

    /// The value of an immediate `int` handle; `None` for a handle to a heap
    /// slot (which may still be an `int` too large for a handle).
    #[inline]
    pub const fn as_immediate_int(self) -> Option<i64> {
        let raw = self.0.get();
        if raw & SLOT_BIT != 0 {
            return None;
        }
        Some(((raw.rotate_right(32) ^ ZERO_GUARD) as i64) >> 1)
    }

    /// The value of an immediate `int` that fits 32 bits (what pickles as
    /// BININT1, BININT2 or BININT), tested on the handle with one add and
    /// one mask: [`as_immediate_int`](Obj::as_immediate_int) and a range
    /// check took twice the instructions.
    ///
    /// ```
    /// use pyobj::Obj;
    /// assert_eq!(Obj::int(-5).unwrap().as_i32_int(), Some(-5));
    /// assert_eq!(Obj::int(1 << 31).unwrap().as_i32_int(), None);
    /// ```
    #[inline]
    pub const fn as_i32_int(self) -> Option<i32> {
        // The value shifted left by one, bit 0 the slot bit.
        let shifted = self.0.get().rotate_right(32) ^ ZERO_GUARD;
        // In range, -2^31 <= v < 2^31, is -2^32 <= shifted < 2^32 as a
        // signed number: adding 2^32 leaves nothing above bit 32. Bit 0
        // must be clear (an immediate).
        const OUTSIDE: u64 = !0x1_FFFF_FFFE;
        if shifted.wrapping_add(1 << 32) & OUTSIDE == 0 {
            Some(((shifted as i64) >> 1) as i32)
        } else {
            None
        }
    }

    /// Whether this handle names a heap slot rather than carrying an int.
    #[inline]
    pub const fn is_slot(self) -> bool {
        self.0.get() & SLOT_BIT != 0
    }

    /// A stable number for this handle, used where Python shows `id(obj)`
    /// (instance reprs), so output is deterministic from run to run.
    pub fn id(self) -> u64 {
        self.0.get()
    }

    /// The slot key of a slot handle.
    #[inline]
    pub(crate) fn slot_key(self) -> Option<SlotKey> {
        self.is_slot()
            .then(|| KeyData::from_ffi(self.0.get()).into())
    }

    /// The slot index of a slot handle (what slot-indexed tables use).
    #[inline]
    pub(crate) fn slot_index(self) -> Option<usize> {
        self.is_slot()
            .then_some((self.0.get() & 0xFFFF_FFFF) as usize)
    }

    /// The slot version of a slot handle.
    #[inline]
    pub(crate) fn slot_version(self) -> u32 {
        (self.0.get() >> 32) as u32
    }
}

impl From<SlotKey> for Obj {
    #[inline]
    fn from(key: SlotKey) -> Obj {
        // A slot key's version is odd, so the word is never zero.
        Obj(NonZeroU64::new(key.data().as_ffi()).unwrap_or(NULL))
    }
}

/// The null slot key's word: index `u32::MAX`, version 1 (odd, so a slot
/// handle), which no slot map ever hands out.
const NULL: NonZeroU64 = match NonZeroU64::new((1 << 32) | 0xFFFF_FFFF) {
    Some(word) => word,
    None => panic!("the null handle is non-zero"),
};

impl Default for Obj {
    /// A handle that names no object on any heap (every lookup of it is stale).
    fn default() -> Obj {
        Obj(NULL)
    }
}

impl std::fmt::Debug for Obj {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.as_immediate_int() {
            Some(value) => write!(f, "Obj(int {value})"),
            None => write!(
                f,
                "Obj({}v{})",
                self.0.get() & 0xFFFF_FFFF,
                self.slot_version()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `as_i32_int` answers exactly for the immediates in range, and never
    /// for slots.
    #[test]
    fn i32_ints_are_recognized_by_their_handles_alone() {
        for value in (-70_000..70_000).chain([
            i32::MIN as i64,
            i32::MAX as i64,
            1 << 33,
            (1 << 33) + 5,
            Obj::IMMEDIATE_MAX,
            Obj::IMMEDIATE_MIN,
        ]) {
            let obj = Obj::int(value).unwrap();
            assert_eq!(obj.as_i32_int(), i32::try_from(value).ok(), "{value}");
        }
        for value in [
            i32::MIN as i64 - 1,
            i32::MAX as i64 + 1,
            1 << 40,
            -(1 << 40),
        ] {
            assert_eq!(Obj::int(value).unwrap().as_i32_int(), None, "{value}");
        }
        let mut heap = crate::Heap::new();
        for _ in 0..300 {
            let slot = heap.new_list(vec![]);
            assert_eq!(slot.as_i32_int(), None);
        }
    }

    #[test]
    fn immediates_round_trip_at_the_edges() {
        for value in [
            0,
            1,
            -1,
            2,
            -2,
            255,
            -256,
            i32::MAX as i64,
            i32::MIN as i64,
            1 << 32,
            -(1 << 32),
            (1 << 32) - 1,
            Obj::IMMEDIATE_MAX,
            Obj::IMMEDIATE_MIN,
        ] {
            let obj = Obj::int(value).unwrap();
            assert!(!obj.is_slot(), "{value}");
            assert_eq!(obj.as_immediate_int(), Some(value));
        }
        assert_eq!(Obj::int(Obj::IMMEDIATE_MAX + 1), None);
        assert_eq!(Obj::int(Obj::IMMEDIATE_MIN - 1), None);
        assert_eq!(Obj::int(i64::MAX), None);
        assert_eq!(Obj::int(i64::MIN), None);
    }

    #[test]
    fn slot_keys_are_never_immediates() {
        let mut map: slotmap::SlotMap<SlotKey, ()> = slotmap::SlotMap::with_key();
        for _ in 0..3 {
            let key = map.insert(());
            let obj = Obj::from(key);
            assert!(obj.is_slot());
            assert_eq!(obj.as_immediate_int(), None);
            assert_eq!(obj.slot_key(), Some(key));
        }
        assert!(Obj::default().is_slot());
        assert_eq!(std::mem::size_of::<Option<Obj>>(), 8);
    }
}
