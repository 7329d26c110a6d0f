// The Excel round trip's fixtures (issue 14): a saved corrections workbook and the previews of files against the
// demo SOV, shaped as sov-app sends them (SavedWorkbook, FilePreview; checked in ipc-contract.test.mjs).

export const WORKBOOK_PATH = "/home/ann/Downloads/SOV Updater/Demo Insured corrections 2026-12-06.xlsx";

export function savedWorkbook(overrides = {}) {
  return { path: WORKBOOK_PATH, file_name: WORKBOOK_PATH.split("/").pop(), revision: 0, buildings: 2, ...overrides };
}

const TOWER = { item_key: "i-s-demo-sample!Sheet1!2", building: "Lincoln Road Tower, 1111 Lincoln Rd, Miami Beach", sheet_name: "Sheet1", sheet_row_number: 2 };
const OFFICES = { item_key: "i-s-demo-sample!Sheet1!3", building: "Capitol Hill Offices, 1600 Pennsylvania Ave SE, Washington", sheet_name: "Sheet1", sheet_row_number: 3 };

function change(attribute, label, old, value, fileRow) {
  return { attribute, label, old, new: value, file_row: fileRow };
}

function base(path, overrides = {}) {
  return {
    path,
    file_name: path.split("/").pop(),
    sov_id: "s-demo-sample",
    revision: "0",
    made_from_revision: "0",
    stale_base: false,
    summary: "Nothing changes.",
    blocked: false,
    sent_as: "changes_only",
    change_count: 0,
    buildings: [],
    unmatched: [],
    unchanged_rows: 0,
    stale: [],
    flags: [],
    cleared: [],
    warnings: [],
    unreadable: null,
    ...overrides,
  };
}

// Our workbook with three values changed on two buildings.
export function changesPreview(path = "/home/ann/edited.xlsx") {
  return base(path, {
    summary: "2 buildings change, 3 values.",
    change_count: 3,
    buildings: [
      {
        ...TOWER,
        changes: [
          change("const__bldg_year_built", "Year built", "1969", "1972", 2),
          change("const__roof_covering", "Roof covering", "Built-up", "Metal", 2),
        ],
      },
      { ...OFFICES, changes: [change("limits__building_value", "Building value", "200000", "250000", 3)] },
    ],
  });
}

// A CSV the user made: sent as it is; one of its two rows changes a value.
export function asIsPreview(path = "/home/ann/corrections.csv") {
  return base(path, {
    made_from_revision: null,
    summary: "1 building changes, 1 value. 1 row changes nothing.",
    sent_as: "as_is",
    change_count: 1,
    unchanged_rows: 1,
    buildings: [{ ...TOWER, changes: [change("bldg_name", "Building name", "Lincoln Road Tower", "Lincoln Rd Tower", 2)] }],
  });
}

// One row of the workbook names a row the SOV does not have.
export function blockedPreview(path = "/home/ann/blocked.xlsx") {
  return base(path, {
    summary: "1 building changes, 1 value. 1 row matches no building in this SOV.",
    blocked: true,
    change_count: 1,
    buildings: [{ ...TOWER, changes: [change("const__bldg_year_built", "Year built", "1969", "1972", 2)] }],
    unmatched: [
      {
        file_row: 3,
        reason: "no_such_row",
        message: "Row 3 names row 99 of sheet `Sheet1`, which this SOV does not have.",
      },
    ],
  });
}

// SOV Fixer moved to revision 1 after the workbook was made, and changed the year built the user changed too.
export function stalePreview(path = "/home/ann/stale.xlsx") {
  const preview = changesPreview(path);
  return {
    ...preview,
    revision: "1",
    stale_base: true,
    stale: [
      {
        item_key: TOWER.item_key,
        building: TOWER.building,
        file_row: 2,
        attribute: "const__bldg_year_built",
        label: "Year built",
        made_from: "1969",
        server_now: "1980",
        yours: "1972",
      },
    ],
    buildings: preview.buildings.map((building) =>
      building.item_key === TOWER.item_key
        ? { ...building, changes: building.changes.map((item) => (item.attribute === "const__bldg_year_built" ? { ...item, old: "1980" } : item)) }
        : building,
    ),
  };
}

// Values worth a second look, a cleared cell and a column the workbook's map does not know.
export function flaggedPreview(path = "/home/ann/flagged.xlsx") {
  return base(path, {
    summary: "2 buildings change, 2 values.",
    change_count: 2,
    buildings: [
      { ...TOWER, changes: [change("const__bldg_year_built", "Year built", "1969", "2090", 2)] },
      { ...OFFICES, changes: [change("limits__building_value", "Building value", "200000", "2000000", 3)] },
    ],
    flags: [
      {
        item_key: TOWER.item_key,
        file_row: 2,
        attribute: "const__bldg_year_built",
        label: "Year built",
        kind: "year_out_of_range",
        message: "2090 is after this year. Check the year built.",
      },
      {
        item_key: OFFICES.item_key,
        file_row: 3,
        attribute: "limits__building_value",
        label: "Building value",
        kind: "money_jump",
        message: "The building value changes from 200000 to 2000000, more than ×2. Check it is right.",
      },
    ],
    cleared: [
      {
        item_key: OFFICES.item_key,
        file_row: 3,
        attribute: "const__roof_covering",
        label: "Roof covering",
        kind: "cleared",
        message: "Clearing a cell does not remove the value on SOV Fixer, so it is not sent.",
      },
    ],
    warnings: ["The column `My notes` is not in the workbook's map; it is not sent."],
  });
}

// A file that holds no corrections at all.
export function unreadablePreview(path = "/home/ann/notes.csv") {
  return base(path, {
    made_from_revision: null,
    summary: "",
    sent_as: "as_is",
    unreadable: "notes.csv has no columns that say which building each row is (`sheet_name` and `sheet_row_number`, or `item_key`).",
  });
}

// The fake preview_files: which preview a file gets follows its name.
export function previewsFor(paths) {
  return paths.map((path) => {
    const name = path.split("/").pop();
    if (name.startsWith("edited") || name.includes(" corrections 20")) return changesPreview(path);
    if (name.startsWith("blocked")) return blockedPreview(path);
    if (name.startsWith("stale")) return stalePreview(path);
    if (name.startsWith("flagged")) return flaggedPreview(path);
    if (name.startsWith("notes")) return unreadablePreview(path);
    return asIsPreview(path);
  });
}
