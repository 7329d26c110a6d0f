"""Python baselines for the corrections workbook benchmark (issue 14), run by scripts/bench-workbook.

  baseline.py write DIR OUT.xlsx       openpyxl, write-only mode: the same rows as ours (a sheet of plain headers and
                                       one row per building, and a hidden sheet of the values), from DIR/buildings.json
  baseline.py preview DIR WORKBOOK     pandas: read_excel of the corrections sheet, merge with DIR/buildings.json on
                                       item_key, compare every attribute column

Each prints one JSON line with the seconds of its main step (after loading buildings.json), like workbook-bench.
"""

import json
import sys
import time


def load_buildings(directory):
    with open(f"{directory}/buildings.json", encoding="utf-8") as f:
        buildings = json.load(f)["buildings"]
    for building in buildings:
        for key, value in building.items():
            if isinstance(value, dict) and "value" in value:
                building[key] = value["value"]
    return buildings


IDENTITY = ["item_key", "sheet_name", "sheet_row_number"]
SKIP = {"building_counter", "parsing_sheet_name", "extra", "custom_attrs"}


def attributes_of(buildings):
    seen = {}
    for building in buildings:
        for key in building:
            if key not in SKIP and key not in IDENTITY:
                seen.setdefault(key, None)
    return list(seen)


def write(directory, out):
    from openpyxl import Workbook

    buildings = load_buildings(directory)
    started = time.perf_counter()
    attributes = attributes_of(buildings)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Corrections")
    sheet.freeze_panes = "D2"
    sheet.append(["Item key", "Sheet", "Row"] + [name.replace("_", " ") for name in attributes])
    for building in buildings:
        sheet.append([building.get(key) for key in IDENTITY + attributes])
    data = workbook.create_sheet("SOV Updater data")
    data.sheet_state = "hidden"
    data.append(["attribute"] + IDENTITY + attributes)
    for building in buildings:
        data.append(["base"] + [building.get(key) for key in IDENTITY + attributes])
    workbook.save(out)
    print(json.dumps({"rows": len(buildings), "seconds": time.perf_counter() - started}))


def preview(directory, workbook):
    import pandas as pd

    buildings = load_buildings(directory)
    started = time.perf_counter()
    current = pd.DataFrame(buildings)
    edited = pd.read_excel(workbook, sheet_name="Corrections")
    # The column map from the hidden sheet's "header" and "attribute" records (ours reads that whole sheet).
    head = pd.read_excel(workbook, sheet_name="SOV Updater data", header=None, nrows=6)
    headers, names = head.iloc[4, 1:].tolist(), head.iloc[5, 1:].tolist()
    label_of = {label: name for label, name in zip(headers, names) if isinstance(label, str)}
    edited = edited.rename(columns=label_of)
    attributes = [name for name in label_of.values() if name not in IDENTITY]
    merged = edited.merge(current, on="item_key", how="left", suffixes=("_new", "_old"), indicator=True)
    changes = 0
    for name in attributes:
        new, old = merged[f"{name}_new"], merged[f"{name}_old"]
        # As ours: a number and its text ("398" and 398) are the same; text compared trimmed.
        new_number, old_number = pd.to_numeric(new, errors="coerce"), pd.to_numeric(old, errors="coerce")
        same_number = new_number.notna() & old_number.notna() & (new_number == old_number)
        same_text = new.astype(str).str.strip() == old.astype(str).str.strip()
        differs = new.notna() & ~(same_number | same_text)
        changes += int(differs.sum())
    unmatched = int((merged["_merge"] == "left_only").sum())
    print(json.dumps({"rows": len(edited), "changes": changes, "unmatched": unmatched,
                      "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"write": write, "preview": preview}[command](*args)
