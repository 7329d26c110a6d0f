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

export const OUTPUTS = [
  { filename: "Acme Corp 2026-06.json", description: "JSON", path: "/home/ann/Downloads/SOV Updater/Acme Corp 2026-06.json", size: 48213, sha256: "ab", url: "https://files.sovfixer.example/o/1.json" },
  { filename: "Acme Corp 2026-06.xlsx", description: "SOV Fixer Excel", path: "/home/ann/Downloads/SOV Updater/Acme Corp 2026-06.xlsx", size: 1523400, sha256: "cd", url: "https://files.sovfixer.example/o/2.xlsx" },
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
    overrides: { overall_progress: 1, outputs: OUTPUTS, rows_not_applied: ROWS_NOT_APPLIED },
  });
}

export function doneSnapshot() {
  return snapshot({ phase: "done", doneCount: 6, progress: 1, overrides: { overall_progress: 1, outputs: OUTPUTS } });
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
    error: null,
  };
}
