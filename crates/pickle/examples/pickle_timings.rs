//! Times `loads` and `dumps` on pickle files given on the command line and
//! prints one JSON object per file: best-of-N nanoseconds (N at least the
//! first argument, more for fast workloads) per load (into a
//! fresh heap, and into one long-lived heap collected between loads) and per
//! dump (at the file's own protocol: of one loaded object again and again,
//! as CPython's dumps are timed, and right after each load, into a fresh
//! heap and into the long-lived one), whether
//! the re-dump is identical, and the same timings for `serde-pickle` (the
//! existing Rust crate) where it can represent the data (`null` where it
//! cannot, e.g. cycles).
//!
//! `benches/compare_cpython.py` writes the workload files with CPython, runs
//! this binary on them and CPython's `pickle` on the same bytes, and prints
//! the ratios.

use std::time::Instant;

use pickle::{dumps, DumpOptions, LoadOptions, StandInResolver, Unpickler};
use pyobj::{Heap, Obj};
use reduce::Registry;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let min_rounds: usize = args
        .next()
        .ok_or("usage: timings MIN_ROUNDS FILE...")?
        .parse()?;
    for path in args {
        let data = std::fs::read(&path)?;
        let protocol = if data.first() == Some(&0x80) {
            data[1] as i32
        } else {
            0
        };
        let options = DumpOptions::new().protocol(protocol)?;
        let rounds = rounds_for(&data, min_rounds)?;
        let mut best_load = f64::INFINITY;
        let mut best_dump_after_load = f64::INFINITY;
        let mut identical = false;
        for _ in 0..rounds {
            let mut heap = Heap::new();
            let mut registry = Registry::new(&mut heap);
            let start = Instant::now();
            let obj = load(&data, &mut heap, &mut registry)?;
            best_load = best_load.min(start.elapsed().as_secs_f64());
            let start = Instant::now();
            let out = dumps(&mut heap, &registry, obj, &options)?;
            best_dump_after_load = best_dump_after_load.min(start.elapsed().as_secs_f64());
            identical = out == data;
        }
        // Each dump right after a load into one long-lived heap (collected
        // between rounds, untimed): the embedder's "load a message, dump a
        // reply" without a new heap and registry between.
        let mut best_dump_after_warm_load = f64::INFINITY;
        {
            let mut heap = Heap::new();
            let mut registry = Registry::new(&mut heap);
            for _ in 0..rounds {
                let obj = load(&data, &mut heap, &mut registry)?;
                let start = Instant::now();
                let out = dumps(&mut heap, &registry, obj, &options)?;
                best_dump_after_warm_load =
                    best_dump_after_warm_load.min(start.elapsed().as_secs_f64());
                drop(out);
                heap.collect();
            }
        }
        // Dumps timed as CPython's are (`pickle.dumps(loaded)` again and
        // again): one loaded object dumped `rounds` times. The dump that
        // follows each fresh load above also pays for the caches that the
        // new heap, its registry (about 140,000 instructions of untimed
        // setup) and the load took over; it is reported beside this one.
        let mut best_dump = f64::INFINITY;
        {
            let mut heap = Heap::new();
            let mut registry = Registry::new(&mut heap);
            let obj = load(&data, &mut heap, &mut registry)?;
            for _ in 0..rounds {
                let start = Instant::now();
                let out = dumps(&mut heap, &registry, obj, &options)?;
                best_dump = best_dump.min(start.elapsed().as_secs_f64());
                drop(out);
            }
        }
        // The steady state of an embedder: one long-lived heap, loaded into
        // again and again, its garbage collected between loads (not timed),
        // so the heap's slot storage is already grown and faulted in.
        let mut best_warm_load = f64::INFINITY;
        {
            let mut heap = Heap::new();
            let mut registry = Registry::new(&mut heap);
            for _ in 0..rounds {
                let start = Instant::now();
                let obj = load(&data, &mut heap, &mut registry)?;
                best_warm_load = best_warm_load.min(start.elapsed().as_secs_f64());
                std::hint::black_box(obj);
                heap.collect();
            }
        }
        // The floor for a payload-sized copy: a fresh buffer of the file's
        // size, filled by one memcpy (page faults included, as in a load).
        let mut best_copy = f64::INFINITY;
        for _ in 0..rounds {
            let start = Instant::now();
            let copy = data.to_vec();
            best_copy = best_copy.min(start.elapsed().as_secs_f64());
            std::hint::black_box(copy);
        }
        let serde = serde_pickle_times(&path, &data, rounds, protocol);
        println!(
            "{{\"file\": \"{path}\", \"loads_ns\": {:.0}, \"warm_loads_ns\": {:.0}, \"dumps_ns\": {:.0}, \"dumps_after_load_ns\": {:.0}, \"dumps_after_warm_load_ns\": {:.0}, \"memcpy_ns\": {:.0}, \"identical\": {identical}, \"serde_loads_ns\": {}, \"serde_dumps_ns\": {}, \"serde_dumps_after_load_ns\": {}}}",
            best_load * 1e9,
            best_warm_load * 1e9,
            best_dump * 1e9,
            best_dump_after_load * 1e9,
            best_dump_after_warm_load * 1e9,
            best_copy * 1e9,
            serde.load,
            serde.dump,
            serde.dump_after_load,
        );
    }
    Ok(())
}

/// Loads `data` as every timed load here does: unknown globals become
/// stand-ins.
fn load(data: &[u8], heap: &mut Heap, registry: &mut Registry) -> pickle::Result<Obj> {
    Unpickler::from_slice(data, LoadOptions::new())
        .resolver(Box::new(StandInResolver))
        .load(heap, registry)
}

/// How many rounds to time: at least `min_rounds`, and enough to fill
/// about a quarter of a second (at most 20,000), so that sub-millisecond
/// workloads get a minimum over hundreds of samples rather than five noisy
/// ones. `benches/compare_cpython.py` chooses CPython's rounds the same way.
fn rounds_for(data: &[u8], min_rounds: usize) -> Result<usize, Box<dyn std::error::Error>> {
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);
    let start = Instant::now();
    load(data, &mut heap, &mut registry)?;
    let once = start.elapsed().as_secs_f64().max(1e-6);
    Ok(((0.25 / once) as usize).clamp(min_rounds, 20_000))
}

/// Best-of-`rounds` times of `serde-pickle`'s value API, as JSON numbers
/// (`null` where it cannot load the data).
struct SerdeTimes {
    load: String,
    /// Dumps of one loaded value, again and again (as CPython's are timed).
    dump: String,
    /// Each dump right after a load, as in `pickle_timings`' first loop.
    dump_after_load: String,
}

/// `serde-pickle`'s times on `data`; its output is written to
/// `{path}.serde`.
fn serde_pickle_times(path: &str, data: &[u8], rounds: usize, protocol: i32) -> SerdeTimes {
    let options = || serde_pickle::DeOptions::new().replace_unresolved_globals();
    let value = match serde_pickle::value_from_slice(data, options()) {
        Ok(value) => value,
        Err(e) => {
            eprintln!("serde-pickle cannot load this file: {e}");
            return SerdeTimes {
                load: "null".into(),
                dump: "null".into(),
                dump_after_load: "null".into(),
            };
        }
    };
    // What serde-pickle writes, for the comparison script to load with
    // CPython and compare with the original: where its value model cannot
    // represent an object (it turns unknown globals into `None`), it writes
    // a different object, and its times are not for the same workload.
    let ser = || {
        if protocol >= 3 {
            serde_pickle::SerOptions::new()
        } else {
            serde_pickle::SerOptions::new().proto_v2()
        }
    };
    if let Ok(out) = serde_pickle::value_to_vec(&value, ser()) {
        if let Err(e) = std::fs::write(format!("{path}.serde"), out) {
            eprintln!("cannot write serde-pickle's output next to {path}: {e}");
        }
    }
    let mut best_load = f64::INFINITY;
    let mut best_dump_after_load = f64::INFINITY;
    for _ in 0..rounds {
        let start = Instant::now();
        let loaded = serde_pickle::value_from_slice(data, options());
        best_load = best_load.min(start.elapsed().as_secs_f64());
        let Ok(loaded) = loaded else { continue };
        let ser = ser();
        let start = Instant::now();
        let dumped = serde_pickle::value_to_vec(&loaded, ser);
        best_dump_after_load = best_dump_after_load.min(start.elapsed().as_secs_f64());
        drop(dumped);
    }
    let mut best_dump = f64::INFINITY;
    for _ in 0..rounds {
        let ser = ser();
        let start = Instant::now();
        let dumped = serde_pickle::value_to_vec(&value, ser);
        best_dump = best_dump.min(start.elapsed().as_secs_f64());
        drop(dumped);
    }
    SerdeTimes {
        load: format!("{:.0}", best_load * 1e9),
        dump: format!("{:.0}", best_dump * 1e9),
        dump_after_load: format!("{:.0}", best_dump_after_load * 1e9),
    }
}
