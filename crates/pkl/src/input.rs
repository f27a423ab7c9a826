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
    let mut loaded = Vec::new();
    let mut start = 0;
    while start < data.len() {
        let mut unpickler = Unpickler::from_slice(&data[start..], options.clone())
            .resolver(Box::new(StandInResolver));
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
