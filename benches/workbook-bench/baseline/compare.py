"""The baseline for `workbook-bench compare`: json.load both revisions, index by item_key, compare every
attribute (an attribute object counts by its `value`, a number equal to its text as ours does), and sort the
changes into requested (confirmed / not applied) and derived. Prints one JSON line like ours.

Usage: compare.py DIR
"""

import json
import os
import sys
import time


def plain(value):
    if isinstance(value, dict):
        value = value.get("value")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return value.strip()
    if isinstance(value, bool):
        return value
    return float(value)


def same(left, right):
    """Numbers closer than 15 significant digits are the same number, as ours and spreadsheet programs say."""
    if isinstance(left, float) and isinstance(right, float):
        return abs(left - right) <= 1e-9 * max(abs(left), abs(right), 1.0)
    return left == right


IDENTITY = {"item_key", "building_counter", "sheet_name", "sheet_row_number", "parsing_sheet_name", "extra", "custom_attrs"}


def main():
    folder = sys.argv[1]
    started = time.perf_counter()
    with open(os.path.join(folder, "buildings.json")) as handle:
        before = {b["item_key"]: b for b in json.load(handle)["buildings"]}
    with open(os.path.join(folder, "revision-1.json")) as handle:
        after = {b["item_key"]: b for b in json.load(handle)["buildings"]}
    with open(os.path.join(folder, "requested.json")) as handle:
        asked = {(c["item_key"], c["attribute"]): plain(c["value"]) for c in json.load(handle)}
    confirmed = not_applied = derived = untouched = 0
    for (key, attribute), value in asked.items():
        if same(plain(after.get(key, {}).get(attribute)), value):
            confirmed += 1
        else:
            not_applied += 1
    for key, old in before.items():
        new = after.get(key)
        if new is None:
            continue
        changed = False
        for attribute in (set(old) | set(new)) - IDENTITY:
            if same(plain(old.get(attribute)), plain(new.get(attribute))):
                continue
            changed = True
            if (key, attribute) not in asked:
                derived += 1
        untouched += 0 if changed else 1
    seconds = time.perf_counter() - started
    print(json.dumps({"confirmed": confirmed, "not_applied": not_applied, "derived": derived, "untouched": untouched, "seconds": seconds}))


if __name__ == "__main__":
    main()
