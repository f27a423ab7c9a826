//! Protocol 5's out-of-band buffers: `PickleBuffer` objects written in band
//! (as bytes or a bytearray) or left to the caller (NEXT_BUFFER), as
//! CPython's `save_picklebuffer` decides.

use pyobj::{Heap, Obj};

use super::Pickler;
use crate::opcodes::Opcode;
use crate::{Error, ErrorKind, Result};

/// A `buffer_callback` hook: called with each `PickleBuffer` the pickler
/// meets; `Ok(true)` writes the buffer's bytes into the pickle (in band),
/// `Ok(false)` writes only a NEXT_BUFFER marker and leaves the bytes to the
/// caller, who must hand the same buffers, in order, to
/// [`Unpickler::buffers`](crate::Unpickler::buffers).
///
/// Python's callback returns a falsy value (typically `None`, from
/// `list.append`) for out of band; `false` is that value here.
pub type BufferCallback = Box<dyn FnMut(&mut Heap, Obj) -> Result<bool>>;

impl<W: std::io::Write> Pickler<W> {
    /// save_picklebuffer: in band as bytes (read-only view) or bytearray
    /// (writable view), memoized like them; out of band as NEXT_BUFFER, plus
    /// READONLY_BUFFER for a read-only view, and never memoized, so a buffer
    /// met twice is offered to the callback twice, as in CPython.
    pub(super) fn save_picklebuffer(&mut self, heap: &mut Heap, obj: Obj) -> Result<()> {
        if self.options.protocol < 5 {
            return Err(Error::new(
                ErrorKind::Pickling,
                "PickleBuffer can only pickled with protocol >= 5",
            ));
        }
        let readonly = heap.as_picklebuffer(obj)?.readonly();
        let in_band = match self.buffer_callback.as_mut() {
            Some(callback) => callback(heap, obj)?,
            None => true,
        };
        if in_band {
            return if readonly {
                self.save_bytes(heap, obj)
            } else {
                self.save_bytearray_data(heap, obj)
            };
        }
        self.framer.write_byte(Opcode::NEXT_BUFFER as u8);
        if readonly {
            self.framer.write_byte(Opcode::READONLY_BUFFER as u8);
        }
        Ok(())
    }
}
