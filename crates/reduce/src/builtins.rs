//! The functions CPython's pickler itself writes into pickles
//! (`copyreg._reconstructor`, `copyreg.__newobj__`, `copyreg.__newobj_ex__`,
//! `_codecs.encode`), implemented in Rust.

use std::sync::{Arc, OnceLock};

use pyobj::{native_fn, Heap, Obj, Str};

use crate::standin::{self, Construction};

use crate::reconstruct::{construct_builtin, new_object_in};

/// Handles of the built-in functions, made once per registry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Builtins {
    pub(crate) reconstructor: Obj,
    pub(crate) newobj: Obj,
    pub(crate) newobj_ex: Obj,
    pub(crate) codecs_encode: Obj,
    pub(crate) getattr: Obj,
}

fn type_error(message: impl Into<String>) -> pyobj::Error {
    pyobj::Error::new(pyobj::ErrorKind::Type, message)
}

/// A reduce error raised inside a Rust-implemented function, as the heap's
/// error that such functions return.
pub(crate) fn from_reduce(e: crate::Error) -> pyobj::Error {
    let kind = match e.kind() {
        crate::ErrorKind::Object(k) => k,
        _ => pyobj::ErrorKind::Type,
    };
    pyobj::Error::new(kind, e.message())
}

impl Builtins {
    pub(crate) fn create(heap: &mut Heap) -> Builtins {
        // copyreg._reconstructor(cls, base, state): object.__new__(cls) when
        // base is object, else base.__new__(cls, state). A class that cannot
        // hold `base`'s value (a stand-in for an unknown list subclass, say)
        // gets an instance that records the call instead, so it re-pickles
        // to the same bytes.
        let itself: Arc<OnceLock<Obj>> = Arc::new(OnceLock::new());
        let own_handle = itself.clone();
        let reconstructor = heap.new_function(
            "copyreg",
            "_reconstructor",
            Some(native_fn(move |heap, args, _| {
                let [cls, base, state] = args else {
                    return Err(type_error(format!(
                        "_reconstructor() takes 3 positional arguments but {} were given",
                        args.len()
                    )));
                };
                let obj = heap.new_instance(*cls)?;
                if *base != heap.object_class() {
                    let layout = heap.as_class(*base)?.layout();
                    if heap.as_class(*cls)?.layout() != layout {
                        let callable = own_handle.get().copied().ok_or_else(|| {
                            type_error("copyreg._reconstructor is not initialised")
                        })?;
                        let args = heap.new_tuple(args.to_vec());
                        standin::record(heap, obj, callable, Construction::Call { args })?;
                        return Ok(obj);
                    }
                    let value = construct_builtin(heap, layout, &[*state]).map_err(from_reduce)?;
                    heap.set_instance_base(obj, value)?;
                }
                Ok(obj)
            })),
        );
        let _ = itself.set(reconstructor);
        // copyreg.__newobj__(cls, *args) is cls.__new__(cls, *args).
        let newobj = heap.new_function(
            "copyreg",
            "__newobj__",
            Some(native_fn(|heap, args, _| {
                let Some((cls, rest)) = args.split_first() else {
                    return Err(type_error("__newobj__() missing required argument 'cls'"));
                };
                new_object_in(heap, *cls, rest, None).map_err(from_reduce)
            })),
        );
        let newobj_ex = heap.new_function(
            "copyreg",
            "__newobj_ex__",
            Some(native_fn(|heap, args, _| {
                let [cls, args, kwargs] = args else {
                    return Err(type_error("__newobj_ex__() takes 3 positional arguments"));
                };
                let positional = heap.as_tuple(*args)?.to_vec();
                new_object_in(heap, *cls, &positional, Some(*kwargs)).map_err(from_reduce)
            })),
        );
        // _codecs.encode(text, encoding): how protocols 0-2 spell bytes.
        let codecs_encode = heap.new_function(
            "_codecs",
            "encode",
            Some(native_fn(|heap, args, _| {
                let (text, encoding) = match args {
                    [text] => (*text, None),
                    [text, encoding, ..] => (*text, Some(*encoding)),
                    _ => return Err(type_error("encode() missing required argument 'obj'")),
                };
                let encoding = match encoding {
                    Some(e) => heap.as_str(e)?.to_ascii_lowercase().replace(['-', '_'], ""),
                    None => "utf8".into(),
                };
                let bytes = encode(heap.as_str_obj(text)?, &encoding)?;
                // CPython's encoders share one-byte results, as
                // `PyBytes_FromStringAndSize` does.
                Ok(heap.new_bytes_shared(&bytes))
            })),
        );
        // getattr(obj, name): how protocols below 4 name nested classes
        // (`getattr(Outer, 'Inner')`). Only attributes stored in a class's
        // or instance's dict are reachable, so nothing runs.
        let getattr = heap.new_function(
            "builtins",
            "getattr",
            Some(native_fn(|heap, args, _| {
                let [obj, name] = args else {
                    return Err(type_error(format!(
                        "getattr expected 2 arguments, got {}",
                        args.len()
                    )));
                };
                let name = heap.as_str(*name)?.to_string();
                heap.getattr(*obj, &name)?.ok_or_else(|| {
                    pyobj::Error::new(
                        pyobj::ErrorKind::Attribute,
                        format!("object has no attribute '{name}'"),
                    )
                })
            })),
        );
        Builtins {
            getattr,
            reconstructor,
            newobj,
            newobj_ex,
            codecs_encode,
        }
    }

    pub(crate) fn named(&self) -> [(&'static str, &'static str, Obj); 5] {
        [
            ("builtins", "getattr", self.getattr),
            ("copyreg", "_reconstructor", self.reconstructor),
            ("copyreg", "__newobj__", self.newobj),
            ("copyreg", "__newobj_ex__", self.newobj_ex),
            ("_codecs", "encode", self.codecs_encode),
        ]
    }
}

fn encode(text: &Str, encoding: &str) -> pyobj::Result<Vec<u8>> {
    let unencodable = |cp: u32, limit: &str| {
        pyobj::Error::new(
            pyobj::ErrorKind::Value,
            format!("'{limit}' codec can't encode character '\\u{cp:04x}': ordinal not in range"),
        )
    };
    match encoding {
        "latin1" | "iso88591" | "l1" => text
            .code_points()
            .map(|cp| u8::try_from(cp).map_err(|_| unencodable(cp, "latin-1")))
            .collect(),
        "ascii" | "usascii" => text
            .code_points()
            .map(|cp| {
                u8::try_from(cp)
                    .ok()
                    .filter(u8::is_ascii)
                    .ok_or_else(|| unencodable(cp, "ascii"))
            })
            .collect(),
        "utf8" | "u8" => match text.as_str() {
            Some(s) => Ok(s.as_bytes().to_vec()),
            None => Err(pyobj::Error::new(
                pyobj::ErrorKind::Value,
                "'utf-8' codec can't encode a surrogate: surrogates not allowed",
            )),
        },
        other => Err(pyobj::Error::new(
            pyobj::ErrorKind::Value,
            format!("unknown encoding: {other}"),
        )),
    }
}
