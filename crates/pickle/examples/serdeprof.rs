fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().unwrap().parse().unwrap();
    let path = args.next().unwrap();
    let data = std::fs::read(&path).unwrap();
    let value = serde_pickle::value_from_slice(
        &data,
        serde_pickle::DeOptions::new().replace_unresolved_globals(),
    )
    .unwrap();
    for _ in 0..n {
        dump(&value);
    }
}
#[inline(never)]
fn dump(value: &serde_pickle::Value) {
    let out = serde_pickle::value_to_vec(value, serde_pickle::SerOptions::new()).unwrap();
    std::hint::black_box(out);
}
