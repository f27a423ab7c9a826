//! Times `loads` and `dumps` on pickle files given on the command line and
//! prints one JSON object per file: best-of-N nanoseconds per load and per
//! dump (at the file's own protocol), and whether the re-dump is identical.
//!
//! `benches/compare_cpython.py` writes the workload files with CPython, runs
//! this binary on them and CPython's `pickle` on the same bytes, and prints
//! the ratios.

use std::time::Instant;

use pickle::{dumps, loads, DumpOptions, LoadOptions};
use pyobj::Heap;
use reduce::Registry;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args
        .next()
        .ok_or("usage: timings ROUNDS FILE...")?
        .parse()?;
    for path in args {
        let data = std::fs::read(&path)?;
        let protocol = if data.first() == Some(&0x80) {
            data[1] as i32
        } else {
            0
        };
        let options = DumpOptions::new().protocol(protocol)?;
        let mut best_load = f64::INFINITY;
        let mut best_dump = f64::INFINITY;
        let mut identical = false;
        for _ in 0..rounds {
            let mut heap = Heap::new();
            let mut registry = Registry::new(&mut heap);
            let start = Instant::now();
            let obj = loads(&mut heap, &mut registry, &data, &LoadOptions::new())?;
            best_load = best_load.min(start.elapsed().as_secs_f64());
            let start = Instant::now();
            let out = dumps(&mut heap, &registry, obj, &options)?;
            best_dump = best_dump.min(start.elapsed().as_secs_f64());
            identical = out == data;
        }
        println!(
            "{{\"file\": \"{path}\", \"loads_ns\": {:.0}, \"dumps_ns\": {:.0}, \"identical\": {identical}}}",
            best_load * 1e9,
            best_dump * 1e9
        );
    }
    Ok(())
}
