//! `Limits`: how much a pickle may make the unpickler build, with safe defaults.

/// Bounds on what loading one pickle may do, so hostile input gets an error
/// ([`ErrorKind::Limit`](crate::ErrorKind::Limit)) instead of exhausting the machine.
///
/// | limit | default | meaning |
/// |---|---|---|
/// | `max_depth` | 10_000 | deepest MARK nesting plus container nesting being built |
/// | `max_bytes` | 4 GiB | total bytes the load may allocate for payloads (strings, bytes, ints, containers) |
/// | `max_memo` | 16_777_216 | largest number of memo entries |
///
/// Declared lengths in the data (BINBYTES8, LONG4, FRAME, ...) are never
/// trusted for allocation: payloads are read in bounded chunks and the budget
/// is charged as bytes actually arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of MARKs and containers under construction.
    pub max_depth: usize,
    /// Total payload bytes one load may allocate.
    pub max_bytes: u64,
    /// Largest number of memo entries.
    pub max_memo: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 10_000,
            max_bytes: 4 << 30,
            max_memo: 1 << 24,
        }
    }
}

impl Limits {
    /// The defaults listed on [`Limits`].
    pub fn new() -> Limits {
        Limits::default()
    }

    /// No limits at all. Only for trusted input: a hostile pickle can then
    /// exhaust memory.
    pub fn unlimited() -> Limits {
        Limits {
            max_depth: usize::MAX,
            max_bytes: u64::MAX,
            max_memo: usize::MAX,
        }
    }

    /// Sets the deepest nesting.
    pub fn max_depth(mut self, depth: usize) -> Limits {
        self.max_depth = depth;
        self
    }

    /// Sets the byte budget.
    pub fn max_bytes(mut self, bytes: u64) -> Limits {
        self.max_bytes = bytes;
        self
    }

    /// Sets the memo size limit.
    pub fn max_memo(mut self, entries: usize) -> Limits {
        self.max_memo = entries;
        self
    }
}
