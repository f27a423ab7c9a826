//! `pkl convert`: every pickle in the input, loaded with stand-ins and
//! written again at the chosen protocol.

use pickle::{DumpOptions, LoadOptions, Pickler};
use pyobj::Heap;
use reduce::Registry;

use crate::input;

/// Converts each pickle of `data` and writes them, in order, to `out_path`.
pub fn run(data: &[u8], protocol: i32, out_path: &str) -> Result<(), String> {
    let options = DumpOptions::new()
        .protocol(protocol)
        .map_err(|e| e.to_string())?;
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);
    let loaded = input::load_all(&mut heap, &mut registry, data, &LoadOptions::new())
        .map_err(|e| e.to_string())?;
    let mut output = Vec::new();
    for (obj, _) in loaded {
        // One pickler per pickle: each input pickle had its own memo.
        let pid_class = crate::persistent::class(&mut heap, &mut registry)?;
        let mut pickler =
            Pickler::new(&mut output, options).persistent_id(crate::persistent::saver(pid_class));
        pickler
            .dump(&mut heap, &registry, obj)
            .map_err(|e| e.to_string())?;
    }
    if out_path == "-" {
        use std::io::Write;
        std::io::stdout()
            .write_all(&output)
            .map_err(|e| format!("writing output: {e}"))
    } else {
        std::fs::write(out_path, output).map_err(|e| format!("writing {out_path}: {e}"))
    }
}
