//! A progress bar on standard error while a big input loads, shown only when
//! standard error is a terminal (scripts and pipes see nothing).

use std::io::{IsTerminal, Read};

use indicatif::{ProgressBar, ProgressStyle};

/// Inputs at least this big get a progress bar: smaller ones load in well
/// under a second.
pub const THRESHOLD: usize = 32 * 1024 * 1024;

/// A bar for `total` bytes, or `None` when none should be shown.
pub fn bar(total: usize) -> Option<ProgressBar> {
    if total < THRESHOLD || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} loading {bytes}/{total_bytes} [{bar:40}] {eta}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

/// A reader that advances `bar` by what it reads.
pub struct Counting<R> {
    pub inner: R,
    pub bar: ProgressBar,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}
