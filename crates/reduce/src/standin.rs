//! Stand-ins: inert objects for globals the registry does not know, which
//! remember exactly how a pickle built them so they can be inspected and
//! written back to the same bytes. Nothing about them ever executes.

use pyobj::{ClassSpec, Heap, NativePayload, Obj};

use crate::{Registry, Result};

/// How a stand-in instance was constructed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Construction {
    /// Made without arguments (`object.__new__(cls)`, `copyreg._reconstructor`).
    Plain,
    /// Called like a function: `callable(*args)` (REDUCE).
    Call {
        /// The arguments tuple.
        args: Obj,
    },
    /// `cls.__new__(cls, *args)` (NEWOBJ).
    NewObj {
        /// The arguments tuple (without the class).
        args: Obj,
    },
    /// `cls.__new__(cls, *args, **kwargs)` (NEWOBJ_EX).
    NewObjEx {
        /// The arguments tuple.
        args: Obj,
        /// The keyword arguments dict.
        kwargs: Obj,
    },
}

/// What a pickle did to a stand-in instance, in order.
///
/// `pkl show` prints this; [`reduce()`](crate::reduce()) turns it back into
/// the reduce value that rebuilds the same pickle.
#[derive(Clone, Debug)]
pub struct StandIn {
    /// The stand-in class (or function) the instance came from.
    pub callable: Obj,
    /// How it was constructed.
    pub construction: Construction,
    /// Items appended (APPEND/APPENDS).
    pub listitems: Vec<Obj>,
    /// Pairs set (SETITEM/SETITEMS).
    pub dictitems: Vec<(Obj, Obj)>,
    /// The states given to BUILD, in order.
    pub states: Vec<Obj>,
}

impl NativePayload for StandIn {
    fn trace(&self, visit: &mut dyn FnMut(Obj)) {
        visit(self.callable);
        match self.construction {
            Construction::Plain => {}
            Construction::Call { args } | Construction::NewObj { args } => visit(args),
            Construction::NewObjEx { args, kwargs } => {
                visit(args);
                visit(kwargs);
            }
        }
        self.listitems.iter().copied().for_each(&mut *visit);
        for &(k, v) in &self.dictitems {
            visit(k);
            visit(v);
        }
        self.states.iter().copied().for_each(visit);
    }

    fn clone_payload(&self) -> Option<Box<dyn NativePayload>> {
        Some(Box::new(self.clone()))
    }
}

/// The stand-in for `module.qualname`: the registered object if there is
/// one, else an inert stand-in class made (and registered) on first use, so
/// the same name always gives the same object.
pub fn stand_in_global(
    heap: &mut Heap,
    registry: &mut Registry,
    module: &str,
    qualname: &str,
) -> Result<Obj> {
    if let Some(obj) = registry.lookup(heap, module, qualname) {
        return Ok(obj);
    }
    let class = heap.new_class(ClassSpec::new(module, qualname))?;
    registry.register_global(heap, module, qualname, class)?;
    registry.mark_stand_in(class);
    Ok(class)
}

/// A new instance of stand-in `class` recording `construction`.
pub(crate) fn instantiate(heap: &mut Heap, class: Obj, construction: Construction) -> Result<Obj> {
    let obj = heap.new_instance(class)?;
    record(heap, obj, class, construction)?;
    Ok(obj)
}

/// Gives `obj` a fresh record: built by `callable` as `construction` says,
/// nothing applied yet.
pub(crate) fn record(
    heap: &mut Heap,
    obj: Obj,
    callable: Obj,
    construction: Construction,
) -> pyobj::Result<()> {
    heap.set_native(
        obj,
        Box::new(StandIn {
            callable,
            construction,
            listitems: Vec::new(),
            dictitems: Vec::new(),
            states: Vec::new(),
        }),
    )
}

/// The record of a stand-in instance, made `Plain` if the instance was
/// created without one (by `copyreg._reconstructor`).
pub(crate) fn record_mut(heap: &mut Heap, obj: Obj) -> Result<&mut StandIn> {
    if heap.native::<StandIn>(obj)?.is_none() {
        let class = heap.type_of(obj)?;
        record(heap, obj, class, Construction::Plain)?;
    }
    heap.native_mut::<StandIn>(obj)?
        .ok_or_else(|| crate::Error::pickling("stand-in record vanished"))
}
