// The fixtures the UI tests feed the window are checked against the JSON Schema generated from the Rust types
// (sov-app's ipc_contract test writes support/ipc-schema.json), so a fixture cannot drift from what the app sends.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import Ajv2020 from "ajv/dist/2020.js";
import * as fixtures from "./support/fixtures.mjs";
import * as roundtrip from "./support/roundtrip-fixtures.mjs";

const schema = JSON.parse(readFileSync(new URL("./support/ipc-schema.json", import.meta.url), "utf8"));

// A fixture field the app does not send is drift too: every object of the contract is closed.
function closed(node) {
  if (Array.isArray(node)) return node.map(closed);
  if (!node || typeof node !== "object") return node;
  const copy = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, closed(value)]));
  if (copy.properties && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return copy;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addSchema(closed(schema));

function assertValid(type, value) {
  const validate = ajv.getSchema(`${schema.$id}#/$defs/${type}`);
  assert.ok(validate, `the schema defines ${type}`);
  assert.ok(validate(value), `${type}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value, null, 2)}`);
}

test("the settings fixtures are Settings as the app sends them", () => {
  assertValid("Settings", fixtures.settings());
  assertValid("Settings", fixtures.settings({ environment: "demo", has_key: true, key_source: "session" }));
});

test("the job snapshot fixtures are JobSnapshots", () => {
  assertValid("JobSnapshot", fixtures.snapshot());
  assertValid("JobSnapshot", fixtures.doneSnapshot());
  assertValid("JobSnapshot", fixtures.partialDoneSnapshot());
  assertValid("JobSnapshot", fixtures.snapshot({ phase: "failed", overrides: { error: { ...fixtures.appError("job_failed"), step: "process" } } }));
});

test("the pre-flight fixtures are FileReports", () => {
  assertValid("FileReport", fixtures.cleanReport());
  assertValid("FileReport", fixtures.blockingReport());
  assertValid("FileReport", fixtures.workbookReport());
  assertValid("FileReport", fixtures.workbookReport("corrections.xlsx", { sheet: "Notes" }));
  assertValid("FileReport", fixtures.fixedReport());
  assertValid("FileReport", fixtures.yearsReport(30));
  assertValid("ProblemRowsPage", fixtures.yearsRowsPage(30, 0, 100));
});

test("the history fixtures are HistoryEntries and HistoryDetails", () => {
  for (const entry of fixtures.HISTORY) assertValid("HistoryEntry", entry);
  assertValid("HistoryDetail", fixtures.historyDetail("h-2"));
  assertValid("HistoryDetail", { ...fixtures.historyDetail("h-1"), error: fixtures.appError("server_error") });
});

test("the buildings fixtures are BuildingsPages and BuildingDetails", () => {
  assertValid("BuildingsPage", fixtures.buildingsPage({ sovId: "s-keystone" }));
  assertValid("BuildingsPage", fixtures.buildingsPage({ sovId: "s-keystone", search: "nothing like this" }, { fromCache: true }));
  const first = fixtures.buildingRows("s-keystone")[0];
  assertValid("BuildingDetail", fixtures.buildingDetail("s-keystone", first.key));
});

test("the find-your-SOV fixtures are SovSearchPages and SovDetails", () => {
  assertValid("SovSearchPage", fixtures.findSovs({}));
  assertValid("SovSearchPage", fixtures.findSovs({ search: "nothing like this" }));
  for (const sov of fixtures.SOV_BOOK) assertValid("SovDetails", fixtures.sovDetails(sov));
});

test("the comparison fixtures are RevisionComparisons", () => {
  assertValid("RevisionComparison", fixtures.revisionComparison("s-cedar-ridge", 0, 3));
  assertValid("RevisionComparison", fixtures.revisionComparison("s-cedar-ridge", 2, 3));
});

test("the round trip's fixtures are SavedWorkbooks and FilePreviews", () => {
  assertValid("SavedWorkbook", roundtrip.savedWorkbook());
  for (const preview of [
    roundtrip.changesPreview(),
    roundtrip.asIsPreview(),
    roundtrip.blockedPreview(),
    roundtrip.stalePreview(),
    roundtrip.flaggedPreview(),
    roundtrip.unreadablePreview(),
  ]) {
    assertValid("FilePreview", preview);
  }
});

test("the error catalogue has every code of the contract, each a real AppError", () => {
  const codes = schema.$defs.Code.oneOf.flatMap((variant) => variant.enum ?? [variant.const]);
  assert.ok(codes.includes("interrupted") && codes.includes("keychain_unavailable"), codes.join(", "));
  assert.deepEqual(Object.keys(fixtures.ERROR_CATALOGUE).sort(), [...codes].sort());
  for (const error of Object.values(fixtures.ERROR_CATALOGUE)) assertValid("AppError", error);
});

test("a fixture that drifted from the contract is caught", () => {
  const validate = ajv.getSchema(`${schema.$id}#/$defs/JobSnapshot`);
  assert.equal(validate({ ...fixtures.snapshot(), phase: "processing_now" }), false);
  assert.equal(validate({ ...fixtures.snapshot(), stale_field: 1 }), false);
});
