//! The one exhaustive list of the handles each kind of object holds.
//!
//! Every graph walk — marking for collection, cycle detection in `pkl json`,
//! copying — goes through [`for_each_child`], so a kind that gains a handle
//! field is updated here once, and the `match` below has no wildcard arm so
//! the compiler points here when a kind is added.

use crate::{Obj, Object};

/// Calls `visit` with every handle `object` holds directly.
pub fn for_each_child(object: &Object, mut visit: impl FnMut(Obj)) {
    match object {
        Object::None
        | Object::Bool(_)
        | Object::Int(_)
        | Object::Float(_)
        | Object::Complex(_)
        | Object::Str(_)
        | Object::Bytes(_)
        | Object::ByteArray(_) => {}
        Object::Tuple(items) => items.iter().copied().for_each(visit),
        Object::List(items) => items.iter().copied().for_each(visit),
        Object::Dict(dict) => {
            for (key, value) in dict.iter() {
                visit(key);
                visit(value);
            }
        }
        Object::Set(set) | Object::FrozenSet(set) => set.iter().for_each(visit),
        Object::Class(class) => {
            visit(class.module);
            visit(class.qualname);
            class.bases.iter().copied().for_each(&mut visit);
            class.mro.iter().copied().for_each(&mut visit);
            visit(class.dict);
            class.own_slots.iter().copied().for_each(&mut visit);
            class.slot_layout.iter().copied().for_each(&mut visit);
            class.one_tuple.into_iter().for_each(&mut visit);
        }
        Object::Instance(instance) => {
            visit(instance.class);
            if let Some(dict) = instance.dict {
                visit(dict);
            }
            instance
                .slots
                .iter()
                .flatten()
                .copied()
                .for_each(&mut visit);
            if let Some(base) = instance.base {
                visit(base);
            }
            if let Some(native) = &instance.native {
                native.trace(&mut visit);
            }
        }
        Object::Function(function) => {
            visit(function.module);
            visit(function.qualname);
        }
        Object::PickleBuffer(view) => visit(view.target),
    }
}
