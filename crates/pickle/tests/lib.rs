//! The pickle integration tests: one binary, one module per area; python3
//! (CPython 3.11) is the oracle.

mod buffers;
mod dis;
mod fuzz_regressions;
mod hostile;
mod pickle_bytes;
mod standins;
mod stdlib;
mod unpickle;
