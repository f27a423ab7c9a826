"""Random Python values of every built-in kind, and their JSON encoding.

This is the Python half of the oracle harness the pyobj integration tests use
(the Rust half is tests/support/mod.rs, whose `build` decodes the encoding onto
a Heap). A test asks python3 for values and for what CPython says about them
(repr, hash, ...), rebuilds each value on a Heap, and compares.

Command line (one JSON object per line on stdout):

    python3 values.py SEED COUNT [OP ...]

prints COUNT records {"v": <encoding>, "<op>": <result>, ...} for the values
generate(SEED, COUNT) gives. Each OP is one of OPS ("repr", "hash"); its
result is the string (repr) or int (hash) CPython computes, or
{"error": "<ExceptionName>"} when CPython raises (hash of a list, repr of an
int over 4300 digits, ...). Run it with PYTHONHASHSEED=0 so str/bytes hashes
are reproducible (support::python does).

From other scripts (support::python puts this folder on PYTHONPATH):

    import values
    for v in values.generate(seed, 100): print(json.dumps(values.encode(v)))
    values.gen_hashable(random.Random(1))   # one value usable as a dict key

Encoding (every container has an "id", unique within one encoded value):

    {"t":"none"}                  {"t":"bool","v":true}
    {"t":"int","v":"-123"}        decimal string, any size
    {"t":"float","v":"0x1.8p+1"}  float.hex(), or "nan", "inf", "-inf"
    {"t":"complex","re":<float.hex>,"im":<float.hex>}
    {"t":"str","v":[code points]} lone surrogates included
    {"t":"bytes","v":"<hex>"}     {"t":"bytearray","v":"<hex>"}
    {"t":"tuple","id":N,"v":[...]}     {"t":"list","id":N,"v":[...]}
    {"t":"dict","id":N,"v":[[k,v],...]}
    {"t":"set","id":N,"v":[...]}       {"t":"frozenset","id":N,"v":[...]}
    {"t":"ref","id":N}            a later occurrence of container N (sharing
                                  and cycles; N may still be being encoded)

Set, frozenset and dict items are listed in CPython's iteration order, so a
heap that builds them by inserting in that order (pyobj sets keep insertion
order) prints them in the order CPython does.

Cycles only run through lists and dicts (and tuples reached from them), as in
real Python: a hashable value never contains itself. The generator is
deterministic for a given seed and Python version.

Caveats for test writers:
  - A nan encodes as "nan": its sign and payload are dropped (repr never
    shows them). CPython 3.11's hash(nan) depends on the object's id, so a
    hash answer for a value holding a nan cannot be reproduced; skip those.
  - Some ints are past 4300 decimal digits on purpose, so some repr answers
    are {"error": "ValueError"}.
  - Values are of the built-in kinds only; no instances, classes or functions.
"""

import json
import math
import random
import struct
import sys

OPS = ("repr", "hash")

# Floats whose repr or hash sits on an edge: signed zeros, the extremes of
# each binade class, the 1e16 and 1e-4 switch points of repr's layout, halves.
SPECIAL_FLOATS = [
    0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.0, 0.1, 0.2, 0.3, 1 / 3, 2 / 3,
    math.pi, math.e, math.inf, -math.inf, math.nan,
    5e-324, -5e-324, 1e-323, 2.225073858507201e-308, 2.2250738585072014e-308,
    1.7976931348623157e308, -1.7976931348623157e308,
    1e16, 1e15, 9999999999999998.0, 1e17, 123456789012345678.0,
    1e-4, 1e-5, 0.0001, 0.00012345, 9.999999999999999e-05,
    1e22, 1e23, 2.0 ** 52, 2.0 ** 53, 2.0 ** 53 + 2, 2.0 ** 63, 2.0 ** 64,
    -(2.0 ** 63), 2.0 ** 61 - 1, 2.0 ** 61, 2.0 ** 1023, 1e300, 1e-300,
    0.1 + 0.2, 100.0, 1e100, 123.0, -123.456, 4.35, 0.3e-10,
]

# Code points that test repr's escaping: quotes, backslash, C0/C1 controls,
# DEL, NBSP and the soft hyphen (non-printable), line/paragraph separators,
# BOM, private use, noncharacters, surrogates, astral, the very last point.
SPECIAL_CODE_POINTS = [
    0x27, 0x22, 0x5C, 0x00, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B,
    0x1F, 0x20, 0x7E, 0x7F, 0x80, 0x85, 0x9F, 0xA0, 0xAD, 0xFF, 0x100, 0x34F,
    0x378, 0x61C, 0x200B, 0x200E, 0x2028, 0x2029, 0x202F, 0x3000, 0xD7FF,
    0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000, 0xF8FF, 0xFEFF, 0xFFFD, 0xFFFE,
    0xFFFF, 0x10000, 0x1F600, 0x1F926, 0xE0001, 0xE0100, 0xF0000, 0x10FFFD,
    0x10FFFF,
]


def random_float(rng):
    """A float from a mix of distributions that reach every binade."""
    r = rng.random()
    if r < 0.15:
        return rng.choice(SPECIAL_FLOATS)
    if r < 0.45:
        # Uniform bit patterns: every exponent, nans with payloads and signs.
        return struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
    if r < 0.55:
        # Subnormals.
        bits = rng.getrandbits(52) | (rng.getrandbits(1) << 63)
        return struct.unpack("<d", struct.pack("<Q", bits))[0]
    if r < 0.70:
        # Short decimals, the common case in real data.
        return round(rng.uniform(-1000, 1000), rng.randrange(0, 6))
    if r < 0.80:
        # Integral values, including past 2**53 where not all are exact.
        return float(rng.randrange(-(2 ** rng.randrange(1, 70)), 2 ** rng.randrange(1, 70)))
    if r < 0.90:
        # Around repr's layout switch points.
        return rng.choice([1e16, 1e-4, 1e15, 1e-5]) * rng.uniform(0.9, 1.1)
    return rng.uniform(-1, 1) * 10.0 ** rng.randrange(-320, 309)


def random_int(rng):
    r = rng.random()
    if r < 0.4:
        return rng.randrange(-300, 300)
    if r < 0.55:
        b = rng.choice([31, 32, 63, 64, 127, 128])
        return rng.choice([2 ** b - 1, 2 ** b, 2 ** b + 1, -(2 ** b) - 1, -(2 ** b), -(2 ** b) + 1])
    if r < 0.75:
        return rng.randrange(-(2 ** 64), 2 ** 64)
    if r < 0.97:
        n = rng.getrandbits(rng.randrange(64, 3000))
        return -n if rng.random() < 0.5 else n
    if r < 0.985:
        # Either side of CPython's 4300-digit int-to-str limit.
        n = 10 ** rng.choice([4299, 4300]) - rng.choice([0, 1])
        return -n if rng.random() < 0.5 else n
    n = rng.getrandbits(rng.randrange(14000, 20000))
    return -n if rng.random() < 0.5 else n


def random_code_point(rng):
    r = rng.random()
    if r < 0.45:
        return rng.randrange(0x20, 0x7F)
    if r < 0.6:
        return rng.choice(SPECIAL_CODE_POINTS)
    if r < 0.7:
        return rng.randrange(0, 0x100)
    if r < 0.85:
        return rng.randrange(0x100, 0x10000)
    if r < 0.9:
        return rng.randrange(0xD800, 0xE000)
    return rng.randrange(0x10000, 0x110000)


def random_str(rng):
    n = rng.choice([0, 1, 1, 2, 3, 5, 8, 13, 30])
    return "".join(chr(random_code_point(rng)) for _ in range(n))


def random_bytes(rng):
    n = rng.choice([0, 1, 2, 3, 5, 8, 20])
    pool = b"'\"\\\t\n\r\x00\x7f\x80\xff abcXYZ019"
    return bytes(
        rng.choice(pool) if rng.random() < 0.5 else rng.randrange(256) for _ in range(n)
    )


def random_scalar(rng, hashable=True):
    kind = rng.choice(["none", "bool", "int", "int", "float", "float", "complex", "str", "str", "bytes"]
                      + ([] if hashable else ["bytearray"]))
    if kind == "none":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return random_int(rng)
    if kind == "float":
        return random_float(rng)
    if kind == "complex":
        return complex(random_float(rng), random_float(rng))
    if kind == "str":
        return random_str(rng)
    if kind == "bytes":
        return random_bytes(rng)
    return bytearray(random_bytes(rng))


def gen_hashable(rng, depth=0):
    """One hashable value: a scalar, or a tuple/frozenset of hashables."""
    r = rng.random()
    if depth >= 3 or r < 0.75:
        return random_scalar(rng, hashable=True)
    items = [gen_hashable(rng, depth + 1) for _ in range(rng.randrange(0, 4))]
    if r < 0.9:
        return tuple(items)
    return frozenset(items)


class _Gen:
    def __init__(self, rng, max_depth):
        self.rng = rng
        self.max_depth = max_depth
        # Containers made so far, to share: any kind, and hashable ones.
        self.shared = []
        self.shared_hashable = []
        self.mutable = []

    def value(self, depth):
        rng = self.rng
        if self.shared and rng.random() < 0.05:
            return rng.choice(self.shared)
        if depth >= self.max_depth or rng.random() < 0.45:
            return random_scalar(rng, hashable=False)
        kind = rng.choice(["tuple", "list", "list", "dict", "dict", "set", "frozenset"])
        n = rng.choice([0, 1, 1, 2, 3, 4, 6])
        if kind == "tuple":
            v = tuple(self.value(depth + 1) for _ in range(n))
        elif kind == "list":
            v = []
            # Registered before filling, so an item may be the list itself.
            self.shared.append(v)
            self.mutable.append(v)
            v.extend(self.value(depth + 1) for _ in range(n))
            return v
        elif kind == "dict":
            v = {}
            self.shared.append(v)
            self.mutable.append(v)
            for _ in range(n):
                v[self.key(depth + 1)] = self.value(depth + 1)
            return v
        elif kind == "set":
            v = set(self.key(depth + 1) for _ in range(n))
        else:
            v = frozenset(self.key(depth + 1) for _ in range(n))
        self.shared.append(v)
        if _is_hashable(v):
            self.shared_hashable.append(v)
        return v

    def key(self, depth):
        if self.shared_hashable and self.rng.random() < 0.1:
            return self.rng.choice(self.shared_hashable)
        v = gen_hashable(self.rng, depth)
        if isinstance(v, (tuple, frozenset)):
            self.shared_hashable.append(v)
        return v

    def add_cycles(self):
        """Points some lists and dicts back at containers made earlier,
        including their own ancestors and tuples that contain them."""
        rng = self.rng
        for container in self.mutable:
            if rng.random() < 0.15 and self.shared:
                target = rng.choice(self.shared)
                if isinstance(container, list):
                    container.insert(rng.randrange(len(container) + 1), target)
                else:
                    container[random_scalar(rng)] = target


def _is_hashable(v):
    try:
        hash(v)
    except TypeError:
        return False
    return True


def generate(seed, count, max_depth=4):
    """`count` random values (a list), deterministic for `seed`."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        gen = _Gen(rng, max_depth)
        v = gen.value(0)
        gen.add_cycles()
        out.append(v)
    return out


def _float_code(x):
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x.hex()


def encode(value):
    """The tagged JSON-ready encoding of `value` (see the module docstring)."""
    ids = {}
    # Large ints are allowed here even past the str conversion limit.
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return _encode(value, ids)
    finally:
        sys.set_int_max_str_digits(limit)


def _encode(v, ids):
    # Recursive: generated values are shallow, and cycles end at refs.
    t = type(v)
    if v is None:
        return {"t": "none"}
    if t is bool:
        return {"t": "bool", "v": v}
    if t is int:
        return {"t": "int", "v": str(v)}
    if t is float:
        return {"t": "float", "v": _float_code(v)}
    if t is complex:
        return {"t": "complex", "re": _float_code(v.real), "im": _float_code(v.imag)}
    if t is str:
        return {"t": "str", "v": [ord(c) for c in v]}
    if t is bytes:
        return {"t": "bytes", "v": v.hex()}
    if t is bytearray:
        return {"t": "bytearray", "v": v.hex()}
    kind = {tuple: "tuple", list: "list", dict: "dict", set: "set", frozenset: "frozenset"}.get(t)
    if kind is None:
        raise TypeError("cannot encode %r" % t)
    if id(v) in ids:
        return {"t": "ref", "id": ids[id(v)]}
    n = len(ids) + 1
    ids[id(v)] = n
    if kind == "dict":
        items = [[_encode(k, ids), _encode(x, ids)] for k, x in v.items()]
    else:
        items = [_encode(x, ids) for x in v]
    return {"t": kind, "id": n, "v": items}


def apply(op, value):
    """CPython's answer for `op` on `value`, or {"error": name} if it raises."""
    try:
        if op == "repr":
            return repr(value)
        if op == "hash":
            return hash(value)
    except Exception as e:  # noqa: BLE001 - the exception is the answer
        return {"error": type(e).__name__}
    raise ValueError("unknown op %r" % op)


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: values.py SEED COUNT [OP ...]   (OP in %s)" % ", ".join(OPS))
    seed, count, ops = int(argv[1]), int(argv[2]), argv[3:]
    for op in ops:
        if op not in OPS:
            sys.exit("unknown op %r; known: %s" % (op, ", ".join(OPS)))
    out = sys.stdout
    for v in generate(seed, count):
        record = {"v": encode(v)}
        for op in ops:
            record[op] = apply(op, v)
        out.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    # Cycles end at refs and generated values are shallow, but a chain of
    # shared containers can still nest deeper than the default 1000 frames
    # in _encode and json.dumps.
    sys.setrecursionlimit(10000)
    main(sys.argv)
