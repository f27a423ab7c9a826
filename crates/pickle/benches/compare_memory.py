"""Peak resident memory after loading the same pickle: CPython against ours.

Usage (from the workspace root):  python3 crates/pickle/benches/compare_memory.py

Writes a mixed pickle of about 200 MB (records of ints, floats, short strs,
small lists and dicts, and some shared and bytes payloads), then loads it
streamed from the file in a fresh CPython process and in
`cargo run --release -p pickle --example pickle_peak_memory`, and reports
each process's peak resident memory (VmHWM) minus its baseline before loading.
"""
import json
import os
import pickle
import subprocess
import sys
import tempfile

path = os.path.join(tempfile.mkdtemp(), "mixed.pickle")
shared = ["shared", "tags"]
records = [
    {"id": i, "score": i / 7, "name": f"user-{i}", "tags": shared, "pair": [i, -i], "blob": b"x" * 40}
    for i in range(3_200_000)
]
with open(path, "wb") as f:
    pickle.dump(records, f, protocol=4)
del records
size_mb = os.path.getsize(path) / 1e6

probe = r'''
import json, pickle, sys
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
before = hwm()
with open(sys.argv[1], "rb") as f:
    obj = pickle.load(f)
print(json.dumps({"baseline_kib": before, "peak_kib": hwm()}))
'''
theirs = json.loads(subprocess.run([sys.executable, "-c", probe, path], check=True, capture_output=True, text=True).stdout)
subprocess.run(["cargo", "build", "--release", "-q", "-p", "pickle", "--example", "pickle_peak_memory"], check=True)
ours = json.loads(subprocess.run(["target/release/examples/pickle_peak_memory", path], check=True, capture_output=True, text=True).stdout)
t = (theirs["peak_kib"] - theirs["baseline_kib"]) / 1024
o = (ours["peak_kib"] - ours["baseline_kib"]) / 1024
print(f"| load a {size_mb:.0f} MB mixed pickle | {t:.0f} MiB | {o:.0f} MiB | {o / t:.2f} |")
os.remove(path)
