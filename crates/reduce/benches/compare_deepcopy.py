"""deepcopy of about a million objects: CPython's copy.deepcopy against ours.

Usage (from the workspace root):  python3 crates/reduce/benches/compare_deepcopy.py
"""
import copy
import json
import subprocess
import time

shared = ["tag"]
root = [[i, f"name-{i}", {"id": i, "tags": shared}] for i in range(200_000)]
root.append(root)
best = min(
    (lambda s: (copy.deepcopy(root), time.perf_counter() - s)[1])(time.perf_counter())
    for _ in range(5)
)
ours = json.loads(subprocess.run(
    ["cargo", "run", "--release", "-q", "-p", "reduce", "--example", "deepcopy_timing"],
    check=True, capture_output=True, text=True).stdout)
print(f"| deepcopy, 200k records (~1M objects) | {best*1e3:.0f} ms | {ours['deepcopy_s']*1e3:.0f} ms | {best/ours['deepcopy_s']:.1f}x |")
