"""The malformed pickles of CPython's own test suite (test/pickletester.py).

Runs the AbstractUnpickleTests methods that feed bad data to the unpickler,
collecting every input they pass to check_unpickling_error, and prints one
JSON line per input: its hex, and the exception type and message CPython's C
unpickler gives for it.
"""
import json
import pickle
import unittest
from test import pickletester

collected = []


class Collect(pickletester.AbstractUnpickleTests, unittest.TestCase):
    bad_stack_errors = (Exception,)
    truncated_errors = (Exception,)

    def loads(self, data, **kwargs):
        return pickle.loads(data, **kwargs)

    def check_unpickling_error(self, errors, data):
        collected.append(data)


names = [
    n for n in dir(Collect)
    if n.startswith("test_")
    and any(k in n for k in ("bad", "truncated", "negative", "large_32b", "badly", "correctly"))
]
with open("/dev/null", "w") as quiet:
    unittest.TextTestRunner(stream=quiet).run(unittest.TestSuite(Collect(n) for n in names))
for data in collected:
    try:
        pickle.loads(data)
        error = ["OK", ""]
    except Exception as e:
        error = [type(e).__name__, str(e)]
    print(json.dumps({"data": data.hex(), "error": error[0], "message": error[1]}))
