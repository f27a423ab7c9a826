//! `pkl json`: each pickle as one line of JSON for scripts.
//!
//! The mapping (types JSON lacks are objects with one `$` key):
//!
//! | Python | JSON |
//! |---|---|
//! | None, bool, str, float | null, true/false, string, number |
//! | int | number if it fits in 64 bits, else `{"$int": "digits"}` |
//! | nan, inf, -inf | `{"$float": "nan"}` (and so on) |
//! | str with lone surrogates | `{"$str": [code points]}` |
//! | bytes / bytearray | `{"$bytes": "hex"}` / `{"$bytearray": "hex"}` |
//! | complex | `{"$complex": [re, im]}` |
//! | list | array |
//! | tuple, set, frozenset | `{"$tuple": [...]}`, `{"$set": [...]}`, `{"$frozenset": [...]}` |
//! | dict | `{"$dict": [[key, value], ...]}` (keys need not be strings) |
//! | class or function | `{"$global": "module.name"}` |
//! | persistent id | `{"$persistent": id}` |
//! | other object | `{"$object": "module.Name", "how": …, "args": […], "state": …}` |
//!
//! Shared references and cycles are explicit: a container reached more than
//! once is written the first time as `{"$id": N, "$value": …}` and after that
//! as `{"$ref": N}`.

use std::collections::HashMap;

use pickle::LoadOptions;
use pyobj::{Heap, Int, Obj, Object};
use reduce::standin::{Construction, StandIn};
use reduce::Registry;
use serde_json::{json, Map, Value};

use crate::input;

const MAX_DEPTH: usize = 500;

/// Prints each pickle of `data` as one JSON line.
pub fn run(data: &[u8]) -> Result<(), String> {
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);
    for (obj, _) in input::load_all(&mut heap, &mut registry, data, &LoadOptions::new())
        .map_err(|e| e.to_string())?
    {
        let mut counts = HashMap::new();
        count(&heap, obj, &mut counts).map_err(|e| e.to_string())?;
        let mut writer = Writer {
            heap: &heap,
            counts,
            ids: HashMap::new(),
        };
        let value = writer.value(obj, 0).map_err(|e| e.to_string())?;
        println!("{value}");
    }
    Ok(())
}

/// How many times each object is referenced (containers only), without recursion.
fn count(heap: &Heap, root: Obj, counts: &mut HashMap<Obj, usize>) -> Result<(), pyobj::Error> {
    let mut stack = vec![root];
    while let Some(obj) = stack.pop() {
        let object = heap.get(obj)?;
        let container = matches!(
            &*object,
            Object::List(_)
                | Object::Tuple(_)
                | Object::Dict(_)
                | Object::Set(_)
                | Object::FrozenSet(_)
                | Object::Instance(_)
        );
        if !container {
            continue;
        }
        let seen = counts.entry(obj).or_insert(0);
        *seen += 1;
        if *seen == 1 {
            pyobj::trace::for_each_child(&object, |child| stack.push(child));
        }
    }
    Ok(())
}

struct Writer<'h> {
    heap: &'h Heap,
    counts: HashMap<Obj, usize>,
    ids: HashMap<Obj, usize>,
}

impl Writer<'_> {
    fn list(&mut self, items: &[Obj], depth: usize) -> Result<Value, pyobj::Error> {
        items.iter().map(|&o| self.value(o, depth + 1)).collect()
    }

    fn value(&mut self, obj: Obj, depth: usize) -> Result<Value, pyobj::Error> {
        if depth > MAX_DEPTH {
            return Err(pyobj::Error::new(
                pyobj::ErrorKind::Recursion,
                format!("nesting deeper than {MAX_DEPTH} levels cannot be written as JSON"),
            ));
        }
        if let Some(&id) = self.ids.get(&obj) {
            return Ok(json!({ "$ref": id }));
        }
        let shared = self.counts.get(&obj).copied().unwrap_or(0) > 1;
        if shared {
            let id = self.ids.len();
            self.ids.insert(obj, id);
        }
        let heap = self.heap;
        let value = match &*heap.get(obj)? {
            Object::None => Value::Null,
            Object::Bool(b) => Value::Bool(*b),
            Object::Int(Int::Small(v)) => json!(v),
            Object::Int(Int::Big(b)) => json!({ "$int": b.to_string() }),
            Object::Float(f) if f.is_finite() => json!(f),
            Object::Float(f) => json!({ "$float": pyobj::kinds::float::float_repr(*f) }),
            Object::Complex(c) => json!({ "$complex": [c.re, c.im] }),
            Object::Str(s) => match s.as_str() {
                Some(text) => Value::String(text.to_string()),
                None => json!({ "$str": s.code_points().collect::<Vec<_>>() }),
            },
            Object::Bytes(b) => json!({ "$bytes": hex(b) }),
            Object::ByteArray(b) => json!({ "$bytearray": hex(b) }),
            Object::PickleBuffer(view) => {
                let (target, readonly) = (view.target(), view.readonly());
                json!({ "$picklebuffer": self.value(target, depth + 1)?, "readonly": readonly })
            }
            Object::List(items) => self.list(items, depth)?,
            Object::Tuple(items) => json!({ "$tuple": self.list(items, depth)? }),
            Object::Set(s) => json!({ "$set": self.list(&s.iter().collect::<Vec<_>>(), depth)? }),
            Object::FrozenSet(s) => {
                json!({ "$frozenset": self.list(&s.iter().collect::<Vec<_>>(), depth)? })
            }
            Object::Dict(d) => {
                let pairs: Vec<(Obj, Obj)> = d.iter().collect();
                let mut out = Vec::with_capacity(pairs.len());
                for (k, v) in pairs {
                    out.push(Value::Array(vec![
                        self.value(k, depth + 1)?,
                        self.value(v, depth + 1)?,
                    ]));
                }
                json!({ "$dict": out })
            }
            Object::Class(_) | Object::Function(_) => {
                json!({ "$global": crate::render::name_of(heap, obj)? })
            }
            Object::Instance(_) if crate::persistent::pid_of(heap, obj).is_some() => {
                let pid = crate::persistent::pid_of(heap, obj).unwrap_or(obj);
                json!({ "$persistent": self.value(pid, depth + 1)? })
            }
            Object::Instance(inst) => {
                let mut map = Map::new();
                map.insert(
                    "$object".into(),
                    json!(crate::render::name_of(heap, inst.class())?),
                );
                let std_args = heap.native::<reduce::stdlib::StdArgs>(obj)?.map(|a| a.args);
                match heap.native::<StandIn>(obj)? {
                    _ if std_args.is_some() => {
                        map.insert("how".into(), json!("call"));
                        let args = std_args.unwrap_or(obj);
                        map.insert("args".into(), self.list(heap.as_tuple(args)?, depth)?);
                    }
                    Some(record) => {
                        let record = record.clone();
                        let (how, args) = match record.construction {
                            Construction::Call { args } => ("call", Some(args)),
                            Construction::NewObj { args } => ("new", Some(args)),
                            Construction::NewObjEx { args, .. } => ("new", Some(args)),
                            Construction::Plain => ("new", None),
                        };
                        map.insert("how".into(), json!(how));
                        if how == "call" {
                            map.insert(
                                "callable".into(),
                                json!(crate::render::name_of(heap, record.callable)?),
                            );
                        }
                        if let Some(args) = args {
                            map.insert("args".into(), self.list(heap.as_tuple(args)?, depth)?);
                        }
                        if let Construction::NewObjEx { kwargs, .. } = record.construction {
                            map.insert("kwargs".into(), self.value(kwargs, depth + 1)?);
                        }
                        if !record.listitems.is_empty() {
                            map.insert("append".into(), self.list(&record.listitems, depth)?);
                        }
                        if !record.dictitems.is_empty() {
                            let mut out = Vec::new();
                            for (k, v) in record.dictitems {
                                out.push(Value::Array(vec![
                                    self.value(k, depth + 1)?,
                                    self.value(v, depth + 1)?,
                                ]));
                            }
                            map.insert("setitem".into(), Value::Array(out));
                        }
                        if let Some(&state) = record.states.last() {
                            map.insert("state".into(), self.value(state, depth + 1)?);
                        }
                    }
                    None => {
                        map.insert("how".into(), json!("new"));
                        if let Some(base) = inst.base() {
                            map.insert("value".into(), self.value(base, depth + 1)?);
                        }
                        if let Some(dict) = inst.dict() {
                            map.insert("state".into(), self.value(dict, depth + 1)?);
                        }
                    }
                }
                Value::Object(map)
            }
        };
        Ok(match self.ids.get(&obj) {
            Some(&id) if shared => json!({ "$id": id, "$value": value }),
            _ => value,
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
