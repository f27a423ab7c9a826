//! The default `__getstate__` (`object_getstate`) and copyreg's `_slotnames`.

use pyobj::{Heap, Hook, Obj, Object};

use crate::{Error, Result};

/// `copyreg._slotnames(cls)`: the slot names along the MRO, each class's own
/// in order, private names mangled, `__dict__` and `__weakref__` left out.
pub fn slot_names(heap: &Heap, class: Obj) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for &c in heap.as_class(class)?.mro() {
        let cls = heap.as_class(c)?;
        let owner = heap.as_str(cls.qualname())?;
        let owner = owner
            .rsplit('.')
            .next()
            .unwrap_or(owner)
            .trim_start_matches('_');
        for &slot in cls.own_slots() {
            let name = heap.as_str(slot)?;
            if name.starts_with("__") && !name.ends_with("__") && !owner.is_empty() {
                names.push(format!("_{owner}{name}"));
            } else {
                names.push(name.to_string());
            }
        }
    }
    Ok(names)
}

/// `object_getstate(obj, required)`: the `GetState` hook if the class has
/// one, else the default — the instance `__dict__` (or `None` if absent or
/// empty), paired with a dict of set slots when the class has slots.
pub fn get_state(heap: &mut Heap, obj: Obj, required: bool) -> Result<Obj> {
    let class = heap.type_of(obj)?;
    if let Some(getstate) = heap.find_hook(class, Hook::GetState)? {
        return Ok(getstate(heap, &[obj], None)?);
    }
    let _ = required;
    let (dict, slots, layout) = match &*heap.get(obj)? {
        Object::Instance(inst) => (
            inst.dict(),
            inst.slots().to_vec(),
            heap.as_class(class)?.slot_layout().to_vec(),
        ),
        _ => (None, Vec::new(), Vec::new()),
    };
    let none = heap.none();
    let mut state = match dict {
        Some(d) if heap.dict_len(d)? > 0 => d,
        _ => none,
    };
    if !layout.is_empty() {
        // Slot names in _slotnames order (subclass first), with values.
        let names = slot_names(heap, class)?;
        let slot_dict = heap.new_dict();
        for name in names {
            let position = layout.iter().position(|&slot| {
                heap.as_str(slot).is_ok_and(|s| {
                    s == name || name.ends_with(s) && s.starts_with("__") && name.starts_with('_')
                })
            });
            if let Some(value) = position.and_then(|p| slots.get(p).copied().flatten()) {
                let key = heap.new_str(&name);
                heap.dict_set(slot_dict, key, value)?;
            }
        }
        if heap.dict_len(slot_dict)? > 0 {
            state = heap.new_tuple(vec![state, slot_dict]);
        }
    }
    Ok(state)
}

pub(crate) fn not_picklable(heap: &Heap, obj: Obj) -> Error {
    Error::new(
        crate::ErrorKind::Object(pyobj::ErrorKind::Type),
        format!(
            "cannot pickle '{}' object",
            heap.type_name(obj).unwrap_or_default()
        ),
    )
}
