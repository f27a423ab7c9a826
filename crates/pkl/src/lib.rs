//! The parts of `pkl` that are useful outside its command line: the text
//! `pkl show` prints ([`render`]) and how persistent ids are kept
//! ([`persistent`]). The fuzz targets in `fuzz/` drive `show` through here.

#![forbid(unsafe_code)]

pub mod persistent;
pub mod render;
