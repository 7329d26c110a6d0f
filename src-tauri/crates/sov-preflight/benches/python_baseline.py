"""Python baseline for the pre-flight benchmark: read the file with the csv module and
check the same identity rule as sov-preflight (item_key, or sheet_name + a positive whole
sheet_row_number, filled on every row; no building targeted twice).

Usage: python3 python_baseline.py FILE   -> one JSON line with seconds, cpu_seconds, rows, errors, peak_rss_kb
"""
import csv
import json
import resource
import sys
import time


def check(path):
    errors = 0
    rows = 0
    seen = set()
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [name.strip().lower() for name in next(reader)]
        item_key = header.index("item_key") if "item_key" in header else None
        sheet = header.index("sheet_name") if "sheet_name" in header else None
        sheet_row = header.index("sheet_row_number") if "sheet_row_number" in header else None
        for record in reader:
            if not any(field.strip() for field in record):
                continue
            rows += 1
            if len(record) != len(header):
                errors += 1
            key = record[item_key].strip() if item_key is not None and item_key < len(record) else ""
            if key:
                target = ("i", key)
            else:
                name = record[sheet].strip() if sheet is not None and sheet < len(record) else ""
                number = record[sheet_row].strip() if sheet_row is not None and sheet_row < len(record) else ""
                if not name or not number:
                    errors += 1
                    continue
                if not number.isdigit() or int(number) < 1:
                    errors += 1
                    continue
                target = ("s", name, int(number))
            if target in seen:
                errors += 1
            else:
                seen.add(target)
    return rows, errors


def main():
    started = time.perf_counter()
    rows, errors = check(sys.argv[1])
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "tool": "python",
        "seconds": round(seconds, 4),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        "rows": rows,
        "errors": errors,
        "peak_rss_kb": usage.ru_maxrss,
    }))


if __name__ == "__main__":
    main()
