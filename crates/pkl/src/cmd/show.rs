//! `pkl show`: every pickle in the input, loaded with stand-ins, printed one
//! per line (see `render` for the form of objects of unknown classes).

use pickle::LoadOptions;
use pyobj::Heap;
use reduce::Registry;

use crate::{input, render};

/// Loads and prints each pickle.
pub fn run(data: &[u8], options: &LoadOptions) -> Result<(), String> {
    let mut heap = Heap::new();
    let mut registry = Registry::new(&mut heap);
    for (obj, _) in
        input::load_all(&mut heap, &mut registry, data, options).map_err(|e| e.to_string())?
    {
        println!(
            "{}",
            render::show(&heap, obj).map_err(|e| e.message().to_string())?
        );
    }
    Ok(())
}
