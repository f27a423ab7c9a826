//! Persistent ids (PERSID/BINPERSID): pickles such as model files refer to
//! data stored elsewhere by id. `pkl` keeps each id as a `pkl.PersistentId`
//! object (shown as `<persistent id ...>`) and writes it back as a
//! persistent id, so converting such a pickle keeps its references.

use pickle::{PersistentId, PersistentLoad};
use pyobj::{ClassSpec, Heap, Obj};
use reduce::Registry;

/// The class of persistent-id objects on this heap (made on first use).
pub fn class(heap: &mut Heap, registry: &mut Registry) -> Result<Obj, String> {
    if let Some(class) = registry.get("pkl", "PersistentId") {
        return Ok(class);
    }
    let class = heap
        .new_class(ClassSpec::new("pkl", "PersistentId").slots(["pid"]))
        .map_err(|e| e.to_string())?;
    registry
        .register_class(heap, class)
        .map_err(|e| e.to_string())?;
    Ok(class)
}

/// The unpickler hook: wraps each id in a `pkl.PersistentId`.
pub fn loader(class: Obj) -> PersistentLoad {
    Box::new(move |heap: &mut Heap, pid: Obj| {
        let obj = heap.new_instance(class)?;
        heap.set_slot(obj, 0, Some(pid))?;
        Ok(obj)
    })
}

/// The pickler hook: writes a `pkl.PersistentId` back as its id.
pub fn saver(class: Obj) -> PersistentId {
    Box::new(move |heap: &mut Heap, obj: Obj| {
        if !matches!(heap.get(obj).as_deref(), Ok(pyobj::Object::Instance(_)))
            || !heap.is_instance(obj, class)?
        {
            return Ok(None);
        }
        Ok(heap.as_instance(obj)?.slots().first().copied().flatten())
    })
}

/// The id inside a `pkl.PersistentId`, if `obj` is one.
pub fn pid_of(heap: &Heap, obj: Obj) -> Option<Obj> {
    let inst = heap.as_instance(obj).ok()?;
    let class = heap.as_class(inst.class()).ok()?;
    let is_pid = heap.as_str(class.module()).ok()? == "pkl"
        && heap.as_str(class.qualname()).ok()? == "PersistentId";
    if is_pid {
        inst.slots().first().copied().flatten()
    } else {
        None
    }
}
