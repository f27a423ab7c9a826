"""Writes the hostile corpus replayed by crates/pickle/tests/hostile.rs.

Each file is named <case>.<expected> where <expected> is what loading it with
default options must give: an error kind (truncated, limit, unpickling,
unsafe, value, type, ...), or "ok" for inputs that load (and whose repr,
==, hash, deepcopy and re-pickling must then stay bounded).

Usage: python3 crates/pickle/tests/hostile/make.py
"""
import os
import pickle
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
P4 = b"\x80\x04"


def frame(body):
    return P4 + b"\x95" + struct.pack("<Q", len(body)) + body


def reference_bomb(levels, opener, closer):
    # Level 0 is a str; each level is a container holding the previous
    # level twice (a memo GET): 2**levels leaves from ~10*levels bytes.
    out = bytearray(P4 + b"\x8c\x04leaf\x94")
    for i in range(levels):
        out += opener + b"h" + bytes([i]) + b"h" + bytes([i]) + closer
        # Memoized once per level, so level i is memo index i.
        if b"\x94" not in opener:
            out += b"\x94"
    return bytes(out) + b"."


def dict_bomb(levels):
    # {1: x, 2: x} at each level over the level below.
    out = bytearray(P4 + b"\x8c\x04leaf\x94")
    for i in range(levels):
        out += b"}\x94(K\x01h" + bytes([i]) + b"K\x02h" + bytes([i]) + b"u"
    return bytes(out) + b"."


CASES = {
    # Declared lengths far beyond the data: never allocated.
    # Past the allocation budget (4 GiB by default): refused before reading.
    "binbytes8_2e60": (P4 + b"\x8e" + struct.pack("<Q", 1 << 60) + b"abc", "limit"),
    "binunicode8_2e60": (P4 + b"\x8d" + struct.pack("<Q", 1 << 60) + b"abc", "limit"),
    "bytearray8_2e60": (b"\x80\x05\x96" + struct.pack("<Q", 1 << 60) + b"abc", "limit"),
    "binbytes8_1tib": (P4 + b"\x8e" + struct.pack("<Q", (1 << 40)) + b"x", "limit"),
    # Within the budget but beyond the data: truncated.
    "binbytes_4gib": (b"\x80\x03B\xff\xff\xff\xffabc", "truncated"),
    "binstring_2gib": (b"T\xff\xff\xff\x7fabc", "truncated"),
    "long4_2gib": (b"\x80\x02\x8b\xff\xff\xff\x7f\x01", "truncated"),
    "frame_2e60": (P4 + b"\x95" + struct.pack("<Q", 1 << 60) + b"N.", "truncated"),
    # Memo abuse.
    "long_binput_max": (b"\x80\x02Nr\xff\xff\xff\xff.", "ok"),
    "long_binget_missing": (b"\x80\x02Nr\xff\xff\xff\xffj\xfe\xff\xff\xff.", "unpickling"),
    "put_huge_decimal": (b"Np99999999999999999999\n.", "overflow"),
    "put_far_index": (b"Np9999999999\n.", "ok"),
    "get_negative": (b"Ng-1\n.", "unpickling"),
    # Stack and MARK abuse.
    "mark_flood": (b"(" * 100_000 + b".", "limit"),
    "stop_on_empty": (b".", "unpickling"),
    "pop_mark_without_mark": (b"\x80\x02N1.", "unpickling"),
    "setitems_odd": (b"\x80\x02}(K\x01u.", "unpickling"),
    "append_to_int": (b"\x80\x02K\x01K\x02a.", "attribute"),
    "build_on_int": (b"\x80\x02K\x01}b.", "attribute"),
    "reduce_non_callable": (b"\x80\x02K\x01)R.", "type"),
    "newobj_non_class": (b"\x80\x02K\x01)\x81.", "unpickling"),
    # Code execution attempts: refused by the strict resolver.
    "global_os_system": (b"cos\nsystem\n(S'echo pwned'\ntR.", "unsafe"),
    "stack_global_eval": (P4 + b"\x8c\x08builtins\x8c\x04eval\x93\x8c\x041+1\x85R.", "unsafe"),
    "inst_subprocess": (b"(S'id'\nisubprocess\ncheck_output\n.", "unsafe"),
    "ext_unregistered": (b"\x80\x02\x82\x01.", "value"),
    # Reference bombs: tiny pickles, exponential trees.
    "list_bomb_100": (reference_bomb(100, b"]\x94(", b"e"), "ok"),
    "tuple_bomb_100": (reference_bomb(100, b"(", b"t"), "ok"),
    "dict_bomb_60": (dict_bomb(60), "ok"),
    # Hash flooding: 3,000 different ints that all hash to 0.
    "int_hash_flood_3000": (pickle.dumps({k * (2**61 - 1): 0 for k in range(1, 3001)}, 2), "value"),
    # Deep structures in a few bytes each.
    "nested_empty_lists_100k": (b"\x80\x02" + b"]" * 100_000 + b"a" * 99_999 + b".", "ok"),
    "framed_deep_tuple": (frame(b"(" * 5000 + b"t" * 5000 + b"."), "ok"),
}


def main():
    for name in os.listdir(HERE):
        if "." in name and not name.endswith(".py"):
            os.remove(os.path.join(HERE, name))
    for name, (data, expected) in CASES.items():
        with open(os.path.join(HERE, f"{name}.{expected}"), "wb") as f:
            f.write(data)
    print(f"{len(CASES)} hostile inputs in {HERE}")


if __name__ == "__main__":
    main()
