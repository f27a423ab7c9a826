//! The workspace root. Its only code is this file, which compiles the README's
//! code blocks as doc tests so the README's API tour cannot go stale; the
//! crates themselves are `pyobj`, `reduce`, `pickle` and the `pkl` tool.
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
