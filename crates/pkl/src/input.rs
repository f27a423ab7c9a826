//! Reading FILE (or `-` for standard input) and splitting it into the
//! pickles written one after another in it.

use std::io::Read;

use pickle::{LoadOptions, StandInResolver, Unpickler};
use pyobj::{Heap, Obj};
use reduce::Registry;

/// The whole input.
pub fn read(path: &str) -> Result<Vec<u8>, String> {
    if path == "-" {
        let mut data = Vec::new();
        std::io::stdin()
            .read_to_end(&mut data)
            .map_err(|e| format!("reading standard input: {e}"))?;
        Ok(data)
    } else {
        std::fs::read(path).map_err(|e| format!("reading {path}: {e}"))
    }
}

/// Every pickle in `data`, loaded with stand-ins for unknown globals: the
/// object and the byte range it came from.
pub fn load_all(
    heap: &mut Heap,
    registry: &mut Registry,
    data: &[u8],
    options: &LoadOptions,
) -> Result<Vec<(Obj, std::ops::Range<usize>)>, pickle::Error> {
    if data.is_empty() {
        return Err(pickle::Error::new(
            pickle::ErrorKind::Truncated,
            "Ran out of input",
        ));
    }
    if let Some(bar) = crate::progress::bar(data.len()) {
        let loaded = load_all_with_progress(heap, registry, data, options, bar.clone());
        bar.finish_and_clear();
        return loaded;
    }
    let pid_class = crate::persistent::class(heap, registry)
        .map_err(|e| pickle::Error::new(pickle::ErrorKind::Value, e))?;
    let mut loaded = Vec::new();
    let mut start = 0;
    while start < data.len() {
        let mut unpickler = Unpickler::from_slice(&data[start..], options.clone())
            .resolver(Box::new(StandInResolver))
            .persistent_load(crate::persistent::loader(pid_class));
        let obj = unpickler
            .load(heap, registry)
            .map_err(|e| match e.offset() {
                // Report offsets in the whole input, not in this pickle.
                Some(offset) => {
                    let opcode = e.opcode();
                    e.with_position(offset + start as u64, opcode)
                }
                None => e,
            })?;
        let end = data.len() - unpickler.remaining().len();
        loaded.push((obj, start..end));
        start = end;
    }
    Ok(loaded)
}

/// [`load_all`] through a reader that moves a progress bar: slower than
/// reading the slice directly, so only used for big inputs on a terminal.
fn load_all_with_progress(
    heap: &mut Heap,
    registry: &mut Registry,
    data: &[u8],
    options: &LoadOptions,
    bar: indicatif::ProgressBar,
) -> Result<Vec<(Obj, std::ops::Range<usize>)>, pickle::Error> {
    let reader = std::io::BufReader::new(crate::progress::Counting { inner: data, bar });
    let mut counted = CountingPosition {
        inner: reader,
        position: 0,
    };
    let pid_class = crate::persistent::class(heap, registry)
        .map_err(|e| pickle::Error::new(pickle::ErrorKind::Value, e))?;
    let mut loaded = Vec::new();
    while counted.position < data.len() {
        let start = counted.position;
        let mut unpickler = Unpickler::from_reader(&mut counted, options.clone())
            .resolver(Box::new(StandInResolver))
            .persistent_load(crate::persistent::loader(pid_class));
        let obj = unpickler
            .load(heap, registry)
            .map_err(|e| match e.offset() {
                Some(offset) => {
                    let opcode = e.opcode();
                    e.with_position(offset + start as u64, opcode)
                }
                None => e,
            })?;
        drop(unpickler);
        loaded.push((obj, start..counted.position));
    }
    Ok(loaded)
}

/// Tracks how many bytes the unpickler consumed, to know where each
/// pickle ends.
struct CountingPosition<R> {
    inner: R,
    position: usize,
}

impl<R: Read> Read for CountingPosition<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.position += n;
        Ok(n)
    }
}
