//! Rust values → heap objects: a `serde::Serializer` whose output is an
//! [`Obj`].

use std::collections::HashMap;

use num_bigint::BigInt;
use pyobj::{Heap, Obj};
use serde::ser::{self, Serialize};

use super::{Error, BIGINT_TOKEN};

type Result<T> = std::result::Result<T, Error>;

/// Serializes Rust values onto a heap; see the [module docs](super) for the
/// mapping.
///
/// ```
/// use pyobj::{ClassSpec, Heap};
/// use reduce::serde::Serializer;
/// #[derive(serde::Serialize)]
/// struct Point { x: i32, y: i32 }
///
/// let mut heap = Heap::new();
/// let class = heap.new_class(ClassSpec::new("geometry", "Point"))?;
/// let mut serializer = Serializer::new(&mut heap).class_for("Point", class);
/// let obj = serializer.serialize(&Point { x: 1, y: 2 })?;
/// assert_eq!(heap.type_name(obj)?, "Point");
/// assert_eq!(heap.repr(heap.getattr(obj, "y")?.unwrap())?, "2");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Serializer<'h> {
    heap: &'h mut Heap,
    classes: HashMap<&'static str, Obj>,
}

impl<'h> Serializer<'h> {
    /// A serializer writing onto `heap`; structs become dicts.
    pub fn new(heap: &'h mut Heap) -> Self {
        Serializer {
            heap,
            classes: HashMap::new(),
        }
    }

    /// Structs named `name` (serde's name: the Rust type name unless
    /// renamed) become instances of `class`, their fields set as attributes.
    pub fn class_for(mut self, name: &'static str, class: Obj) -> Self {
        self.classes.insert(name, class);
        self
    }

    /// The heap object for `value`.
    ///
    /// # Errors
    /// When `value`'s `Serialize` fails, or a field cannot be set on the
    /// class given for it.
    pub fn serialize<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<Obj> {
        value.serialize(&mut *self)
    }

    /// `{variant: value}`, serde_json's externally tagged form.
    fn tagged(&mut self, variant: &'static str, value: Obj) -> Result<Obj> {
        let key = self.heap.intern(variant);
        Ok(self.heap.new_dict_from([(key, value)])?)
    }
}

/// The heap object for `value`, with structs as dicts.
///
/// # Errors
/// When `value`'s `Serialize` fails.
pub fn to_object<T: Serialize + ?Sized>(heap: &mut Heap, value: &T) -> Result<Obj> {
    Serializer::new(heap).serialize(value)
}

/// A list or tuple being built.
#[doc(hidden)]
#[derive(Debug)]
pub struct SeqBuilder<'a, 'h> {
    ser: &'a mut Serializer<'h>,
    items: Vec<Obj>,
    tuple: bool,
    variant: Option<&'static str>,
}

impl SeqBuilder<'_, '_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let index = self.items.len();
        let item = value
            .serialize(&mut *self.ser)
            .map_err(|e| e.at(format!("[{index}]")))?;
        self.items.push(item);
        Ok(())
    }

    fn finish(self) -> Result<Obj> {
        let heap = &mut *self.ser.heap;
        let obj = if self.tuple {
            heap.new_tuple(self.items)
        } else {
            heap.new_list(self.items)
        };
        match self.variant {
            Some(variant) => self.ser.tagged(variant, obj),
            None => Ok(obj),
        }
    }
}

/// A dict being built.
#[doc(hidden)]
#[derive(Debug)]
pub struct MapBuilder<'a, 'h> {
    ser: &'a mut Serializer<'h>,
    dict: Obj,
    key: Option<Obj>,
}

/// A struct being built: a dict, or an instance of the class given for it.
#[doc(hidden)]
#[derive(Debug)]
pub struct StructBuilder<'a, 'h> {
    ser: &'a mut Serializer<'h>,
    target: Obj,
    instance: bool,
    variant: Option<&'static str>,
}

impl StructBuilder<'_, '_> {
    fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<()> {
        let value = value
            .serialize(&mut *self.ser)
            .map_err(|e| e.at(format!(".{name}")))?;
        let heap = &mut *self.ser.heap;
        if self.instance {
            heap.setattr(self.target, name, value)
                .map_err(|e| Error::from(e).at(format!(".{name}")))?;
        } else {
            let key = heap.intern(name);
            heap.dict_set(self.target, key, value)?;
        }
        Ok(())
    }

    fn finish(self) -> Result<Obj> {
        match self.variant {
            Some(variant) => self.ser.tagged(variant, self.target),
            None => Ok(self.target),
        }
    }
}

impl<'a, 'h> ser::Serializer for &'a mut Serializer<'h> {
    type Ok = Obj;
    type Error = Error;
    type SerializeSeq = SeqBuilder<'a, 'h>;
    type SerializeTuple = SeqBuilder<'a, 'h>;
    type SerializeTupleStruct = SeqBuilder<'a, 'h>;
    type SerializeTupleVariant = SeqBuilder<'a, 'h>;
    type SerializeMap = MapBuilder<'a, 'h>;
    type SerializeStruct = StructBuilder<'a, 'h>;
    type SerializeStructVariant = StructBuilder<'a, 'h>;

    fn serialize_bool(self, v: bool) -> Result<Obj> {
        Ok(self.heap.bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Obj> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<Obj> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<Obj> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<Obj> {
        Ok(self.heap.new_int(v))
    }
    fn serialize_i128(self, v: i128) -> Result<Obj> {
        Ok(self.heap.new_bigint(BigInt::from(v)))
    }
    fn serialize_u8(self, v: u8) -> Result<Obj> {
        self.serialize_i64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<Obj> {
        self.serialize_i64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<Obj> {
        self.serialize_i64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<Obj> {
        Ok(self.heap.new_bigint(BigInt::from(v)))
    }
    fn serialize_u128(self, v: u128) -> Result<Obj> {
        Ok(self.heap.new_bigint(BigInt::from(v)))
    }
    fn serialize_f32(self, v: f32) -> Result<Obj> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<Obj> {
        Ok(self.heap.new_float(v))
    }
    fn serialize_char(self, v: char) -> Result<Obj> {
        Ok(self.heap.new_str(v.encode_utf8(&mut [0; 4])))
    }
    fn serialize_str(self, v: &str) -> Result<Obj> {
        Ok(self.heap.new_str(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Obj> {
        Ok(self.heap.new_bytes(v))
    }
    fn serialize_none(self) -> Result<Obj> {
        Ok(self.heap.none())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Obj> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Obj> {
        Ok(self.heap.none())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Obj> {
        Ok(self.heap.none())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<Obj> {
        Ok(self.heap.new_str(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Obj> {
        if name == BIGINT_TOKEN {
            // `bigint::serialize` hands its decimal text to this serializer.
            let text = value.serialize(&mut *self)?;
            let text = self.heap.as_str(text)?.to_string();
            let number: BigInt = text
                .parse()
                .map_err(|_| Error::new(format!("not an integer: {text:?}")))?;
            return Ok(self.heap.new_bigint(number));
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Obj> {
        let inner = value
            .serialize(&mut *self)
            .map_err(|e| e.at(format!(".{variant}")))?;
        self.tagged(variant, inner)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder<'a, 'h>> {
        Ok(SeqBuilder {
            ser: self,
            items: Vec::with_capacity(len.unwrap_or(0).min(4096)),
            tuple: false,
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder<'a, 'h>> {
        Ok(SeqBuilder {
            ser: self,
            items: Vec::with_capacity(len.min(4096)),
            tuple: true,
            variant: None,
        })
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<SeqBuilder<'a, 'h>> {
        self.serialize_tuple(len)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SeqBuilder<'a, 'h>> {
        let mut builder = self.serialize_tuple(len)?;
        builder.variant = Some(variant);
        Ok(builder)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<MapBuilder<'a, 'h>> {
        let dict = self.heap.new_dict();
        Ok(MapBuilder {
            ser: self,
            dict,
            key: None,
        })
    }
    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<StructBuilder<'a, 'h>> {
        let (target, instance) = match self.classes.get(name).copied() {
            Some(class) => (self.heap.new_instance(class)?, true),
            None => (self.heap.new_dict(), false),
        };
        Ok(StructBuilder {
            ser: self,
            target,
            instance,
            variant: None,
        })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<StructBuilder<'a, 'h>> {
        let target = self.heap.new_dict();
        Ok(StructBuilder {
            ser: self,
            target,
            instance: false,
            variant: Some(variant),
        })
    }
}

/// The four sequence-like serde traits share one builder.
macro_rules! seq_traits {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for SeqBuilder<'_, '_> {
            type Ok = Obj;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
                self.push(value)
            }
            fn end(self) -> Result<Obj> {
                self.finish()
            }
        }
    )*};
}

seq_traits!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for MapBuilder<'_, '_> {
    type Ok = Obj;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(key.serialize(&mut *self.ser)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Error::new("a map value came before its key"))?;
        let heap_key = super::error::key_segment(self.ser.heap, key);
        let value = value
            .serialize(&mut *self.ser)
            .map_err(|e| e.at(heap_key.clone()))?;
        self.ser
            .heap
            .dict_set(self.dict, key, value)
            .map_err(|e| Error::from(e).at(heap_key))?;
        Ok(())
    }
    fn end(self) -> Result<Obj> {
        Ok(self.dict)
    }
}

/// Structs and struct variants share one builder.
macro_rules! struct_traits {
    ($($trait:ident),*) => {$(
        impl ser::$trait for StructBuilder<'_, '_> {
            type Ok = Obj;
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                name: &'static str,
                value: &T,
            ) -> Result<()> {
                self.field(name, value)
            }
            fn end(self) -> Result<Obj> {
                self.finish()
            }
        }
    )*};
}

struct_traits!(SerializeStruct, SerializeStructVariant);
