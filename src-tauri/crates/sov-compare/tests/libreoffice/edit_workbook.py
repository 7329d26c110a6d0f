"""Edits a workbook the way an underwriter does, in LibreOffice Calc (headless, driven through Python-UNO).

Usage: /usr/bin/python3 edit_workbook.py INPUT.xlsx OUTPUT_DIR SPEC.json

SPEC: {"edits": [{"item_key": "...", "header": "Year built", "value": 1972 | "Metal" | null}],
       "sort_by": "Row", "descending": true, "hide": "Street", "add_column": {"header": "My notes", "value": "x"}}
Saves OUTPUT_DIR/edited.xlsx, OUTPUT_DIR/edited.csv (values) and OUTPUT_DIR/edited-as-shown.csv (formatted text, as
Excel saves CSV). Uses its own profile and pipe, so several runs may share the machine.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.table import TableSortField

STARTUP_TIMEOUT_S = 120


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def column_of(sheet, width, header):
    for column in range(width):
        if sheet.getCellByPosition(column, 0).getString() == header:
            return column
    raise SystemExit(f"no column {header!r}")


def main():
    source, out_dir, spec_path = sys.argv[1:4]
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    pipe = f"sov-updater-test-{uuid.uuid4().hex}"
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
         f"-env:UserInstallation=file://{profile}", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        context = connect(pipe)
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0,
                                                (prop("Hidden", True),))
        sheet = document.Sheets.getByName("Corrections")
        cursor = sheet.createCursor()
        cursor.gotoEndOfUsedArea(False)
        width = cursor.RangeAddress.EndColumn + 1
        height = cursor.RangeAddress.EndRow + 1

        for edit in spec.get("edits", []):
            column = column_of(sheet, width, edit["header"])
            row = next(r for r in range(1, height) if sheet.getCellByPosition(0, r).getString() == edit["item_key"])
            cell = sheet.getCellByPosition(column, row)
            value = edit["value"]
            if value is None:
                cell.setString("")
            elif isinstance(value, str):
                cell.setString(value)
            else:
                cell.setValue(value)

        if "add_column" in spec:
            sheet.getCellByPosition(width, 0).setString(spec["add_column"]["header"])
            for row in range(1, height):
                sheet.getCellByPosition(width, row).setString(spec["add_column"]["value"])
            width += 1

        if "sort_by" in spec:
            field = TableSortField()
            field.Field = column_of(sheet, width, spec["sort_by"])
            field.IsAscending = not spec.get("descending", False)
            data = sheet.getCellRangeByPosition(0, 1, width - 1, height - 1)
            data.sort((prop("SortFields", uno.Any("[]com.sun.star.table.TableSortField", (field,))),
                       prop("ContainsHeader", False)))

        if "hide" in spec:
            sheet.Columns.getByIndex(column_of(sheet, width, spec["hide"])).IsVisible = False

        def save(name, filter_name, options=None):
            props = [prop("FilterName", filter_name), prop("Overwrite", True)]
            if options is not None:
                props.append(prop("FilterOptions", options))
            document.storeToURL(uno.systemPathToFileUrl(os.path.join(out_dir, name)), tuple(props))

        save("edited.xlsx", "Calc MS Excel 2007 XML")
        # Separator, quote, UTF-8, from line 1, default formats, default language, quoted text not forced,
        # special numbers detected, then "save cell contents as shown": false here, true below.
        save("edited.csv", "Text - txt - csv (StarCalc)", "44,34,76,1,,0,false,true,false,false")
        save("edited-as-shown.csv", "Text - txt - csv (StarCalc)", "44,34,76,1,,0,false,true,true,false")
        document.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
