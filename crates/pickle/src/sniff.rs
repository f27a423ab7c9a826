//! `sniff`: what a pickle refers to — the globals it names and its
//! persistent ids — without building anything in the caller's heap and
//! without resolving a single name (what cPickle's `noload()` was used for).

use std::cell::RefCell;
use std::rc::Rc;

use pyobj::{Heap, Obj};
use reduce::Registry;

use crate::dis::genops;
use crate::opcodes::Opcode;
use crate::resolve::Resolver;
use crate::{LoadOptions, Result, Unpickler};

/// A global a pickle names, in the order the pickle names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlobalRef {
    /// Byte offset of the opcode naming it (GLOBAL, STACK_GLOBAL, INST or EXT*).
    pub offset: usize,
    /// The module, after `fix_imports` mapping.
    pub module: String,
    /// The (qualified) name.
    pub name: String,
}

/// What [`sniff`] found in one pickle.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sniffed {
    /// Every global named, in order.
    pub globals: Vec<GlobalRef>,
    /// Python's `repr()` of every persistent id, in order.
    pub persistent_ids: Vec<String>,
    /// The offset just past the pickle's STOP.
    pub end: usize,
}

/// Records names instead of resolving them; what it hands back is an inert
/// stand-in in a private heap.
struct Recorder(Rc<RefCell<Vec<(String, String)>>>);

impl Resolver for Recorder {
    fn find_class(
        &mut self,
        heap: &mut Heap,
        registry: &mut Registry,
        module: &str,
        name: &str,
    ) -> Result<Obj> {
        self.0
            .borrow_mut()
            .push((module.to_string(), name.to_string()));
        Ok(reduce::standin::stand_in_global(
            heap, registry, module, name,
        )?)
    }
}

/// Walks the first pickle in `data` and reports the globals it names and its
/// persistent ids.
///
/// The walk builds objects only in a private scratch heap, with every global
/// an inert stand-in, so nothing is imported, called or kept, whatever the
/// pickle says; the limits in `options` apply.
///
/// ```
/// // pickle.dumps(os.system, 2) names posix.system without calling it.
/// let found = pickle::sniff(b"\x80\x02cposix\nsystem\nq\x00.", &pickle::LoadOptions::new())?;
/// assert_eq!(found.globals[0].module, "posix");
/// assert_eq!(found.globals[0].name, "system");
/// assert_eq!(found.globals[0].offset, 2);
/// # Ok::<(), pickle::Error>(())
/// ```
///
/// # Errors
/// Malformed data, as [`crate::loads`] reports it.
pub fn sniff(data: &[u8], options: &LoadOptions) -> Result<Sniffed> {
    let ops = genops(data)?;
    let names = Rc::new(RefCell::new(Vec::new()));
    let pids = Rc::new(RefCell::new(Vec::new()));
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);
    let recorded_pids = pids.clone();
    let mut unpickler = Unpickler::from_slice(data, options.clone())
        .resolver(Box::new(Recorder(names.clone())))
        .persistent_load(Box::new(move |heap: &mut Heap, pid: Obj| {
            recorded_pids.borrow_mut().push(heap.repr(pid)?);
            Ok(heap.none())
        }));
    unpickler.load(&mut heap, &mut registry)?;
    let end = data.len() - unpickler.remaining().len();
    // Each naming opcode made exactly one resolver call, in stream order.
    let offsets = ops.iter().filter(|op| {
        matches!(
            op.opcode,
            Opcode::GLOBAL
                | Opcode::STACK_GLOBAL
                | Opcode::INST
                | Opcode::EXT1
                | Opcode::EXT2
                | Opcode::EXT4
        )
    });
    let globals = offsets
        .zip(names.borrow().iter())
        .map(|(op, (module, name))| GlobalRef {
            offset: op.offset,
            module: module.clone(),
            name: name.clone(),
        })
        .collect();
    let persistent_ids = pids.borrow().clone();
    Ok(Sniffed {
        globals,
        persistent_ids,
        end,
    })
}
