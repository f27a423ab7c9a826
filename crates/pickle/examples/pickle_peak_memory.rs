//! Loads one pickle file streamed from disk and prints the process's peak
//! resident memory (VmHWM) as JSON, for `benches/compare_memory.py`.

use pickle::{LoadOptions, StandInResolver, Unpickler};
use pyobj::Heap;
use reduce::Registry;

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: pickle_peak_memory FILE")?;
    let before = peak_kib();
    let file = std::io::BufReader::new(std::fs::File::open(&path)?);
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);
    let obj = Unpickler::from_reader(file, LoadOptions::new())
        .resolver(Box::new(StandInResolver))
        .load(&mut heap, &mut registry)?;
    let root = heap.root(obj);
    println!(
        "{{\"baseline_kib\": {before}, \"peak_kib\": {}, \"objects\": {}}}",
        peak_kib(),
        heap.live_count()
    );
    drop(root);
    Ok(())
}
