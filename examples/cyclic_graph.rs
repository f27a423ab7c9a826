//! A cyclic object graph with class instances, printed the way Python prints
//! it, then reclaimed.
//!
//! Run it with `cargo run --example cyclic_graph`.
//!
//! Python programs build graphs like this all the time: two people who list
//! each other as friends, and a registry dict that points at both. Reference
//! counting alone would leak it; the heap's tracing collector does not.

use pyobj::{ClassSpec, Heap};

fn main() -> Result<(), pyobj::Error> {
    let mut heap = Heap::new();
    let baseline = heap.live_count();

    // A class `family.Person`: instances get a `__dict__`, as a plain Python
    // class's do.
    let person = heap.new_class(ClassSpec::new("family", "Person"))?;

    let ada = heap.new_instance(person)?;
    let grace = heap.new_instance(person)?;
    let ada_name = heap.new_str("Ada");
    let grace_name = heap.new_str("Grace");
    heap.setattr(ada, "name", ada_name)?;
    heap.setattr(grace, "name", grace_name)?;

    // The cycle: each person's `friends` list holds the other person.
    let ada_friends = heap.new_list(vec![grace]);
    let grace_friends = heap.new_list(vec![ada]);
    heap.setattr(ada, "friends", ada_friends)?;
    heap.setattr(grace, "friends", grace_friends)?;

    // A registry dict that refers to both, and a list that contains itself.
    let registry = heap.new_dict();
    heap.dict_set(registry, ada_name, ada)?;
    heap.dict_set(registry, grace_name, grace)?;
    let everyone = heap.new_list(vec![registry]);
    heap.list_append(everyone, everyone)?;

    // Reprs are CPython's, including the `[...]` marker for the list that
    // contains itself. Instance addresses are derived from handles, so they
    // are stable from run to run.
    println!("everyone = {}", heap.repr(everyone)?);
    let ada_dict = heap
        .instance_dict(ada)?
        .ok_or_else(|| pyobj::Error::new(pyobj::ErrorKind::Attribute, "no __dict__"))?;
    println!("ada.__dict__ = {}", heap.repr(ada_dict)?);

    // `is` is handle identity; `==` is Python's value equality.
    let copy_of_friends = heap.new_list(vec![grace]);
    println!(
        "ada.friends is copy: {}, ada.friends == copy: {}",
        heap.is(ada_friends, copy_of_friends),
        heap.eq(ada_friends, copy_of_friends)?
    );

    // Keep only Ada's name alive; everything else, cycles included, becomes
    // unreachable once no root holds it.
    let kept = heap.root(ada_name);
    println!(
        "live objects before collect: {}",
        heap.live_count() - baseline
    );
    let stats = heap.collect();
    println!(
        "collected {} objects; live objects after: {} (the kept name: {})",
        stats.freed,
        heap.live_count() - baseline,
        heap.repr(kept.get())?
    );
    Ok(())
}
