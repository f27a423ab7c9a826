//! Heap objects → Rust values: a `serde::Deserializer` over one [`Obj`].

use std::borrow::Cow;

use pyobj::{Heap, Int, Obj, Object};
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};

use super::error::key_segment;
use super::{Error, BIGINT_TOKEN};

type Result<T> = std::result::Result<T, Error>;

/// Containers nested deeper than this are refused: a cyclic value (which a
/// tree of Rust values cannot hold) would otherwise be read forever.
const MAX_DEPTH: usize = 512;

/// Reads Rust values from a heap object; see the [module docs](super) for
/// the mapping. Shared objects are read once per reference; cycles end in an
/// error at 512 levels.
#[derive(Clone, Copy, Debug)]
pub struct Deserializer<'h> {
    heap: &'h Heap,
    obj: Obj,
    depth: usize,
}

impl<'h> Deserializer<'h> {
    /// A deserializer for `obj`.
    pub fn new(heap: &'h Heap, obj: Obj) -> Self {
        Deserializer {
            heap,
            obj,
            depth: 0,
        }
    }

    fn child(&self, obj: Obj) -> Result<Deserializer<'h>> {
        if self.depth >= MAX_DEPTH {
            return Err(Error::new(format!(
                "nesting deeper than {MAX_DEPTH} levels (a cycle cannot be read into Rust values)"
            )));
        }
        Ok(Deserializer {
            heap: self.heap,
            obj,
            depth: self.depth + 1,
        })
    }

    /// The attributes of a plain instance: its `__dict__`, then its slots.
    fn instance_fields(&self) -> Result<Vec<(Obj, Obj)>> {
        let heap = self.heap;
        let inst = heap.as_instance(self.obj)?;
        let mut fields: Vec<(Obj, Obj)> = match inst.dict() {
            Some(dict) => heap.as_dict(dict)?.iter().collect(),
            None => Vec::new(),
        };
        let names = heap.as_class(inst.class())?.slot_layout();
        for (name, value) in names.iter().zip(inst.slots()) {
            if let Some(value) = value {
                fields.push((*name, *value));
            }
        }
        Ok(fields)
    }

    fn type_name(&self) -> String {
        self.heap.type_name(self.obj).unwrap_or_else(|_| "?".into())
    }
}

/// Reads a `T` from `obj`.
///
/// # Errors
/// When the object does not fit `T`; the error's [`path`](Error::path)
/// says where (`["users"][3].age`).
pub fn from_object<T: DeserializeOwned>(heap: &Heap, obj: Obj) -> Result<T> {
    T::deserialize(Deserializer::new(heap, obj))
}

/// Items of a list or tuple (borrowed from the heap) or a set (collected).
struct Seq<'h> {
    de: Deserializer<'h>,
    items: Cow<'h, [Obj]>,
    next: usize,
}

impl<'de> de::SeqAccess<'de> for Seq<'_> {
    type Error = Error;
    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>> {
        let Some(&item) = self.items.get(self.next) else {
            return Ok(None);
        };
        let index = self.next;
        self.next += 1;
        let child = self
            .de
            .child(item)
            .map_err(|e| e.at(format!("[{index}]")))?;
        seed.deserialize(child)
            .map(Some)
            .map_err(|e| e.at(format!("[{index}]")))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.next)
    }
}

/// Entries of a dict, or attributes of an instance (`fields`: shown as
/// `.name` in error paths).
struct Map<'h> {
    de: Deserializer<'h>,
    pairs: Vec<(Obj, Obj)>,
    next: usize,
    fields: bool,
}

impl Map<'_> {
    fn segment(&self, key: Obj) -> String {
        match (self.fields, self.de.heap.as_str(key)) {
            (true, Ok(name)) => format!(".{name}"),
            _ => key_segment(self.de.heap, key),
        }
    }
}

impl<'de> de::MapAccess<'de> for Map<'_> {
    type Error = Error;
    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some(&(key, _)) = self.pairs.get(self.next) else {
            return Ok(None);
        };
        let child = self.de.child(key)?;
        seed.deserialize(child)
            .map(Some)
            .map_err(|e| e.at(format!("{} (key)", self.segment(key))))
    }
    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let Some(&(key, value)) = self.pairs.get(self.next) else {
            return Err(Error::new("a map value was asked for past the end"));
        };
        self.next += 1;
        let child = self.de.child(value).map_err(|e| e.at(self.segment(key)))?;
        seed.deserialize(child).map_err(|e| e.at(self.segment(key)))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.pairs.len() - self.next)
    }
}

/// An enum read from `"Variant"` or `{"Variant": value}`.
struct Enum<'h> {
    de: Deserializer<'h>,
    variant: String,
    value: Option<Obj>,
}

impl<'de, 'h> de::EnumAccess<'de> for Enum<'h> {
    type Error = Error;
    type Variant = Variant<'h>;
    fn variant_seed<V: de::DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Variant<'h>)> {
        let name: de::value::StringDeserializer<Error> = self.variant.clone().into_deserializer();
        let value = seed.deserialize(name)?;
        Ok((
            value,
            Variant {
                de: self.de,
                variant: self.variant,
                value: self.value,
            },
        ))
    }
}

struct Variant<'h> {
    de: Deserializer<'h>,
    variant: String,
    value: Option<Obj>,
}

impl Variant<'_> {
    fn payload(&self) -> Result<Deserializer<'_>> {
        let value = self.value.ok_or_else(|| {
            Error::new(format!(
                "variant {} needs a value: {{\"{0}\": ...}}",
                self.variant
            ))
        })?;
        self.de.child(value)
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_> {
    type Error = Error;
    fn unit_variant(self) -> Result<()> {
        match self.value {
            None => Ok(()),
            Some(v) if v == self.de.heap.none() => Ok(()),
            Some(_) => Err(Error::new(format!(
                "variant {} takes no value",
                self.variant
            ))),
        }
    }
    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        let at = format!(".{}", self.variant);
        seed.deserialize(self.payload()?).map_err(|e| e.at(at))
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        let at = format!(".{}", self.variant);
        de::Deserializer::deserialize_seq(self.payload()?, visitor).map_err(|e| e.at(at))
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let at = format!(".{}", self.variant);
        de::Deserializer::deserialize_struct(self.payload()?, "", fields, visitor)
            .map_err(|e| e.at(at))
    }
}

impl<'de> de::Deserializer<'de> for Deserializer<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let heap = self.heap;
        match &*heap.get(self.obj)? {
            Object::None => visitor.visit_unit(),
            Object::Bool(b) => visitor.visit_bool(*b),
            Object::Int(Int::Small(v)) => visitor.visit_i64(*v),
            Object::Int(Int::Big(b)) => {
                use num_traits::ToPrimitive;
                // Past i64 (small ints are never Big): u64 first, which
                // every unsigned visitor takes, then the 128-bit forms.
                if let Some(v) = b.to_u64() {
                    visitor.visit_u64(v)
                } else if let Some(v) = b.to_i128() {
                    visitor.visit_i128(v)
                } else if let Some(v) = b.to_u128() {
                    visitor.visit_u128(v)
                } else {
                    Err(Error::new(format!(
                        "int of {} bits does not fit any Rust integer (read it with reduce::serde::bigint)",
                        b.bits()
                    )))
                }
            }
            Object::Float(f) => visitor.visit_f64(*f),
            Object::Str(s) => match s.as_str() {
                Some(text) => visitor.visit_str(text),
                None => Err(Error::new(
                    "str with a lone surrogate is not valid Rust text",
                )),
            },
            Object::Bytes(b) => visitor.visit_bytes(b),
            Object::ByteArray(b) => visitor.visit_bytes(b),
            Object::PickleBuffer(_) => visitor.visit_bytes(heap.picklebuffer_bytes(self.obj)?),
            Object::Tuple(items) => visitor.visit_seq(Seq {
                de: self,
                items: Cow::Borrowed(&items[..]),
                next: 0,
            }),
            Object::List(items) => visitor.visit_seq(Seq {
                de: self,
                items: Cow::Borrowed(&items[..]),
                next: 0,
            }),
            Object::Set(s) | Object::FrozenSet(s) => visitor.visit_seq(Seq {
                de: self,
                items: s.iter().collect(),
                next: 0,
            }),
            Object::Dict(d) => visitor.visit_map(Map {
                de: self,
                pairs: d.iter().collect(),
                next: 0,
                fields: false,
            }),
            Object::Instance(inst) => match inst.base() {
                // A subclass of a built-in reads as its built-in part.
                Some(base) => self.child(base)?.deserialize_any(visitor),
                None => visitor.visit_map(Map {
                    de: self,
                    pairs: self.instance_fields()?,
                    next: 0,
                    fields: true,
                }),
            },
            Object::Complex(_) | Object::Class(_) | Object::Function(_) => Err(Error::new(
                format!("a '{}' object has no Rust counterpart", self.type_name()),
            )),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.obj == self.heap.none() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        if name == BIGINT_TOKEN {
            return match &*self.heap.get(self.obj)? {
                Object::Int(i) => visitor.visit_str(&i.to_bigint().to_string()),
                Object::Bool(b) => visitor.visit_i64(i64::from(*b)),
                _ => Err(Error::new(format!(
                    "expected an int, got '{}'",
                    self.type_name()
                ))),
            };
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match &*self.heap.get(self.obj)? {
            Object::Dict(d) => visitor.visit_map(Map {
                de: self,
                pairs: d.iter().collect(),
                next: 0,
                fields: true,
            }),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let heap = self.heap;
        match &*heap.get(self.obj)? {
            Object::Str(s) => visitor.visit_enum(Enum {
                de: self,
                variant: s.to_string_lossy().into_owned(),
                value: None,
            }),
            Object::Dict(d) if d.len() == 1 => {
                let Some((key, value)) = d.iter().next() else {
                    return Err(Error::new("empty dict for an enum"));
                };
                let variant = heap
                    .as_str(key)
                    .map_err(|_| Error::new("an enum variant must be named by a str"))?
                    .to_string();
                visitor.visit_enum(Enum {
                    de: self,
                    variant,
                    value: Some(value),
                })
            }
            _ => Err(Error::new(format!(
                "expected an enum as \"Variant\" or {{\"Variant\": value}}, got '{}'",
                self.type_name()
            ))),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}
