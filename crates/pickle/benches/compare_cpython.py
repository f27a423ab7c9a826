"""loads/dumps of this crate against CPython 3.11's C _pickle, on the same bytes.

Usage (from the workspace root):  python3 crates/pickle/benches/compare_cpython.py

Writes each workload with CPython into a temporary folder, times
pickle.loads / pickle.dumps there (best of at least ROUNDS rounds, more
for short workloads; each result is freed after the clock stops), runs
`cargo run --release -p pickle --example pickle_timings` on the same files, and
prints a Markdown table of times and ratios (CPython / ours: above 1 means we
are faster) with their geometric means. serde-pickle's times (taken by
pickle_timings too) are marked "lossy" where its re-dump, loaded by CPython,
is not equal to the original: its value model replaces what it cannot
represent (pyperformance's DICT holds a datetime.date, which it loads and
writes as None), so it timed another object.

Dumps are timed as CPython's are, on both Rust sides: one loaded object
dumped again and again. Each side's dump right after its own fresh load
(colder caches: ours follows a new heap, registry and load) is timed too,
and the rows where serde-pickle's is faster are listed after the table,
with our dump right after a load into one long-lived heap beside them.
"""
import datetime
import json
import math
import os
import pickle
import random
import subprocess
import sys
import tempfile
import time

ROUNDS = 5


def pyperformance_like():
    # The shape of pyperformance's bm_pickle data: a user-profile dict, a
    # tuple of mixed scalars, and a grouped dict.
    profile = {
        "name": "Ada Lovelace", "email": "ada@example.org", "age": 36,
        "active": True, "score": 98.6, "tags": ["math", "engines", "poetry"],
        "friends": [{"name": f"f{i}", "id": i} for i in range(10)],
    }
    return {
        "profile_list": [dict(profile, id=i) for i in range(2000)],
        "tuples": [(i, float(i) / 3, str(i), None, True) for i in range(20000)],
        "grouped": {f"group{g}": [f"member{g}-{i}" for i in range(50)] for g in range(400)},
    }


def pyperformance():
    """pyperformance's own bm_pickle data (its `DICT`, `TUPLE`, `DICT_GROUP`,
    and the `LIST` and `MICRO_DICT` of its list and dict variants), each
    pickled and loaded as one small object, as that benchmark does."""
    profile = {
        "ads_flags": 0, "age": 18, "birthday": datetime.date(1980, 5, 7),
        "bulletin_count": 0, "comment_count": 0, "country": "BR",
        "encrypted_id": "G9urXXAJwjE", "favorite_count": 9, "first_name": "",
        "flags": 412317970704, "friend_count": 0, "gender": "m",
        "gender_for_display": "Male", "id": 302935349,
        "is_custom_profile_icon": 0, "last_name": "",
        "locale_preference": "pt_BR", "member": 0,
        "tags": ["a", "b", "c", "d", "e", "f", "g"],
        "profile_foo_id": 827119638,
        "secure_encrypted_id": "Z_xxx2dYx3t4YAdnmfgyKw", "session_number": 2,
        "signup_id": "201-19225-223", "status": "A", "theme": 1,
        "time_created": 1225237014, "time_updated": 1233134493,
        "unread_message_count": 0, "user_group": "0",
        "username": "collinwinter", "play_count": 9, "view_count": 7, "zip": "",
    }
    ids = [265867233, 265868503, 265252341, 265243910, 265879514, 266219766,
           266021701, 265843726, 265592821, 265246784, 265853180, 45526486,
           265463699, 265848143, 265863062, 265392591, 265877490, 265823665,
           265828884, 265753032]

    def mutated(source):
        # pyperformance's mutate_dict: every str key's value becomes the
        # str of a random float (seeded, so the same in every run).
        copy = dict(profile)
        for key in copy:
            value = source.random() * sys.maxsize
            if isinstance(key, (int, bytes, str)):
                copy[key] = type(key)(value)
        return copy

    source = random.Random(5)
    return {
        "pyperf_dict": profile,
        "pyperf_tuple": (ids, 60),
        "pyperf_dict_group": [mutated(source) for _ in range(3)],
        "pyperf_list": [[list(range(10)), list(range(10))] for _ in range(10)],
        "pyperf_micro_dict": {key: dict.fromkeys(range(10)) for key in range(100)},
    }


class Record:
    """A plain class with three attributes: instances pickle as NEWOBJ + BUILD."""

    def __init__(self, i):
        self.id = i
        self.name = f"rec{i}"
        self.score = i / 7


def workloads():
    w = pyperformance()
    w.update(pyperformance_like())
    # Instances load through stand-ins on our side (the class is unknown to
    # the Rust program), which re-pickle to the same bytes.
    w["instances_100k"] = [Record(i) for i in range(100_000)]
    w["ints_1M"] = list(range(1_000_000))
    w["strs_1M"] = [f"s{i}" for i in range(1_000_000)]
    w["dict_str_int_1M"] = {f"k{i}": i for i in range(1_000_000)}
    shared = [[i] for i in range(1000)]
    graph = [shared[i % 1000] for i in range(100_000)]
    graph.append(graph)
    w["shared_cyclic_graph"] = graph
    w["bytes_100MB"] = b"\x00" * (100 * 1024 * 1024)
    # Large text: ASCII, and UTF-8 of two- to four-byte characters (its
    # load validates every byte).
    w["str_100MB"] = "x" * (100 * 1024 * 1024)
    w["str_utf8_100MB"] = "é€😀x" * (100 * 1024 * 1024 // 10)
    return w


def rounds_for(fn):
    """At least ROUNDS, and enough to fill about a quarter of a second (at
    most 20,000), as the Rust side chooses: short workloads need many samples
    for a stable minimum."""
    start = time.perf_counter()
    value = fn()
    once = max(time.perf_counter() - start, 1e-6)
    del value
    return max(ROUNDS, min(20_000, int(0.25 / once)))


def best(fn):
    result = float("inf")
    for _ in range(rounds_for(fn)):
        start = time.perf_counter()
        value = fn()
        result = min(result, time.perf_counter() - start)
        # Freed outside the timed part, as the Rust side drops its heap
        # after the clock stops.
        del value
    return result


def serde_faithful(path):
    """Whether serde-pickle's re-dump of `path` (written next to it by
    pickle_timings) loads in CPython to a value equal to the original."""
    try:
        with open(path + ".serde", "rb") as f:
            theirs = pickle.load(f)
    except (OSError, pickle.UnpicklingError):
        return False
    with open(path, "rb") as f:
        original = pickle.load(f)
    return theirs == original


def main():
    folder = tempfile.mkdtemp()
    files, theirs = [], {}
    for name, value in workloads().items():
        # Protocol 0 (text opcodes) for the legacy paths, on the two
        # pyperformance-shaped workloads; 2, 4 and 5 for everything.
        protocols = (0, 2, 4, 5) if name in ("profile_list", "tuples") else (2, 4, 5)
        for protocol in protocols:
            if name.endswith("_100MB") and protocol == 2:
                continue
            data = pickle.dumps(value, protocol)
            path = os.path.join(folder, f"{name}.p{protocol}.pickle")
            with open(path, "wb") as f:
                f.write(data)
            loaded = pickle.loads(data)
            theirs[path] = (best(lambda: pickle.loads(data)), best(lambda: pickle.dumps(loaded, protocol)))
            files.append(path)
    out = subprocess.run(
        ["cargo", "run", "--release", "-q", "-p", "pickle", "--example", "pickle_timings", str(ROUNDS)] + files,
        check=True, capture_output=True, text=True,
    ).stdout
    ours = {row["file"]: row for row in map(json.loads, out.splitlines())}
    print(f"CPython {sys.version.split()[0]}, best of at least {ROUNDS} rounds (more for short workloads, up to 20,000, to fill 0.25 s)\n")
    print("| workload | protocol | CPython loads ms | ours loads ms (fresh heap) | ratio | ours loads ms (warm heap) | ratio | CPython dumps ms | ours dumps ms | dumps ratio | identical bytes | serde-pickle loads ms | serde-pickle dumps ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    load_ratios, warm_ratios, dump_ratios = [], [], []
    serde_faster = []
    serde_faster_after_load = []
    serde_lossy = []
    # Sub-millisecond rows get three significant digits (pyperformance's
    # objects take a fraction of a microsecond), so close rows stay apart.
    ms = lambda seconds: f"{seconds*1e3:.3g}" if seconds < 1e-3 else f"{seconds*1e3:.2f}"
    for path in files:
        name, protocol = os.path.basename(path).rsplit(".", 2)[0:2]
        tl, td = theirs[path]
        ol, od = ours[path]["loads_ns"] / 1e9, ours[path]["dumps_ns"] / 1e9
        ow = ours[path]["warm_loads_ns"] / 1e9
        load_ratios.append(tl / ol)
        warm_ratios.append(tl / ow)
        dump_ratios.append(td / od)
        sl, sd = ours[path]["serde_loads_ns"], ours[path]["serde_dumps_ns"]
        # serde-pickle writes protocols 2 and 3 only: no protocol 0 dumps.
        can_write = protocol[1:] != "0"
        if sl is None:
            serde = "cannot load | –"
        elif not serde_faithful(path):
            # Its value model replaced something it cannot represent (an
            # unknown global such as datetime.date becomes None): it loaded
            # and wrote another object, so its times are not this workload's.
            serde = f"lossy ({ms(sl/1e9)}) | lossy ({ms(sd/1e9) if can_write else 'cannot write'})"
            serde_lossy.append(f"{name} p{protocol[1:]}")
        else:
            serde = f"{ms(sl/1e9)} | {ms(sd/1e9) if can_write else 'cannot write'}"
            serde_faster += [f"{name} p{protocol[1:]} {what}" for what, theirs_ns, ours_s, comparable in
                             (("loads", sl, ol, True), ("dumps", sd, od, can_write))
                             if comparable and theirs_ns / 1e9 < ours_s]
            # Each side's dump right after its own fresh load (ours after a
            # new heap and registry too): colder caches than the repeated
            # dumps above, which are timed as CPython's are.
            sa, oa = ours[path]["serde_dumps_after_load_ns"], ours[path]["dumps_after_load_ns"]
            ow_after = ours[path]["dumps_after_warm_load_ns"]
            if can_write and sa < oa:
                serde_faster_after_load.append(
                    f"{name} p{protocol[1:]} ({oa:.0f} against {sa:.0f} ns; ours after a load into the long-lived heap {ow_after:.0f})")
        print(f"| {name} | {protocol[1:]} | {ms(tl)} | {ms(ol)} | {tl/ol:.2f} | {ms(ow)} | {tl/ow:.2f} | {ms(td)} | {ms(od)} | {td/od:.2f} | {ours[path]['identical']} | {serde} |")
    geo = lambda xs: math.exp(sum(map(math.log, xs)) / len(xs))
    print(f"\ngeometric mean ratio: loads {geo(load_ratios):.2f} (fresh heap), {geo(warm_ratios):.2f} (warm heap); dumps {geo(dump_ratios):.2f}")
    print(f"rows below 1: loads fresh {sum(r < 1 for r in load_ratios)}, warm {sum(r < 1 for r in warm_ratios)}, dumps {sum(r < 1 for r in dump_ratios)}")
    print(f"serde-pickle faster (its loads against our fresh-heap loads): {', '.join(serde_faster) or 'nowhere'}")
    print(f"serde-pickle dumps faster right after a fresh load (each side's own): {', '.join(serde_faster_after_load) or 'nowhere'}")
    print(f"serde-pickle lossy (its re-dump, loaded by CPython, differs from the original): {', '.join(serde_lossy) or 'nowhere'}")
    print("\nlarge payloads against a plain copy of the same size (fresh buffer + memcpy):\n")
    print("| workload | protocol | memcpy ms | ours loads ms | loads / memcpy | ours dumps ms | dumps / memcpy |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for path in files:
        if "_100MB" not in path:
            continue
        name, protocol = os.path.basename(path).rsplit(".", 2)[0:2]
        row = ours[path]
        copy, ol, od = row["memcpy_ns"] / 1e6, row["loads_ns"] / 1e6, row["dumps_ns"] / 1e6
        print(f"| {name} | {protocol[1:]} | {copy:.2f} | {ol:.2f} | {ol/copy:.2f} | {od:.2f} | {od/copy:.2f} |")


if __name__ == "__main__":
    main()
