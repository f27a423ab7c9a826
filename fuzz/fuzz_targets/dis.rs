//! Any bytes through the disassembler: a listing or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut out = String::new();
    let _ = pickle::dis::dis(data, &mut out);
});
