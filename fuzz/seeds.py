"""Writes the fuzzers' seed pickles into fuzz/seeds/: CPython's own output
for varied values at every protocol, Python 2 style pickles, the DATA blobs
of CPython's test/pickletester.py, and standard-library and unknown-class
objects (stand-ins, REDUCE, NEWOBJ, NEWOBJ_EX, BUILD, persistent ids,
out-of-band buffers).

Usage (from the workspace root):  python3 fuzz/seeds.py
"""
import collections
import datetime
import decimal
import fractions
import hashlib
import io
import os
import pickle
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "crates", "oracle", "python"))
import values  # noqa: E402
from test import pickletester  # noqa: E402


class Plain:
    def __init__(self, x):
        self.x = x


class Slotted:
    __slots__ = ("a", "b")


class KwOnly:
    def __new__(cls, *, k):
        o = object.__new__(cls)
        o.k = k
        return o

    def __getnewargs_ex__(self):
        return ((), {"k": self.k})


class Reduced:
    def __reduce__(self):
        return (Reduced, (), {"state": [1, 2]}, iter([1]), iter([("k", "v")]))

    def append(self, x):
        pass

    def __setitem__(self, k, v):
        pass


class WithPid(pickle.Pickler):
    def persistent_id(self, obj):
        return ("blob", 1) if obj == "external" else None


def objects():
    s = Slotted()
    s.a = [1, 2]
    p = Plain(None)
    p.x = p
    yield [p, s, KwOnly(k=3), Reduced()]
    yield [collections.OrderedDict(a=1), collections.deque([1], maxlen=3),
           collections.defaultdict(list, k=[1]), collections.Counter("abca")]
    yield [datetime.datetime(2024, 2, 29, 1, 2, 3, 4, datetime.timezone.utc),
           datetime.date(1, 1, 1), datetime.timedelta(-1, 5),
           decimal.Decimal("-1.5e3"), fractions.Fraction(-3, 7), uuid.UUID(int=1)]
    cyc = []
    cyc.append((cyc, {1: cyc}))
    yield cyc
    yield {frozenset({1, 2}): {3, 4}, (1, 2.5, 3j): bytearray(b"\x00\xff"), b"k": "\udc80"}


def main():
    out = os.path.join(HERE, "seeds")
    os.makedirs(out, exist_ok=True)
    blobs = []
    for v in values.generate(7, 40, max_depth=3):
        for proto in range(6):
            blobs.append(pickle.dumps(v, proto))
    for v in objects():
        for proto in range(6):
            try:
                blobs.append(pickle.dumps(v, proto))
            except (TypeError, pickle.PicklingError):
                pass  # e.g. __slots__ without __getstate__ below protocol 2
    for proto in range(6):
        f = io.BytesIO()
        WithPid(f, proto).dump(["external", "inline"])
        blobs.append(f.getvalue())
    buffers = []
    blobs.append(pickle.dumps([pickle.PickleBuffer(b"ro"), pickle.PickleBuffer(bytearray(b"rw"))],
                              5, buffer_callback=buffers.append))
    for name in dir(pickletester):
        if name.startswith("DATA") and isinstance(getattr(pickletester, name), bytes):
            blobs.append(getattr(pickletester, name))
    # Python 2 spellings: STRING/BINSTRING, copy_reg and __builtin__ names.
    blobs += [
        b"S'abc'\np0\n.",
        b"(lp0\nS'\\xe9'\np1\naI1\naL5L\na.",
        b"\x80\x02c__builtin__\nset\nq\x00]q\x01(K\x01K\x02e\x85q\x02Rq\x03.",
        b"ccopy_reg\n_reconstructor\np0\n(c__main__\nC\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n.",
    ]
    for blob in blobs:
        name = hashlib.sha1(blob).hexdigest()[:16]
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)
    print(f"{len(set(blobs))} seeds in {out}")


if __name__ == "__main__":
    main()
