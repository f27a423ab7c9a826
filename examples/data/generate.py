"""Writes sample.pickle, the built-in example the README's first command shows.

Run from this folder with CPython 3.11:  python3 generate.py
It holds what real pickles hold: built-in values with shared references and
a cycle, standard-library objects, and an instance of an application class
that `pkl` has never heard of (it becomes an inert stand-in).
"""
import collections
import datetime
import decimal
import pickle
import sys
import types

# An application module the reader of the pickle does not have.
app = types.ModuleType("inventory")
sys.modules["inventory"] = app


class Item:
    def __init__(self, sku, price, tags):
        self.sku = sku
        self.price = price
        self.tags = tags


Item.__module__ = "inventory"
app.Item = Item

tags = ["tools", "garden"]
rake = Item("RK-100", decimal.Decimal("19.99"), tags)
hoe = Item("HO-200", decimal.Decimal("24.50"), tags)  # shares the tag list
catalog = {
    "name": "Garden supplies",
    "updated": datetime.datetime(2026, 11, 22, 9, 30),
    "items": [rake, hoe],
    "counts": collections.Counter({"RK-100": 3, "HO-200": 1}),
    "ratio": 0.125,
    "raw": b"\x00\x01binary",
    "ids": {101, 102},
}
catalog["self"] = catalog  # a cycle

with open("sample.pickle", "wb") as f:
    pickle.dump(catalog, f, protocol=4)
