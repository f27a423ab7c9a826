"""Every side-by-side comparison in one run, printing the tables that
docs/performance.md records:

1. loads/dumps against CPython's C _pickle (and serde-pickle), with the
   large-payload memcpy floor      crates/pickle/benches/compare_cpython.py
2. deepcopy against copy.deepcopy  crates/reduce/benches/compare_deepcopy.py
3. bytes per object and heap speed crates/pyobj/benches/compare_cpython.py
4. from_slice/to_vec against serde-pickle (examples/serde_timings)
5. peak memory after loading a 200 MB pickle (only with --memory: it needs
   about 5 GB of RAM and several minutes)

Usage (from the workspace root):  python3 scripts/compare.py [--memory]
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(title, command):
    print(f"\n## {title}\n", flush=True)
    subprocess.run(command, cwd=ROOT, check=True)


def main():
    py = sys.executable
    run("Pickling", [py, "crates/pickle/benches/compare_cpython.py"])
    run("Copying", [py, "crates/reduce/benches/compare_deepcopy.py"])
    run("The object heap", [py, "crates/pyobj/benches/compare_cpython.py"])
    run("Typed access against serde-pickle",
        ["cargo", "run", "--release", "-q", "-p", "pickle", "--features", "serde", "--example", "serde_timings"])
    if "--memory" in sys.argv:
        run("Peak memory", [py, "crates/pickle/benches/compare_memory.py"])


if __name__ == "__main__":
    main()
