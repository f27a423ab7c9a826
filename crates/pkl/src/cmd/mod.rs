//! One file per `pkl` command.

pub mod bench;
pub mod convert;
pub mod dis;
pub mod json;
pub mod scan;
pub mod show;
