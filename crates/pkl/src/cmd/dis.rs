//! `pkl dis`: the disassembly `python3 -m pickletools FILE` prints.

use std::io::Write;

/// Prints the disassembly of the first pickle in `data`. On bad input the
/// partial listing is printed first, as pickletools does before it raises.
pub fn run(data: &[u8]) -> Result<(), String> {
    let mut listing = String::new();
    let result = pickle::dis::dis(data, &mut listing);
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(listing.as_bytes())
        .map_err(|e| format!("writing output: {e}"))?;
    result.map(drop).map_err(|e| e.to_string())
}
