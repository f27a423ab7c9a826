//! `pkl bench`: mean time to load the input and to dump it again at its own
//! protocol, and whether the dump reproduces the input.

use std::time::Instant;

use pickle::{DumpOptions, LoadOptions, Pickler};
use pyobj::Heap;
use reduce::Registry;

use crate::input;

/// Prints `{"loads_ns": …, "dumps_ns": …, "identical": …}`.
pub fn run(data: &[u8], iterations: u32) -> Result<(), String> {
    let iterations = iterations.max(1);
    let protocol = match data {
        [0x80, p, ..] => *p as i32,
        _ => 0,
    };
    let options = DumpOptions::new()
        .protocol(protocol)
        .map_err(|e| e.to_string())?;
    let mut load_total = 0u128;
    let mut dump_total = 0u128;
    let mut identical = false;
    for _ in 0..iterations {
        let mut heap = Heap::new();
        let mut registry = Registry::new(&mut heap);
        let start = Instant::now();
        let loaded = input::load_all(&mut heap, &mut registry, data, &LoadOptions::new())
            .map_err(|e| e.to_string())?;
        load_total += start.elapsed().as_nanos();
        let start = Instant::now();
        let mut output = Vec::with_capacity(data.len());
        for (obj, _) in &loaded {
            let pid_class = crate::persistent::class(&mut heap, &mut registry)?;
            let mut pickler = Pickler::new(&mut output, options)
                .persistent_id(crate::persistent::saver(pid_class));
            pickler
                .dump(&mut heap, &registry, *obj)
                .map_err(|e| e.to_string())?;
        }
        dump_total += start.elapsed().as_nanos();
        identical = output == data;
    }
    println!(
        "{{\"loads_ns\": {}, \"dumps_ns\": {}, \"identical\": {identical}}}",
        load_total / iterations as u128,
        dump_total / iterations as u128
    );
    Ok(())
}
