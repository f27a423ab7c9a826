//! Conversions between common Rust values and heap objects, without serde:
//! [`ToPy`] builds objects, [`FromPy`] reads them back, with Python's
//! rules (ints of any size with overflow errors, `bool` is an `int`, ints
//! are accepted where floats are expected) and errors that say where in a
//! nested value the mismatch is (`[3]["age"]: ...`).
//!
//! For whole structs, the `serde` bridge in the `reduce` crate does the same
//! through `#[derive(Serialize, Deserialize)]`.
//!
//! ```
//! use std::collections::BTreeMap;
//! use pyobj::{FromPy, Heap, ToPy};
//!
//! let mut heap = Heap::new();
//! let scores: BTreeMap<String, Vec<u8>> = [("ada".to_string(), vec![9, 10])].into();
//! let obj = scores.to_py(&mut heap)?;
//! assert_eq!(heap.repr(obj)?, "{'ada': [9, 10]}");
//! assert_eq!(BTreeMap::<String, Vec<u8>>::from_py(&heap, obj)?, scores);
//!
//! let err = Vec::<u8>::from_py(&heap, heap.dict_get_str(obj, "ada")?.unwrap())
//!     .and_then(|_| Vec::<String>::from_py(&heap, heap.dict_get_str(obj, "ada")?.unwrap()))
//!     .unwrap_err();
//! assert_eq!(err.message(), "[0]: expected str, got 'int'");
//! # Ok::<(), pyobj::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::Hash;

use num_bigint::BigInt;
use num_traits::ToPrimitive;

use crate::{Error, ErrorKind, Heap, Int, Obj, Object, Result};

/// A Rust value that can be made into a heap object.
pub trait ToPy {
    /// Allocates the object(s) for `self` on `heap`.
    ///
    /// # Errors
    /// Only where Python would fail too (an unhashable dict key or set item).
    fn to_py(&self, heap: &mut Heap) -> Result<Obj>;
}

/// A Rust value that can be read from a heap object.
pub trait FromPy: Sized {
    /// Reads `obj` as `Self`.
    ///
    /// # Errors
    /// A type error when `obj` is of another kind, an overflow error when an
    /// int does not fit; nested values prefix the path to the mismatch.
    fn from_py(heap: &Heap, obj: Obj) -> Result<Self>;
}

/// Prefixes `segment` (`[3]`, `["key"]`) to an error from a nested value.
fn nested(error: Error, segment: &str) -> Error {
    let message = error.message();
    let message = if message.starts_with('[') {
        format!("{segment}{message}")
    } else {
        format!("{segment}: {message}")
    };
    Error::new(error.kind(), message)
}

fn expected(heap: &Heap, obj: Obj, what: &str) -> Error {
    let got = heap.type_name(obj).unwrap_or_else(|_| "?".into());
    Error::type_error(format!("expected {what}, got '{got}'"))
}

impl ToPy for Obj {
    fn to_py(&self, _heap: &mut Heap) -> Result<Obj> {
        Ok(*self)
    }
}

impl FromPy for Obj {
    fn from_py(_heap: &Heap, obj: Obj) -> Result<Self> {
        Ok(obj)
    }
}

impl ToPy for bool {
    fn to_py(&self, heap: &mut Heap) -> Result<Obj> {
        Ok(heap.bool(*self))
    }
}

impl FromPy for bool {
    fn from_py(heap: &Heap, obj: Obj) -> Result<Self> {
        match &*heap.get(obj)? {
            Object::Bool(b) => Ok(*b),
            _ => Err(expected(heap, obj, "bool")),
        }
    }
}

macro_rules! int_conversions {
    ($($t:ty),*) => {$(
        impl ToPy for $t {
            fn to_py(&self, heap: &mut Heap) -> Result<Obj> {
                Ok(match i64::try_from(*self) {
                    Ok(small) => heap.new_int(small),
                    Err(_) => heap.new_bigint(BigInt::from(*self)),
                })
            }
        }

        impl FromPy for $t {
            fn from_py(heap: &Heap, obj: Obj) -> Result<Self> {
                let value = match &*heap.get(obj)? {
                    Object::Int(Int::Small(v)) => <$t>::try_from(*v).ok(),
                    Object::Int(Int::Big(b)) => b.to_i128().and_then(|v| <$t>::try_from(v).ok())
                        .or_else(|| b.to_u128().and_then(|v| <$t>::try_from(v).ok())),
                    Object::Bool(b) => <$t>::try_from(i64::from(*b)).ok(),
                    _ => return Err(expected(heap, obj, "int")),
                };
                value.ok_or_else(|| Error::new(
                    ErrorKind::Overflow,
                    format!("int {} does not fit in {}", heap.repr(obj).unwrap_or_default(), stringify!($t)),
                ))
            }
        }
    )*};
}

int_conversions!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

impl ToPy for BigInt {
    fn to_py(&self, heap: &mut Heap) -> Result<Obj> {
        Ok(heap.new_bigint(self.clone()))
    }
}

impl FromPy for BigInt {
    fn from_py(heap: &Heap, obj: Obj) -> Result<Self> {
        match &*heap.get(obj)? {
            Object::Int(i) => Ok(i.to_bigint()),
            Object::Bool(b) => Ok(BigInt::from(i64::from(*b))),
            _ => Err(expected(heap, obj, "int")),
        }
    }
}

impl ToPy for f64 {
    fn to_py(&self, heap: &mut Heap) -> Result<Obj> {
        Ok(heap.new_float(*self))
    }
}

impl ToPy for f32 {
    fn to_py(&self, heap: &mut Heap) -> Result<Obj> {
        Ok(heap.new_float(f64::from(*self)))
    }
}

impl FromPy for f64 {
    /// A float, or an int or bool converted as Python's `float(x)` does.
    fn from_py(heap: &Heap, obj: Obj) -> Result<Self> {
        match &*heap.get(obj)? {
            Object::Float(f) => Ok(*f),
            Object::Int(Int::Small(v)) => Ok(*v as f64),
            Object::Int(Int::Big(b)) => b.to_f64().filter(|f| f.is_finite()).ok_or_else(|| {
                Error::new(ErrorKind::Overflow, "int too large to convert to float")
            }),
            Object::Bool(b) => Ok(f64::from(u8::from(*b))),
            _ => Err(expected(heap, obj, "float")),
        }
    }
}

impl FromPy for f32 {
    fn from_py(heap: &Heap, obj: Obj) -> Result<Self> {
        f64::from_py(heap, obj).map(|f| f as f32)
    }
}

impl ToPy for str {
    fn to_py(&self, heap: &mut Heap) -> Result<Obj> {
        Ok(heap.new_str(self))
    }
}

impl ToPy for String {
    fn to_py(&self, heap: &mut Heap) -> Result<Obj> {
        Ok(heap.new_str(self))
    }
}

impl FromPy for String {
    /// A str without lone surrogates (which Rust strings cannot hold).
    fn from_py(heap: &Heap, obj: Obj) -> Result<Self> {
        match &*heap.get(obj)? {
            Object::Str(s) => s.as_str().map(str::to_string).ok_or_else(|| {
                Error::new(
                    ErrorKind::Value,
                    "str with a lone surrogate is not valid Rust text",
                )
            }),
            _ => Err(expected(heap, obj, "str")),
        }
    }
}

impl<T: ToPy> ToPy for Option<T> {
    fn to_py(&self, heap: &mut Heap) -> Result<Obj> {
        match self {
            Some(v) => v.to_py(heap),
            None => Ok(heap.none()),
        }
    }
}

impl<T: FromPy> FromPy for Option<T> {
    fn from_py(heap: &Heap, obj: Obj) -> Result<Self> {
        if obj == heap.none() {
            Ok(None)
        } else {
            T::from_py(heap, obj).map(Some)
        }
    }
}

/// Each item's object, in order.
fn all_to_py<'a, T: ToPy + 'a>(
    heap: &mut Heap,
    items: impl Iterator<Item = &'a T>,
) -> Result<Vec<Obj>> {
    items.map(|v| v.to_py(heap)).collect()
}

impl<T: ToPy> ToPy for [T] {
    /// A list.
    fn to_py(&self, heap: &mut Heap) -> Result<Obj> {
        let items = all_to_py(heap, self.iter())?;
        Ok(heap.new_list(items))
    }
}

impl<T: ToPy> ToPy for Vec<T> {
    /// A list.
    fn to_py(&self, heap: &mut Heap) -> Result<Obj> {
        self.as_slice().to_py(heap)
    }
}

/// The items of a list, tuple, set or frozenset.
fn items_of(heap: &Heap, obj: Obj, what: &str) -> Result<Vec<Obj>> {
    Ok(match &*heap.get(obj)? {
        Object::List(items) => items.to_vec(),
        Object::Tuple(items) => items.to_vec(),
        Object::Set(s) | Object::FrozenSet(s) => s.iter().collect(),
        _ => return Err(expected(heap, obj, what)),
    })
}

impl<T: FromPy> FromPy for Vec<T> {
    /// From a list, tuple, set or frozenset.
    fn from_py(heap: &Heap, obj: Obj) -> Result<Self> {
        items_of(heap, obj, "list")?
            .into_iter()
            .enumerate()
            .map(|(i, item)| T::from_py(heap, item).map_err(|e| nested(e, &format!("[{i}]"))))
            .collect()
    }
}

macro_rules! tuple_conversions {
    ($len:literal: $($name:ident $index:tt),+) => {
        impl<$($name: ToPy),+> ToPy for ($($name,)+) {
            /// A tuple.
            fn to_py(&self, heap: &mut Heap) -> Result<Obj> {
                let items = vec![$(self.$index.to_py(heap)?),+];
                Ok(heap.new_tuple(items))
            }
        }

        impl<$($name: FromPy),+> FromPy for ($($name,)+) {
            /// From a tuple or list of exactly this length.
            fn from_py(heap: &Heap, obj: Obj) -> Result<Self> {
                let items = items_of(heap, obj, "tuple")?;
                if items.len() != $len {
                    return Err(Error::new(
                        ErrorKind::Value,
                        format!("expected {} items, got {}", $len, items.len()),
                    ));
                }
                Ok(($($name::from_py(heap, items[$index]).map_err(|e| nested(e, &format!("[{}]", $index)))?,)+))
            }
        }
    };
}

tuple_conversions!(1: A 0);
tuple_conversions!(2: A 0, B 1);
tuple_conversions!(3: A 0, B 1, C 2);
tuple_conversions!(4: A 0, B 1, C 2, D 3);

fn map_to_py<'a, K: ToPy + 'a, V: ToPy + 'a>(
    heap: &mut Heap,
    pairs: impl Iterator<Item = (&'a K, &'a V)>,
) -> Result<Obj> {
    let dict = heap.new_dict();
    for (k, v) in pairs {
        let (k, v) = (k.to_py(heap)?, v.to_py(heap)?);
        heap.dict_set(dict, k, v)?;
    }
    Ok(dict)
}

fn map_from_py<K: FromPy, V: FromPy, M: FromIterator<(K, V)>>(heap: &Heap, obj: Obj) -> Result<M> {
    let dict = match heap.slot_or_int_kind(obj)? {
        Object::Dict(d) => d,
        _ => return Err(expected(heap, obj, "dict")),
    };
    dict.iter()
        .map(|(k, v)| {
            let segment = match heap.repr(k) {
                Ok(text) => format!("[{text}]"),
                Err(_) => "[?]".to_string(),
            };
            let key = K::from_py(heap, k).map_err(|e| nested(e, &format!("{segment} (key)")))?;
            let value = V::from_py(heap, v).map_err(|e| nested(e, &segment))?;
            Ok((key, value))
        })
        .collect()
}

impl<K: ToPy, V: ToPy, S> ToPy for HashMap<K, V, S> {
    /// A dict, in the map's iteration order.
    fn to_py(&self, heap: &mut Heap) -> Result<Obj> {
        map_to_py(heap, self.iter())
    }
}

impl<K: FromPy + Eq + Hash, V: FromPy, S: std::hash::BuildHasher + Default> FromPy
    for HashMap<K, V, S>
{
    fn from_py(heap: &Heap, obj: Obj) -> Result<Self> {
        map_from_py(heap, obj)
    }
}

impl<K: ToPy, V: ToPy> ToPy for BTreeMap<K, V> {
    /// A dict, in key order.
    fn to_py(&self, heap: &mut Heap) -> Result<Obj> {
        map_to_py(heap, self.iter())
    }
}

impl<K: FromPy + Ord, V: FromPy> FromPy for BTreeMap<K, V> {
    fn from_py(heap: &Heap, obj: Obj) -> Result<Self> {
        map_from_py(heap, obj)
    }
}

impl<T: ToPy, S> ToPy for HashSet<T, S> {
    /// A set.
    fn to_py(&self, heap: &mut Heap) -> Result<Obj> {
        let items = all_to_py(heap, self.iter())?;
        heap.new_set(items)
    }
}

impl<T: FromPy + Eq + Hash, S: std::hash::BuildHasher + Default> FromPy for HashSet<T, S> {
    /// From a set, frozenset, list or tuple.
    fn from_py(heap: &Heap, obj: Obj) -> Result<Self> {
        Vec::<T>::from_py(heap, obj).map(|v| v.into_iter().collect())
    }
}

impl<T: ToPy> ToPy for BTreeSet<T> {
    /// A set, in order.
    fn to_py(&self, heap: &mut Heap) -> Result<Obj> {
        let items = all_to_py(heap, self.iter())?;
        heap.new_set(items)
    }
}

impl<T: FromPy + Ord> FromPy for BTreeSet<T> {
    /// From a set, frozenset, list or tuple.
    fn from_py(heap: &Heap, obj: Obj) -> Result<Self> {
        Vec::<T>::from_py(heap, obj).map(|v| v.into_iter().collect())
    }
}
