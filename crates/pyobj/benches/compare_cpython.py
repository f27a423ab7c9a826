"""Runs the same heap workloads in CPython and in this crate, side by side.

Usage (from the workspace root):  python3 crates/pyobj/benches/compare_cpython.py

Prints two Markdown tables: bytes per object (CPython measured with
tracemalloc, ours with the counting allocator of examples/sizes.rs; both count
requested bytes, GC headers included, allocator rounding excluded) and
best-of-five seconds per workload with the ratio CPython / ours (above 1
means we are faster). Dict workloads use C-level loops on the CPython side
(dict.fromkeys, map(d.__getitem__, ...)) so they time the dict, not the
interpreter.
"""
import gc
import json
import subprocess
import sys
import time
import tracemalloc

N = 1_000_000
KEYS = 100_000


def cargo_example(name):
    out = subprocess.run(
        ["cargo", "run", "--release", "-q", "-p", "pyobj", "--example", name],
        check=True, capture_output=True, text=True,
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


class Point:
    pass


def make_point(i):
    p = Point()
    p.x = 1
    p.y = 1
    p.z = 1
    return p


SIZE_CASES = [
    ("int", lambda i: i + 1_000_000),
    ("float", lambda i: i + 0.5),
    ("str (10 ASCII chars)", lambda i: f"s{i:09}"),
    ("tuple of 3", lambda i: (1, 1, i % 3)),
    ("list of 3", lambda i: [1, 1, 1]),
    ("dict of 3 str keys", lambda i: {"a": 1, "b": 1, "c": 1}),
    ("instance, 3 attributes in __dict__", make_point),
]


def cpython_bytes(make):
    keep = [None] * N
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(N):
        keep[i] = make(i)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / N


def best_of_five(fn):
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def cpython_timings():
    str_keys = [f"key{i}" for i in range(KEYS)]
    int_keys = [i * 7 + 1000 for i in range(KEYS)]
    str_dict = dict.fromkeys(str_keys)
    int_dict = dict.fromkeys(int_keys)
    return {
        "create_1M_ints": best_of_five(lambda: [i + 1000 for i in range(N)]),
        "create_1M_strs": best_of_five(lambda: [f"s{i:09}" for i in range(N)]),
        "create_1M_lists": best_of_five(lambda: [[1] for _ in range(N)]),
        "dict_insert_100k_str": best_of_five(lambda: dict.fromkeys(str_keys)),
        "dict_lookup_100k_str": best_of_five(lambda: list(map(str_dict.__getitem__, str_keys))),
        "dict_insert_100k_int": best_of_five(lambda: dict.fromkeys(int_keys)),
        "dict_lookup_100k_int": best_of_five(lambda: list(map(int_dict.__getitem__, int_keys))),
    }


def main():
    ours = {row["kind"]: row for row in cargo_example("sizes")}
    print(f"CPython {sys.version.split()[0]}\n")
    print("| kind | CPython sys.getsizeof | CPython bytes/object (tracemalloc) | ours bytes/object | ours / CPython |")
    print("|---|---:|---:|---:|---:|")
    for name, make in SIZE_CASES:
        theirs = cpython_bytes(make)
        mine = ours[name]["bytes"]
        getsize = sys.getsizeof(make(7))
        print(f"| {name} | {getsize} | {theirs:.1f} | {mine:.1f} | {mine / theirs:.2f} |")
    print()
    mine = cargo_example("heap_timings")[0]
    theirs = cpython_timings()
    print("| workload | CPython ms | ours ms | CPython / ours |")
    print("|---|---:|---:|---:|")
    for name, seconds in theirs.items():
        print(f"| {name} | {seconds * 1e3:.2f} | {mine[name] * 1e3:.2f} | {seconds / mine[name]:.2f} |")


if __name__ == "__main__":
    main()
