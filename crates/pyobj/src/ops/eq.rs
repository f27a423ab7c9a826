//! Python's `==` across kinds.
//!
//! The rules are CPython 3.11's for the built-in types:
//! - numbers compare by exact value across `bool`, `int`, `float` and
//!   `complex` (`2**53 + 1 != float(2**53)`, `1 == 1.0 == True == 1+0j`),
//!   and NaN equals nothing, itself included;
//! - `str` compares by code points, `bytes` and `bytearray` by contents
//!   (with each other too), and never with `str`;
//! - `tuple` with `tuple` and `list` with `list`, item by item; `dict` by
//!   length and each key mapping to an equal value; `set` and `frozenset`
//!   (with each other too) by length and membership;
//! - an instance of a subclass of a built-in compares by its built-in part;
//!   everything else (classes, functions, plain instances, `None`) by identity.
//!
//! Inside containers, items are first compared by identity, as CPython's
//! `PyObject_RichCompareBool` does, so `[nan] == [nan]` holds when both lists
//! hold the same NaN object.
//!
//! Nested containers are walked with an explicit stack, dict and set
//! membership included, so deep or cyclic values end in a
//! [`ErrorKind::Recursion`](crate::ErrorKind::Recursion) error at the heap's
//! recursion limit rather than in a native stack overflow. Within one
//! comparison, the answer for each pair of containers is remembered, so
//! values that share objects at many levels compare in time proportional to
//! the pairs of distinct objects, not to the exponentially many paths.

use num_bigint::BigInt;
use num_traits::{FromPrimitive, ToPrimitive};
use rustc_hash::FxHashMap;

use crate::kinds::dict::Entry;
use crate::kinds::int::Int;
use crate::{Error, Heap, Obj, Object, Result};

/// A number as `==` sees it: `bool` is an `int`.
#[derive(Clone, Copy)]
enum Num<'h> {
    Small(i64),
    Big(&'h BigInt),
    Float(f64),
    Complex(f64, f64),
}

impl<'h> Num<'h> {
    fn of(object: &'h Object) -> Option<Num<'h>> {
        Some(match object {
            Object::Bool(b) => Num::Small(*b as i64),
            Object::Int(Int::Small(v)) => Num::Small(*v),
            Object::Int(Int::Big(b)) => Num::Big(b),
            Object::Float(f) => Num::Float(*f),
            Object::Complex(c) => Num::Complex(c.re, c.im),
            _ => return None,
        })
    }
}

/// Exact numeric equality, as CPython's `long_richcompare`,
/// `float_richcompare` and `complex_richcompare` decide it.
fn num_eq(x: Num<'_>, y: Num<'_>) -> bool {
    use Num::*;
    match (x, y) {
        (Small(a), Small(b)) => a == b,
        // Ints are normalised to `Small` when they fit, but a payload built
        // by hand may not be; comparing by value keeps `==` right either way.
        (Small(a), Big(b)) | (Big(b), Small(a)) => b.to_i64() == Some(a),
        (Big(a), Big(b)) => a == b,
        (Float(f), Float(g)) => f == g,
        (Float(f), i @ (Small(_) | Big(_))) | (i @ (Small(_) | Big(_)), Float(f)) => {
            float_eq_int(f, i)
        }
        (Complex(re, im), Complex(re2, im2)) => re == re2 && im == im2,
        (Complex(re, im), Float(f)) | (Float(f), Complex(re, im)) => im == 0.0 && re == f,
        (Complex(re, im), i) | (i, Complex(re, im)) => im == 0.0 && float_eq_int(re, i),
    }
}

/// Whether a float equals an int exactly. Converting the int to a float
/// would round (`float(2**53 + 1) == 2.0**53`), so the float, when
/// integral, is converted to an int instead.
fn float_eq_int(f: f64, i: Num<'_>) -> bool {
    if !f.is_finite() || f.fract() != 0.0 {
        return false;
    }
    match i {
        Num::Small(n) => {
            // The half-open range is exactly i64's; `as` is exact inside it.
            (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f)
                && f as i64 == n
        }
        Num::Big(b) => BigInt::from_f64(f).is_some_and(|v| &v == b),
        Num::Float(_) | Num::Complex(..) => false,
    }
}

/// The contents of a `bytes` or `bytearray`.
fn bytes_of(object: &Object) -> Option<&[u8]> {
    match object {
        Object::Bytes(b) => Some(b),
        Object::ByteArray(b) => Some(b),
        _ => None,
    }
}

/// What comparing two objects needs: an answer now, or a walk into items.
enum Step<'h> {
    Done(bool),
    Walk(Frame<'h>),
}

/// What a frame asks of the driver next.
enum Action {
    /// Compare these two (never identical) objects and report back.
    Compare(Obj, Obj),
    /// This frame's containers compare so; pop it.
    Return(bool),
}

/// Where a mapping comparison is for the current entry of `a`.
#[derive(Clone, Copy)]
enum Phase {
    /// About to look the entry's key up in `b`.
    Start,
    /// Comparing the key with `b`'s same-hash keys, `cand` up to `end`.
    Key { cand: usize, end: usize },
    /// The key was found at `b[pos]`.
    Found { pos: usize },
    /// Waiting for the comparison of the two values.
    Value,
}

/// One pair of containers part-way through a comparison.
enum Frame<'h> {
    /// Two tuples or two lists of the same length, compared item by item.
    Seq {
        a: &'h [Obj],
        b: &'h [Obj],
        next: usize,
    },
    /// Two dicts (`values`) or two sets of the same length: every entry of
    /// `a` must have an equal key in `b` (and, for dicts, an equal value).
    Map {
        a: Vec<Entry>,
        /// `b`'s entries sorted by hash, insertion order kept among equal
        /// hashes: a lookup is a binary search, then `==` on the keys whose
        /// stored hash matches, as CPython's dict lookup does.
        b: Vec<Entry>,
        values: bool,
        next: usize,
        phase: Phase,
    },
}

impl Frame<'_> {
    /// Advances the comparison given the answer to the last `Compare` this
    /// frame asked for (`None` when it asked nothing yet).
    fn resume(&mut self, mut last: Option<bool>) -> Action {
        match self {
            Frame::Seq { a, b, next } => {
                if let Some(equal) = last {
                    if !equal {
                        return Action::Return(false);
                    }
                    *next += 1;
                }
                while let (Some(&x), Some(&y)) = (a.get(*next), b.get(*next)) {
                    if x != y {
                        return Action::Compare(x, y);
                    }
                    *next += 1;
                }
                Action::Return(a.len() == b.len())
            }
            Frame::Map {
                a,
                b,
                values,
                next,
                phase,
            } => loop {
                let Some(entry) = a.get(*next).copied() else {
                    return Action::Return(true);
                };
                match *phase {
                    Phase::Start => {
                        let lo = b.partition_point(|e| e.hash < entry.hash);
                        let len = b
                            .get(lo..)
                            .map_or(0, |rest| rest.partition_point(|e| e.hash == entry.hash));
                        *phase = Phase::Key {
                            cand: lo,
                            end: lo + len,
                        };
                    }
                    Phase::Key { mut cand, end } => {
                        if let Some(equal) = last.take() {
                            if equal {
                                *phase = Phase::Found { pos: cand };
                                continue;
                            }
                            cand += 1;
                        }
                        let Some(other) = b.get(cand).filter(|_| cand < end) else {
                            return Action::Return(false);
                        };
                        if other.key == entry.key {
                            *phase = Phase::Found { pos: cand };
                            continue;
                        }
                        *phase = Phase::Key { cand, end };
                        return Action::Compare(other.key, entry.key);
                    }
                    Phase::Found { pos } => {
                        if !*values {
                            *next += 1;
                            *phase = Phase::Start;
                            continue;
                        }
                        let Some(other) = b.get(pos) else {
                            return Action::Return(false);
                        };
                        *phase = Phase::Value;
                        if entry.value == other.value {
                            last = Some(true);
                            continue;
                        }
                        return Action::Compare(entry.value, other.value);
                    }
                    Phase::Value => {
                        if last.take() != Some(true) {
                            return Action::Return(false);
                        }
                        *next += 1;
                        *phase = Phase::Start;
                    }
                }
            },
        }
    }
}

fn seq<'h>(a: &'h [Obj], b: &'h [Obj]) -> Step<'h> {
    Step::Walk(Frame::Seq { a, b, next: 0 })
}

fn map_frame<'h>(
    a: impl Iterator<Item = &'h Entry>,
    b: impl Iterator<Item = &'h Entry>,
    values: bool,
) -> Frame<'h> {
    let mut b: Vec<Entry> = b.copied().collect();
    // Stable, so among equal hashes the oldest key is tried first, as
    // `Dict::find` does.
    b.sort_by_key(|e| e.hash);
    Frame::Map {
        a: a.copied().collect(),
        b,
        values,
        next: 0,
        phase: Phase::Start,
    }
}

impl Heap {
    /// Python's `a == b`.
    ///
    /// See the [module documentation](crate::ops::eq) for the rules. Fails
    /// only on a stale handle or on nesting deeper than the heap's recursion
    /// limit (which is also how comparing two distinct cyclic values ends, as
    /// in CPython).
    ///
    /// ```
    /// use pyobj::Heap;
    /// let mut heap = Heap::new();
    /// let big = heap.new_int(1 << 53);
    /// let big_f = heap.new_float(9007199254740992.0);
    /// assert!(heap.eq(big, big_f)?);
    /// let nan = heap.new_float(f64::NAN);
    /// assert!(!heap.eq(nan, nan)?);          // nan != nan ...
    /// let a = heap.new_list(vec![nan]);
    /// let b = heap.new_list(vec![nan]);
    /// assert!(heap.eq(a, b)?);               // ... but [n] == [n]
    /// # Ok::<(), pyobj::Error>(())
    /// ```
    pub fn eq(&self, a: Obj, b: Obj) -> Result<bool> {
        if a == b {
            return self.equals_itself(a);
        }
        let first = match self.eq_step(a, b)? {
            Step::Done(equal) => return Ok(equal),
            Step::Walk(frame) => frame,
        };
        let limit = self.config.recursion_limit;
        if limit == 0 {
            return Err(Error::recursion("comparing objects"));
        }
        let mut stack = vec![first];
        // The container pair each frame compares, and the answers for pairs
        // already compared in this call: values that share objects at many
        // levels (a few hundred bytes of pickle can build one) would
        // otherwise be compared an exponential number of times. Nothing can
        // change the objects during one comparison, so an answer stays true.
        let mut pairs = vec![(a, b)];
        let mut known: FxHashMap<(Obj, Obj), bool> = FxHashMap::default();
        let mut last = None;
        while let Some(top) = stack.last_mut() {
            match top.resume(last.take()) {
                Action::Return(equal) => {
                    stack.pop();
                    let pair = pairs.pop();
                    if stack.is_empty() {
                        // The outermost answer is returned, not looked up
                        // again: comparing flat containers allocates nothing.
                        return Ok(equal);
                    }
                    if let Some(pair) = pair {
                        known.insert(pair, equal);
                    }
                    last = Some(equal);
                }
                Action::Compare(x, y) => {
                    if let Some(&equal) = known.get(&(x, y)) {
                        last = Some(equal);
                        continue;
                    }
                    match self.eq_step(x, y)? {
                        Step::Done(equal) => last = Some(equal),
                        Step::Walk(frame) => {
                            if stack.len() >= limit {
                                return Err(Error::recursion("comparing objects"));
                            }
                            stack.push(frame);
                            pairs.push((x, y));
                        }
                    }
                }
            }
        }
        // The loop returns when it pops the last frame.
        Err(Error::recursion("comparing objects"))
    }

    /// `x == x`: true for everything but a NaN (or a complex with a NaN part).
    /// A container equals itself however it is nested, since its items are
    /// compared by identity first.
    fn equals_itself(&self, obj: Obj) -> Result<bool> {
        let (object, _) = self.hash_value_of(obj)?;
        Ok(match &*object {
            Object::Float(f) => !f.is_nan(),
            Object::Complex(c) => !c.re.is_nan() && !c.im.is_nan(),
            _ => true,
        })
    }

    /// Compares two distinct handles, or starts a walk into their items.
    fn eq_step(&self, a: Obj, b: Obj) -> Result<Step<'_>> {
        let (x, _) = self.hash_value_of(a)?;
        let (y, _) = self.hash_value_of(b)?;
        if let (Some(m), Some(n)) = (Num::of(&x), Num::of(&y)) {
            return Ok(Step::Done(num_eq(m, n)));
        }
        // Past the numbers, only objects in slots can be equal.
        let (Some(x), Some(y)) = (x.in_slot(), y.in_slot()) else {
            return Ok(Step::Done(a == b));
        };
        if let (Some(m), Some(n)) = (bytes_of(x), bytes_of(y)) {
            return Ok(Step::Done(m == n));
        }
        Ok(match (x, y) {
            // Storage is canonical UTF-8 (surrogates never paired), so equal
            // code points are equal bytes.
            (Object::Str(m), Object::Str(n)) => {
                Step::Done(m.as_surrogatepass_bytes() == n.as_surrogatepass_bytes())
            }
            (Object::Tuple(m), Object::Tuple(n)) if m.len() == n.len() => seq(m, n),
            (Object::List(m), Object::List(n)) if m.len() == n.len() => seq(m, n),
            (Object::Tuple(_), Object::Tuple(_)) | (Object::List(_), Object::List(_)) => {
                Step::Done(false)
            }
            (Object::Dict(m), Object::Dict(n)) => {
                if m.len() != n.len() {
                    Step::Done(false)
                } else if m.is_empty() {
                    Step::Done(true)
                } else {
                    Step::Walk(map_frame(m.entries(), n.entries(), true))
                }
            }
            (Object::Set(m) | Object::FrozenSet(m), Object::Set(n) | Object::FrozenSet(n)) => {
                if m.len() != n.len() {
                    Step::Done(false)
                } else if m.is_empty() {
                    Step::Done(true)
                } else {
                    Step::Walk(map_frame(m.table().entries(), n.table().entries(), false))
                }
            }
            _ => Step::Done(a == b),
        })
    }
}
