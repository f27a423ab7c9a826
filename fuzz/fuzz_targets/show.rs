//! Any bytes through what `pkl show` does: load with stand-ins and
//! persistent ids kept, then render.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pickle::{StandInResolver, Unpickler};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let mut heap = common::heap();
    let mut registry = reduce::Registry::new(&mut heap);
    let Ok(pid_class) = pkl::persistent::class(&mut heap, &mut registry) else {
        return;
    };
    let loaded = Unpickler::from_slice(data, common::options())
        .resolver(Box::new(StandInResolver))
        .persistent_load(pkl::persistent::loader(pid_class))
        .load(&mut heap, &mut registry);
    if let Ok(obj) = loaded {
        let _ = pkl::render::show(&heap, obj);
    }
});
