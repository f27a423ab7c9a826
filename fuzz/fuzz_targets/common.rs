#![allow(dead_code)] // each target uses a different part of this file
//! What every target shares: the limits a fuzzed load runs under, small
//! enough that one input can never take much memory or time.

use pickle::{Limits, LoadOptions, StandInResolver, Unpickler};
use pyobj::{Heap, HeapConfig, Obj};
use reduce::Registry;

/// A heap whose `repr` stops at 1 MiB (reference bombs print exponentially).
pub fn heap() -> Heap {
    Heap::with_config(HeapConfig::new().max_repr_bytes(1 << 20))
}

/// Load options with a 64 MiB allocation budget and shallow nesting.
pub fn options() -> LoadOptions {
    LoadOptions::new().limits(
        Limits::new()
            .max_bytes(64 << 20)
            .max_depth(2_000)
            .max_memo(1 << 20),
    )
}

/// Loads `data` with stand-ins for unknown globals.
pub fn load_standins(heap: &mut Heap, registry: &mut Registry, data: &[u8]) -> Option<Obj> {
    Unpickler::from_slice(data, options())
        .resolver(Box::new(StandInResolver))
        .load(heap, registry)
        .ok()
}
