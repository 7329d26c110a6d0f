// Realistic data shaped like the contracts in docs/architecture.md, checked against the JSON Schema generated from
// the Rust types (ipc-contract.test.mjs).
import { readFileSync } from "node:fs";

export const DEMO_SOV = "s-demo-sample";

export function settings(overrides = {}) {
  return {
    environment: "prod",
    custom_url: "",
    has_key: false,
    key_source: null,
    keychain_available: true,
    download_dir: "/home/ann/Downloads/SOV Updater",
    last_formats: [],
    notifications: true,
    recent_sov_ids: ["s-acme-2025"],
    notices: [],
    ...overrides,
  };
}

export const FORMATS = [
  { output_format: "json", label: "JSON", output_extension: "json", is_public: true },
  { output_format: "sovfixer_xlsx", label: "SOV Fixer Excel", output_extension: "xlsx", is_public: true },
  { output_format: "air_csv", label: "AIR import", output_extension: "csv", is_public: true },
];

export function cleanReport(name = "corrections.csv") {
  return {
    path: `/home/ann/${name}`,
    file_name: name,
    kind: "csv",
    summary: { rows: 2, columns: 3, recognized_columns: 3, errors: 0, warnings: 0 },
    notices: [],
    sheet: null,
    sheets: [],
    findings: [],
    fixes: [],
    preview: { header: ["sheet_name", "sheet_row_number", "bldg_name"], rows: [["Sheet1", "2", "Normal House"]] },
    blocking: false,
  };
}

export function blockingReport(name = "broken.csv") {
  return {
    path: `/home/ann/${name}`,
    file_name: name,
    kind: "csv",
    summary: { rows: 40, columns: 3, recognized_columns: 2, errors: 2, warnings: 1 },
    notices: ["This file was saved as Windows-1252 text; it will be sent as UTF-8."],
    sheet: null,
    sheets: [],
    findings: [
      {
        severity: "error",
        code: "unknown_column_near_miss",
        file: name,
        row: null,
        column: "sheet_row_numbah",
        value: null,
        message: "`sheet_row_numbah` is not a known column. Did you mean `sheet_row_number`?",
        suggestion: "Rename the column to `sheet_row_number`.",
        more_count: 0,
      },
      {
        severity: "error",
        code: "invalid_number",
        file: name,
        row: 7,
        column: "year_built",
        value: "nineteen",
        message: "“nineteen” is not a year.",
        suggestion: "Type the year as four digits, like 1987.",
        more_count: 12,
      },
      {
        severity: "warning",
        code: "blank_value",
        file: name,
        row: 9,
        column: "bldg_name",
        value: "",
        message: "The building name is empty.",
        suggestion: "Leave it if that is intended.",
        more_count: 0,
      },
    ],
    fixes: [
      { id: "rename_column", label: "Rename `sheet_row_numbah` to `sheet_row_number`", fixes_a_problem: true },
      { id: "convert_encoding", label: "Convert the file from Windows-1252 to UTF-8", fixes_a_problem: false },
    ],
    preview: { header: ["sheet_name", "sheet_row_numbah", "year_built"], rows: [["Sheet1", "2", "nineteen"]] },
    blocking: true,
  };
}

// An Excel workbook read from `sheet`: its sheet `Corrections` holds corrections, `Notes` only building names
// (no way to tell which building each row is, so it blocks). `sheets` lists the workbook's sheets.
export function workbookReport(name = "corrections.xlsx", { sheet = "Corrections", sheets = ["Corrections", "Notes"] } = {}) {
  const notice =
    `This is an Excel workbook: rows are read from the sheet \`${sheet}\` and will be sent as CSV.` +
    (sheets.length > 1 ? ` The workbook has ${sheets.length} sheets; choose another sheet if your corrections are elsewhere.` : "");
  const base = { ...cleanReport(name), kind: "excel", sheet, sheets, notices: [notice] };
  if (sheet !== "Notes") return base;
  return {
    ...base,
    summary: { rows: 1, columns: 1, recognized_columns: 1, errors: 1, warnings: 0 },
    findings: [
      {
        severity: "error",
        code: "missing_identity_columns",
        file: name,
        row: null,
        column: null,
        value: null,
        message: "The file has no `sheet_name` and `sheet_row_number` columns, so SOV Fixer cannot tell which building each row is.",
        suggestion: "Add the two columns, or choose the sheet that has them.",
        more_count: 0,
      },
    ],
    preview: { header: ["bldg_name"], rows: [["Just a note"]] },
    blocking: true,
  };
}

export function fixedReport(name = "broken.fixed.csv") {
  return { ...cleanReport(name), summary: { rows: 40, columns: 3, recognized_columns: 3, errors: 0, warnings: 0 } };
}

// Each run's files are in a folder of their own, named after the insured and the local time.
export const RUN_FOLDER = "/home/ann/Downloads/SOV Updater/Acme Corp 2026-11-29 10.15";
export const OUTPUTS = [
  { filename: "Acme Corp 2026-06.json", description: "JSON", path: `${RUN_FOLDER}/Acme Corp 2026-06.json`, size: 48213, sha256: "ab", url: "https://files.sovfixer.example/o/1.json" },
  { filename: "Acme Corp 2026-06.xlsx", description: "SOV Fixer Excel", path: `${RUN_FOLDER}/Acme Corp 2026-06.xlsx`, size: 1523400, sha256: "cd", url: "https://files.sovfixer.example/o/2.xlsx" },
];

const STEP_KEYS = [
  ["initiate", "Creating the update job"],
  ["upload", "Uploading corrections.csv (1 of 1)"],
  ["start", "Starting"],
  ["queue", "Waiting in queue"],
  ["processing", "Processing"],
  ["download", "Downloading files"],
];

// The step after the done ones: active while running, failed or skipped when the job ended.
function currentStepStatus(phase) {
  if (phase === "failed") return "failed";
  if (phase === "cancelled") return "skipped";
  return "active";
}

// A snapshot with the first `doneCount` steps done and the next one active.
export function snapshot({ phase = "processing", doneCount = 4, progress = 0.3, overrides = {} } = {}) {
  const steps = STEP_KEYS.map(([key, label], index) => ({
    key,
    label,
    status: index < doneCount ? "done" : index === doneCount ? currentStepStatus(phase) : "pending",
    progress: index === doneCount ? progress : index < doneCount ? 1 : 0,
    detail: key === "processing" && index === doneCount ? "30 % complete" : null,
  }));
  return {
    job_id: "j-1",
    update_id: "s-demo-sample-r001",
    sov_id: DEMO_SOV,
    phase,
    steps,
    overall_progress: doneCount / STEP_KEYS.length,
    elapsed_ms: 65000,
    stalled: false,
    processing: { pct_complete: 30, health: "Priming enrichment cache." },
    outputs: [],
    rows_not_applied: null,
    error: null,
    ...overrides,
  };
}

// SOV Fixer finished but said some rows matched no building (its result message, parsed by the engine).
export const ROWS_NOT_APPLIED = {
  count: 3,
  named: ["Sheet1 row 99", "item_key i-unknown"],
  server_message: "Success. 3 rows matched no building: Sheet1 row 99, item_key i-unknown and 1 more.",
  saved_to: "/home/user/Downloads/SOV Updater/s-demo-sample-r001 rows not applied.csv",
};

export function partialDoneSnapshot() {
  return snapshot({
    phase: "done",
    doneCount: 7,
    progress: 1,
    overrides: { overall_progress: 1, outputs: OUTPUTS, output_folder: RUN_FOLDER, rows_not_applied: ROWS_NOT_APPLIED },
  });
}

export function doneSnapshot() {
  return snapshot({ phase: "done", doneCount: 6, progress: 1, overrides: { overall_progress: 1, outputs: OUTPUTS, output_folder: RUN_FOLDER } });
}

// The app's real errors, one of each code, with the messages the app really shows: exported from the Rust types by
// sov-app's ipc_contract test (a stale copy fails that test).
export const ERROR_CATALOGUE = JSON.parse(readFileSync(new URL("./error-catalogue.json", import.meta.url), "utf8"));

// code → the real message of that code, as the window shows it (names in quotation marks, not backticks).
export const ERROR_CODES = Object.fromEntries(
  Object.entries(ERROR_CATALOGUE).map(([code, error]) => [code, error.message.replace(/`([^`\n]*)`/g, "“$1”")]),
);

export function appError(code) {
  const error = ERROR_CATALOGUE[code];
  if (!error) throw new Error(`The app has no error with the code ${code}`);
  return { ...error };
}

export const HISTORY = [
  {
    id: "h-2",
    update_id: "s-demo-sample-r002",
    sov_id: DEMO_SOV,
    environment: "demo",
    started_at: "2026-11-29T10:15:00Z",
    finished_at: "2026-11-29T10:18:00Z",
    status: "done",
    files: ["corrections.csv"],
    formats: ["json", "sovfixer_xlsx"],
  },
  {
    id: "h-1",
    update_id: "s-acme-2025-r001",
    sov_id: "s-acme-2025",
    environment: "prod",
    started_at: "2026-11-28T09:00:00Z",
    finished_at: "2026-11-28T09:02:00Z",
    status: "failed",
    files: ["acme.xlsx"],
    formats: ["json"],
  },
];

export function historyDetail(id = "h-2") {
  const entry = HISTORY.find((item) => item.id === id);
  return {
    ...entry,
    steps: [
      { label: "Creating the update job", status: "done", at: "2026-11-29T10:15:01Z" },
      { label: "Uploading corrections.csv", status: "done", at: "2026-11-29T10:15:03Z" },
      { label: "Processing", status: "done", at: "2026-11-29T10:17:40Z" },
      { label: "Downloading files", status: "done", at: "2026-11-29T10:18:00Z" },
    ],
    outputs: OUTPUTS.map(({ filename, description, path, size }, index) => ({ filename, description, path, size, exists: index === 0 })),
    output_folder: RUN_FOLDER,
    error: null,
  };
}

// "Find your SOV": a book of SOVs as find_sovs lists them (SovListing), newest first. The demo's sample SOV and
// the recent `s-acme-2025` are in it, as are one SOV whose spreadsheet could not be read and one still being read.
const BOOK_ROWS = [
  ["s-demo-sample", "Sample Insured LLC", "Sample SOV.xlsx", 12, 1],
  ["s-acme-2025", "Acme Corp", "Acme 2026 SOV.xlsx", 12, 2],
  ["s-acme-logistics", "Acme Logistics Inc", "Acme Logistics warehouses.xlsx", 8, 0],
  ["s-atlas-freight", "Atlas Freight Terminals", "Atlas Freight terminals - scanned.pdf", 0, 0, "failed"],
  ["s-blue-heron", "Blue Heron Resorts", "Blue Heron Resorts SOV 2027.xlsx", 0, 0, "processing"],
  ["s-bayview", "Bayview Medical Center", "Bayview Medical - property schedule.xlsx", 24, 1],
  ["s-cedar-ridge", "Cedar Ridge Apartments LP", "Cedar Ridge SOV 2026.xlsx", 40, 3],
  ["s-delta-cold", "Delta Cold Storage", "Delta Cold Storage locations.xlsx", 6, 0],
  ["s-evergreen", "Evergreen School District", "Evergreen SD buildings 2026-27.xlsx", 31, 1],
  ["s-fairway", "Fairway Hotels Group", "Fairway Hotels SOV.xlsx", 18, 0],
  ["s-granite", "Granite State Manufacturing", "GSM schedule of values.xlsx", 9, 2],
  ["s-harborview", "Harborview Marina Holdings", "Harborview marinas.xlsx", 5, 0],
  ["s-ironwood", "Ironwood Data Centers", "Ironwood DC portfolio.xlsx", 7, 1],
  ["s-juniper", "Juniper Senior Living", "Juniper Senior Living SOV Q3.xlsx", 22, 0],
  ["s-keystone", "Keystone Retail Partners", "Keystone Retail 2026 renewal.xlsx", 135, 2],
  ["s-lakeshore", "Lakeshore Community Church", "Lakeshore Church properties.xlsx", 3, 0],
  ["s-maple", "Maple Grove Offices", "Maple Grove SOV.xlsx", 11, 0],
  ["s-northwind", "Northwind Traders", "Northwind 2026.xlsx", 14, 1],
  ["s-oakridge", "Oak Ridge Storage", "Oak Ridge units.xlsx", 4, 0],
  ["s-pinecrest", "Pinecrest Senior Homes", "Pinecrest SOV.xlsx", 16, 0],
  ["s-quarry", "Quarry Lane Industrial", "Quarry Lane schedule.xlsx", 21, 1],
  ["s-riverside", "Riverside Hospital", "Riverside Hospital SOV.xlsx", 30, 0],
  ["s-summit", "Summit Ski Lodges", "Summit lodges.xlsx", 6, 0],
];

const READINESS = {
  ready: ["Ready", null],
  failed: [
    "Could not be read",
    "SOV Fixer could not read this spreadsheet, so it has no buildings to correct. SOV Fixer said: “The file has no readable table of locations (it is a scanned image).” Send the spreadsheet to SOV Fixer again, then choose the new SOV.",
  ],
  processing: [
    "Still being read (40% done)",
    "SOV Fixer is still reading this spreadsheet (40% done). It can be corrected once it is complete; search again in a few minutes.",
  ],
};

export const SOV_BOOK = BOOK_ROWS.map(([id, insured, file, buildings, revision, readiness = "ready"], index) => ({
  id,
  insured,
  file_name: file,
  last_updated: new Date(Date.UTC(2026, 10, 30 - index, 14, 12)).toISOString(),
  readiness,
  status_text: READINESS[readiness][0],
  not_choosable_reason: READINESS[readiness][1],
  revision,
  buildings,
}));

export const FIND_PAGE_SIZE = 10;

// find_sovs over SOV_BOOK: a case-insensitive substring of insured, file name or id; cursors are the ids at the
// page's edges, as the app's are opaque strings.
// The window's status filter as the app applies it (sov-app's FindQuery): finished, processing or failed.
const STATUS_READINESS = { finished: "ready", processing: "processing", failed: "failed" };

export function findSovs({ search = "", status = null, after = null, before = null } = {}, book = SOV_BOOK) {
  const needle = search.trim().toLowerCase();
  const matching = book.filter(
    (sov) =>
      [sov.insured, sov.file_name, sov.id].some((text) => text.toLowerCase().includes(needle)) &&
      (!status || sov.readiness === STATUS_READINESS[status]),
  );
  let start = 0;
  if (after) start = matching.findIndex((sov) => sov.id === after) + 1;
  else if (before) start = Math.max(0, matching.findIndex((sov) => sov.id === before) - FIND_PAGE_SIZE);
  const results = matching.slice(start, start + FIND_PAGE_SIZE);
  const more = start + FIND_PAGE_SIZE < matching.length;
  return {
    results,
    next_cursor: more ? results.at(-1).id : null,
    previous_cursor: start > 0 ? results[0].id : null,
    total: matching.length,
  };
}

export function sovDetails(sov) {
  const revisions = [];
  for (let revision = sov.revision; revision > 0; revision -= 1) {
    revisions.push({ revision, kind: "API update", at: sov.last_updated, file_name: "corrections.csv", client_ref: `renewal-${revision}` });
  }
  revisions.push({ revision: 0, kind: "Original spreadsheet", at: "2026-10-01T09:00:00.000Z", file_name: sov.file_name, client_ref: null });
  return { sov, revisions, last_outputs: [{ label: "JSON", file_name: `${sov.insured} ${sov.revision}.json` }] };
}

// "See its buildings": an SOV's buildings as the app lists them (BuildingRow), `sov.buildings` of them on sheet
// "Locations" from row 2, and pages of 50 (sov-app's BUILDINGS_PAGE_SIZE).
export const BUILDINGS_PAGE_SIZE = 50;
const CITIES = ["Miami, FL 33131", "Houston, TX 77002", "Savannah, GA 31401"];

export function buildingRows(sovId) {
  const sov = SOV_BOOK.find((item) => item.id === sovId);
  return Array.from({ length: sov ? sov.buildings : 0 }, (_, index) => ({
    key: `i-${sovId}!Locations!${index + 2}`,
    item_key: `i-${sovId}!Locations!${index + 2}`,
    name: `Building ${index + 1}`,
    address: `${100 + index} Harbor Blvd, ${CITIES[index % CITIES.length]}`,
    sheet_name: "Locations",
    sheet_row_number: index + 2,
  }));
}

// current_buildings over buildingRows: every word in name, address, sheet or key, or a number equal to the row.
export function buildingsPage({ sovId, search = "", page = 0 }, { fromCache = false } = {}) {
  const sov = SOV_BOOK.find((item) => item.id === sovId);
  const rows = buildingRows(sovId);
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const matching = rows.filter((row) =>
    words.every(
      (word) =>
        [row.name, row.address, row.sheet_name, row.item_key].join("\u001f").toLowerCase().includes(word) ||
        String(row.sheet_row_number) === word,
    ),
  );
  const pageCount = Math.max(1, Math.ceil(matching.length / BUILDINGS_PAGE_SIZE));
  const shown = Math.min(page, pageCount - 1);
  return {
    sov_id: sovId,
    revision: sov ? sov.revision : 0,
    from_cache: fromCache,
    total: rows.length,
    matching: matching.length,
    page: shown,
    page_count: pageCount,
    page_size: BUILDINGS_PAGE_SIZE,
    buildings: matching.slice(shown * BUILDINGS_PAGE_SIZE, (shown + 1) * BUILDINGS_PAGE_SIZE),
  };
}

// building_detail: a plain name and address, and the values SOV Fixer annotates as {value, source, original, …}.
export function buildingDetail(sovId, key) {
  const row = buildingRows(sovId).find((item) => item.key === key);
  if (!row) return null;
  const plain = (name, label, value) => ({ name, label, value, units: null, source: null, original: null, confidence: null, comment: null });
  return {
    sov_id: sovId,
    revision: SOV_BOOK.find((item) => item.id === sovId).revision,
    building: row,
    attributes: [
      plain("bldg_name", "Building name", row.name),
      plain("bldg_street_descriptor", "Full address", row.address),
      plain("county", "County", ""),
      { name: "const__bldg_year_built", label: "Year built", value: "1987", units: null, source: "sov", original: "1987 (approx)", confidence: "0.9", comment: null },
      { name: "const__bldg_area", label: "Floor area", value: "12000", units: "sq ft", source: "update", original: "11,500", confidence: null, comment: "Set by an update" },
      plain("custom_flag", "custom_flag", "yes"),
    ],
  };
}

// compare_revisions for an SOV of SOV_BOOK: one value per revision between `from` and `to` (as the sandbox's seeded
// updates change one each), the rest untouched.
export function revisionComparison(sovId, from, to) {
  const sov = SOV_BOOK.find((item) => item.id === sovId) || SOV_BOOK[0];
  const changes = [];
  for (let revision = from + 1; revision <= to; revision += 1) {
    changes.push({
      building: `Building ${revision}, ${100 + revision} Main St, Springfield`,
      sheet_name: "Sheet1",
      sheet_row_number: revision + 1,
      label: "Year built",
      before: String(1960 + revision),
      after: String(1970 + revision),
    });
  }
  const untouched = sov.buildings - changes.length;
  const values = changes.length === 1 ? "1 value" : `${changes.length} values`;
  const buildings = changes.length === 1 ? "1 building" : `${changes.length} buildings`;
  return {
    sov_id: sov.id,
    insured: sov.insured,
    from_revision: from,
    to_revision: to,
    changed_values: changes.length,
    changed_buildings: changes.length,
    untouched_buildings: untouched,
    added_buildings: 0,
    removed_buildings: 0,
    summary: `${values} changed on ${buildings}. ${untouched} buildings untouched.`,
    changes,
    suggested_report_name: `${sov.insured} changes revision ${from} to ${to}.xlsx`,
  };
}

// A file with `total` rows whose year built is in the future (rows 3, 5, 7, …), as the check reports it; `stamp` is
// the size and change time it was checked at.
export function yearsReport(total, { name = "years.csv", stamp = { size: 40960, modified_ms: 1796000000000 } } = {}) {
  const rows = Array.from({ length: Math.min(total, 10000) }, (_, index) => 3 + 2 * index);
  return {
    path: `/home/ann/${name}`,
    file_name: name,
    kind: "csv",
    summary: { rows: total * 2, columns: 3, recognized_columns: 3, errors: 0, warnings: total },
    notices: [],
    sheet: null,
    sheets: [],
    findings: [
      {
        severity: "warning",
        code: "implausible_year",
        file: name,
        row: 3,
        column: "const__bldg_year_built",
        value: "3020",
        message: "Row 3, column `const__bldg_year_built`: `3020` is in the future (it is 2026 now).",
        suggestion: "Check the year built; a typing slip such as 3020 for 2020 is common.",
        more_count: total - 1,
        rows,
        row_count: total,
      },
    ],
    fixes: [],
    preview: { header: ["sheet_name", "sheet_row_number", "const__bldg_year_built"], rows: [["Sheet1", "2", "1969"]] },
    blocking: false,
    stamp,
  };
}

// What `list_problem_rows` answers for `yearsReport(total)`: the page from `offset`.
export function yearsRowsPage(total, offset, limit) {
  const count = Math.max(0, Math.min(limit, total - offset));
  return {
    offset,
    total,
    rows: Array.from({ length: count }, (_, index) => {
      const row = 3 + 2 * (offset + index);
      return {
        row,
        column: "const__bldg_year_built",
        value: String(3000 + (row % 100)),
        problem: `Row ${row}, column \`const__bldg_year_built\`: \`${3000 + (row % 100)}\` is in the future (it is 2026 now).`,
        what_to_do: "Check the year built; a typing slip such as 3020 for 2020 is common.",
      };
    }),
  };
}
