//! `copy.copy` and `copy.deepcopy` with CPython's semantics, driven by the
//! reduce protocol for everything that is not a built-in, and walking the
//! graph with an explicit stack so depth never touches the native stack.

use pyobj::{Heap, Hook, Kind, Obj, ObjTable, Object};

use crate::reconstruct::{append_items, call, set_items, set_state};
use crate::{reduce, ReduceValue, Reduced, Registry, Result};

/// Python's `copy.copy(obj)`: atomic values and tuples/frozensets are
/// returned as they are; lists, dicts, sets and bytearrays get a new
/// container with the same items; other objects go through `__copy__` or
/// their reduce value (with state and items applied as they are, not copied).
pub fn copy(heap: &mut Heap, registry: &Registry, obj: Obj) -> Result<Obj> {
    Ok(match &*heap.get(obj)? {
        Object::List(items) => {
            let items = items.to_vec();
            heap.new_list(items)
        }
        Object::Dict(d) => {
            let pairs: Vec<(Obj, Obj)> = d.iter().collect();
            heap.new_dict_from(pairs)?
        }
        Object::Set(s) => {
            let items: Vec<Obj> = s.iter().collect();
            heap.new_set(items)?
        }
        Object::ByteArray(b) => {
            let bytes = b.to_vec();
            heap.new_bytearray(&bytes)
        }
        Object::Instance(_) => {
            let class = heap.type_of(obj)?;
            if let Some(hook) = heap.find_hook(class, Hook::Copy)? {
                return Ok(hook(heap, &[obj], None)?);
            }
            match reduce(heap, registry, obj, 4, None)? {
                Reduced::Global(_) => obj,
                Reduced::Value(value) => crate::reconstruct::reconstruct(heap, registry, &value)?,
            }
        }
        Object::PickleBuffer(_) => return Err(unpicklable_view()),
        _ => obj,
    })
}

/// CPython's copy module reaches `PickleBuffer` through
/// `object.__reduce_ex__`, which refuses it: a view is not a value.
fn unpicklable_view() -> crate::Error {
    crate::Error::new(
        crate::ErrorKind::Object(pyobj::ErrorKind::Type),
        "cannot pickle 'pickle.PickleBuffer' object",
    )
}

/// One step of the deep-copy walk. Results are pushed on a value stack.
enum Task {
    Copy(Obj),
    /// Fill `dst` with the last `n` results.
    FinishList {
        dst: Obj,
        n: usize,
    },
    /// Set the last `2 * n` results as key/value pairs into `dst`.
    FinishDict {
        src: Obj,
        dst: Obj,
        n: usize,
    },
    /// Build a tuple (or return `src` itself if no item changed).
    FinishTuple {
        src: Obj,
        n: usize,
    },
    /// Build a set or frozenset.
    FinishSet {
        src: Obj,
        n: usize,
        frozen: bool,
    },
    /// The copied args are on the stack: call the constructor.
    // Boxed: a reduce value is large and rare, and every task of the walk
    // is as big as its largest variant (measured 2026-11-22).
    Construct {
        src: Obj,
        value: Box<ReduceValue>,
    },
    /// State, list items and dict items were copied: apply them.
    Apply {
        obj: Obj,
        value: Box<ReduceValue>,
        items: usize,
        pairs: usize,
    },
}

/// Python's `copy.deepcopy(obj)`: a copy sharing nothing mutable with the
/// original, with sharing and cycles inside it preserved (one memo per
/// call). Atomic values (None, numbers, str, bytes, classes, functions) are
/// not copied; tuples whose items all come back unchanged are returned as
/// they are. Other objects go through `__deepcopy__` or their reduce value,
/// whose arguments, state and items are deep-copied.
///
/// ```
/// use pyobj::Heap;
/// use reduce::{copy::deepcopy, Registry};
/// let mut heap = Heap::new();
/// let registry = Registry::new(&mut heap);
/// let inner = heap.new_list(vec![]);
/// let outer = heap.new_list(vec![inner, inner]);
/// heap.list_append(inner, outer)?; // a cycle
/// let copied = deepcopy(&mut heap, &registry, outer)?;
/// let items = heap.as_list(copied)?.to_vec();
/// assert_ne!(items[0], inner);      // a new inner list...
/// assert_eq!(items[0], items[1]);   // ...shared as in the original...
/// assert_eq!(heap.as_list(items[0])?[0], copied); // ...and the cycle kept.
/// # Ok::<(), reduce::Error>(())
/// ```
pub fn deepcopy(heap: &mut Heap, registry: &Registry, obj: Obj) -> Result<Obj> {
    // Identity-keyed by slot: one lookup per container reached, no hashing.
    let mut memo: ObjTable<Obj> = ObjTable::new();
    let mut tasks = vec![Task::Copy(obj)];
    let mut results: Vec<Obj> = Vec::new();
    while let Some(task) = tasks.pop() {
        match task {
            Task::Copy(src) => {
                let object = heap.get(src)?;
                match &*object {
                    // Atomic objects are returned as they are and never
                    // memoized, so they skip the memo lookup.
                    Object::None
                    | Object::Bool(_)
                    | Object::Int(_)
                    | Object::Float(_)
                    | Object::Complex(_)
                    | Object::Str(_)
                    | Object::Bytes(_)
                    | Object::Class(_)
                    | Object::Function(_) => results.push(src),
                    _ if memo.get(src).is_some() => results.push(memo.get(src).unwrap_or(src)),
                    Object::PickleBuffer(_) => return Err(unpicklable_view()),
                    // Containers push their items straight from the heap
                    // (no temporary vector per container).
                    Object::List(items) => {
                        let n = items.len();
                        let dst = heap.new_list(Vec::with_capacity(n));
                        memo.insert(src, dst);
                        tasks.push(Task::FinishList { dst, n });
                        let items = heap.as_list(src)?;
                        tasks.extend(items.iter().rev().copied().map(Task::Copy));
                    }
                    Object::Dict(d) => {
                        let n = d.len();
                        let dst = heap.new_dict();
                        memo.insert(src, dst);
                        tasks.push(Task::FinishDict { src, dst, n });
                        for (k, v) in heap.as_dict(src)?.iter().rev() {
                            tasks.push(Task::Copy(v));
                            tasks.push(Task::Copy(k));
                        }
                    }
                    Object::Tuple(items) => {
                        tasks.push(Task::FinishTuple {
                            src,
                            n: items.len(),
                        });
                        tasks.extend(items.iter().rev().copied().map(Task::Copy));
                    }
                    Object::Set(s) | Object::FrozenSet(s) => {
                        let frozen = heap.kind(src)? == Kind::FrozenSet;
                        let items: Vec<Obj> = s.iter().collect();
                        tasks.push(Task::FinishSet {
                            src,
                            n: items.len(),
                            frozen,
                        });
                        tasks.extend(items.into_iter().rev().map(Task::Copy));
                    }
                    Object::ByteArray(b) => {
                        let bytes = b.to_vec();
                        let dst = heap.new_bytearray(&bytes);
                        memo.insert(src, dst);
                        results.push(dst);
                    }
                    Object::Instance(_) => {
                        let class = heap.type_of(src)?;
                        if let Some(hook) = heap.find_hook(class, Hook::DeepCopy)? {
                            let none = heap.none();
                            let dst = hook(heap, &[src, none], None)?;
                            memo.insert(src, dst);
                            results.push(dst);
                            continue;
                        }
                        match reduce(heap, registry, src, 4, None)? {
                            Reduced::Global(_) => results.push(src),
                            Reduced::Value(value) => {
                                let args = value.args;
                                tasks.push(Task::Construct {
                                    src,
                                    value: Box::new(value),
                                });
                                tasks.push(Task::Copy(args));
                            }
                        }
                    }
                }
            }
            Task::FinishList { dst, n } => {
                // Straight from the result stack: no temporary vector.
                let start = results.len() - n;
                heap.list_mut(dst)?.extend_from_slice(&results[start..]);
                results.truncate(start);
                results.push(dst);
            }
            Task::FinishDict { src, dst, n } => {
                let start = results.len() - 2 * n;
                let flat = &results[start..];
                let keys_kept = heap
                    .as_dict(src)?
                    .keys()
                    .eq(flat.chunks_exact(2).map(|pair| pair[0]));
                if keys_kept {
                    // Keys are atomic in practice, so they come back as
                    // themselves: reuse their stored hashes and order.
                    heap.dict_fill_like_pairs(dst, src, flat)?;
                } else {
                    for pair in flat.chunks_exact(2) {
                        heap.dict_set(dst, pair[0], pair[1])?;
                    }
                }
                results.truncate(start);
                results.push(dst);
            }
            Task::FinishTuple { src, n } => {
                let items = results.split_off(results.len() - n);
                // A tuple reached again through its own items was copied
                // meanwhile: use that copy, as CPython does.
                if let Some(done) = memo.get(src) {
                    results.push(done);
                    continue;
                }
                let unchanged = heap.as_tuple(src)?.iter().eq(items.iter());
                let dst = if unchanged {
                    src
                } else {
                    heap.new_tuple(items)
                };
                memo.insert(src, dst);
                results.push(dst);
            }
            Task::FinishSet { src, n, frozen } => {
                let items = results.split_off(results.len() - n);
                let dst = if frozen {
                    heap.new_frozenset(items)?
                } else {
                    heap.new_set(items)?
                };
                memo.insert(src, dst);
                results.push(dst);
            }
            Task::Construct { src, value } => {
                let args = results.pop().unwrap_or(value.args);
                let args = heap.as_tuple(args)?.to_vec();
                let dst = call(heap, registry, value.callable, &args, None)?;
                memo.insert(src, dst);
                let items = value.listitems.as_ref().map_or(0, Vec::len);
                let pairs = value.dictitems.as_ref().map_or(0, Vec::len);
                let state = value.state;
                let listitems = value.listitems.clone().unwrap_or_default();
                let dictitems = value.dictitems.clone().unwrap_or_default();
                tasks.push(Task::Apply {
                    obj: dst,
                    value,
                    items,
                    pairs,
                });
                if let Some(state) = state {
                    tasks.push(Task::Copy(state));
                }
                for (k, v) in dictitems.into_iter().rev() {
                    tasks.push(Task::Copy(v));
                    tasks.push(Task::Copy(k));
                }
                tasks.extend(listitems.into_iter().rev().map(Task::Copy));
            }
            Task::Apply {
                obj,
                value,
                items,
                pairs,
            } => {
                let state = match value.state {
                    Some(_) => results.pop(),
                    None => None,
                };
                let flat = results.split_off(results.len() - 2 * pairs);
                let listitems = results.split_off(results.len() - items);
                if !listitems.is_empty() {
                    append_items(heap, registry, obj, &listitems)?;
                }
                if !flat.is_empty() {
                    let pairs: Vec<(Obj, Obj)> =
                        flat.chunks_exact(2).map(|p| (p[0], p[1])).collect();
                    set_items(heap, registry, obj, &pairs)?;
                }
                if let Some(state) = state {
                    match value.state_setter {
                        Some(setter) => {
                            call(heap, registry, setter, &[obj, state], None)?;
                        }
                        None => set_state(heap, registry, obj, state)?,
                    }
                }
                results.push(obj);
            }
        }
    }
    results
        .pop()
        .ok_or_else(|| crate::Error::pickling("deepcopy produced no result"))
}
