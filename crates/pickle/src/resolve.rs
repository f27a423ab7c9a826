//! How the unpickler turns a `(module, name)` from GLOBAL, STACK_GLOBAL, INST
//! or EXT* into an object: `fix_imports`, then a [`Resolver`].

use pyobj::{Heap, Obj};
use reduce::Registry;

use crate::{compat, Error, ErrorKind, Result};

/// Finds the object a pickle names. The default, [`StrictResolver`], looks
/// in the [`Registry`] and nowhere else; an embedder can supply its own.
pub trait Resolver {
    /// The object for `module.name` (already mapped by `fix_imports`).
    ///
    /// # Errors
    /// [`ErrorKind::Unsafe`] (or any error) when the name must not be loaded.
    fn find_class(
        &mut self,
        heap: &mut Heap,
        registry: &mut Registry,
        module: &str,
        name: &str,
    ) -> Result<Obj>;
}

/// Resolves only names registered in the [`Registry`]. Nothing that the
/// embedder did not register can be named, so nothing else can run.
#[derive(Clone, Copy, Debug, Default)]
pub struct StrictResolver;

impl Resolver for StrictResolver {
    fn find_class(
        &mut self,
        heap: &mut Heap,
        registry: &mut Registry,
        module: &str,
        name: &str,
    ) -> Result<Obj> {
        registry.lookup(heap, module, name).ok_or_else(|| {
            Error::new(
                ErrorKind::Unsafe,
                format!("global '{module}.{name}' is not registered, so it cannot be loaded"),
            )
        })
    }
}

/// Resolves registered names as [`StrictResolver`] does, and every other
/// name to an inert stand-in ([`reduce::standin`]) that records how the
/// pickle uses it — for looking into pickles from anywhere. Nothing is
/// imported or called: a stand-in for `os.system` called with `"rm -rf /"`
/// is just an object remembering that call.
#[derive(Clone, Copy, Debug, Default)]
pub struct StandInResolver;

impl Resolver for StandInResolver {
    fn find_class(
        &mut self,
        heap: &mut Heap,
        registry: &mut Registry,
        module: &str,
        name: &str,
    ) -> Result<Obj> {
        Ok(reduce::standin::stand_in_global(
            heap, registry, module, name,
        )?)
    }
}

/// The `(module, name)` find_class looks up: Python 2 names mapped to Python 3
/// ones when `fix_imports` is on and the stream's protocol is below 3.
pub(crate) fn map_name<'a>(
    module: &'a str,
    name: &'a str,
    proto: u8,
    fix_imports: bool,
) -> (&'a str, &'a str) {
    if proto < 3 && fix_imports {
        if let Some((m, n)) = compat::to_python3(module, name) {
            return (m, n.unwrap_or(name));
        }
    }
    (module, name)
}
