//! `pickle::from_slice::<T>` and `to_vec` against serde-pickle's on the same
//! bytes, in one run: 100,000 records `{id, name, score, tags, owner}` (no
//! shared references, which serde-pickle cannot read), written by our
//! `to_vec` at protocol 4 — byte for byte what CPython writes for the same
//! dicts. Best of five, milliseconds.
//!
//! Run: `cargo run --release -p pickle --features serde --example serde_timings`

use std::time::Instant;

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Owner {
    name: String,
    email: String,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Record {
    id: u64,
    name: String,
    score: f64,
    tags: Vec<String>,
    owner: Option<Owner>,
}

fn best<T>(mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..5 {
        let start = Instant::now();
        let value = f();
        best = best.min(start.elapsed().as_secs_f64());
        last = Some(value);
    }
    (best * 1e3, last.expect("five runs"))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let records: Vec<Record> = (0..100_000u64)
        .map(|i| Record {
            id: i,
            name: format!("record-{i}"),
            score: i as f64 / 7.0,
            tags: vec![format!("t{}", i % 10), "common".into()],
            owner: (i % 3 == 0).then(|| Owner {
                name: format!("owner {i}"),
                email: format!("o{i}@example.org"),
            }),
        })
        .collect();
    let bytes = pickle::to_vec(&records, 4)?;

    let (ours_load, ours) = best(|| pickle::from_slice::<Vec<Record>>(&bytes));
    let (theirs_load, theirs) =
        best(|| serde_pickle::from_slice::<Vec<Record>>(&bytes, serde_pickle::DeOptions::new()));
    assert_eq!(ours?, records);
    assert_eq!(theirs?, records);
    let (ours_dump, ours_bytes) = best(|| pickle::to_vec(&records, 4));
    let (theirs_dump, theirs_bytes) =
        best(|| serde_pickle::to_vec(&records, serde_pickle::SerOptions::new()));
    println!(
        "{{\"pickle_bytes\": {}, \"ours_from_slice_ms\": {ours_load:.2}, \"serde_pickle_from_slice_ms\": {theirs_load:.2}, \"ours_to_vec_ms\": {ours_dump:.2}, \"serde_pickle_to_vec_ms\": {theirs_dump:.2}, \"ours_to_vec_bytes\": {}, \"serde_pickle_to_vec_bytes\": {}}}",
        bytes.len(),
        ours_bytes?.len(),
        theirs_bytes?.len()
    );
    Ok(())
}
