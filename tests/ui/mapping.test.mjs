import assert from "node:assert/strict";
import { test } from "node:test";
import { useBrowser } from "./support/app.mjs";
import { axeViolations } from "./support/axe.mjs";
import * as fixtures from "./support/fixtures.mjs";

const { openApp } = useBrowser();

async function demoWithSov(app) {
  await app.byTestId("try-demo").click();
  await app.byTestId("drop-zone").waitFor({ state: "visible" });
}

// A file whose only offered fix is a format conversion: nothing SOV Updater can fix for the user.
function unfixableReport(name) {
  const report = fixtures.blockingReport(name);
  return {
    ...report,
    findings: [report.findings[1]],
    fixes: report.fixes.filter((fix) => !fix.fixes_a_problem),
    summary: { ...report.summary, errors: 1, warnings: 0 },
  };
}

test("“Fix it” is offered, and named in Start's reason, only when a fix for a problem exists", async () => {
  const check_files = ({ paths }) =>
    paths.map((path) => {
      const name = path.split("/").pop();
      return { ...(name === "years.csv" ? unfixableReport(name) : fixtures.blockingReport(name)), path };
    });
  const app = await openApp({ handlers: { pick_files: () => ["/home/ann/years.csv"], check_files } });
  const { page, byTestId } = app;
  await demoWithSov(app);
  await byTestId("format-option").first().check();
  await byTestId("choose-files").click();
  await byTestId("file-card").waitFor();
  assert.equal(await byTestId("file-fix").count(), 0, "a format conversion is not offered as a fix");
  const reason = await byTestId("start-reason").innerText();
  assert.match(reason, /Fix the problems in years\.csv first \(step 3\): correct the file/);
  assert.doesNotMatch(reason, /Fix it/);

  await page.evaluate(() => document.querySelector('[data-testid="file-remove"]').click());
  await byTestId("file-card").waitFor({ state: "detached" });
  await app.dragDrop({ type: "drop", paths: ["/home/ann/broken.csv"], position: { x: 10, y: 10 } });
  await byTestId("file-card").waitFor();
  assert.equal(await byTestId("file-fix").count(), 1);
  assert.match(await byTestId("start-reason").innerText(), /Try “Fix it”/);
});

// What the app's check answers for a spreadsheet with a title row and friendly headers, given the choices sent
// (as `sov-app` does): decided columns are mapped or not sent, the others suggested or unknown and blocking.
const FRIENDLY = "/home/ann/Acme corrections.csv";
const SUGGESTIONS = {
  Sheet: ["sheet_name", "Sheet name"],
  Row: ["sheet_row_number", "Sheet row number"],
  "Building Name": ["bldg_name", "Building name"],
  "Year Built": ["const__bldg_year_built", "Year built"],
  TIV: ["limits__total_value", "Total insured value"],
  Notes: null,
};
const ATTRIBUTES = [
  { name: "sheet_name", label: "Sheet name", group: "identification" },
  { name: "sheet_row_number", label: "Sheet row number", group: "identification" },
  { name: "bldg_name", label: "Building name", group: "identification" },
  { name: "const__bldg_year_built", label: "Year built", group: "construction" },
  { name: "limits__total_value", label: "Total insured value", group: "limits" },
  { name: "const__num_stories", label: "Number of stories", group: "construction" },
];

function friendlyReport(path, { mapping = {}, headerRows = {}, remembered = null } = {}) {
  const choices = { ...(remembered || {}), ...mapping };
  const headerRow = headerRows[path] || 3;
  const columns = Object.entries(SUGGESTIONS).map(([header, suggestion], index) => {
    const letter = String.fromCharCode(65 + index);
    const chosen = choices[header];
    if (chosen === "-") return { letter, header, status: "dont_send", attribute: null, label: null };
    if (chosen) {
      const known = ATTRIBUTES.find((a) => a.name === chosen);
      return { letter, header, status: "mapped", attribute: chosen, label: known ? known.label : null };
    }
    if (suggestion) return { letter, header, status: "suggested", attribute: suggestion[0], label: suggestion[1] };
    return { letter, header, status: "unknown", attribute: null, label: null };
  });
  const undecided = columns.filter((c) => c.status === "suggested" || c.status === "unknown");
  const finding = (severity, code, column, message, rows = []) => ({
    severity, code, file: "Acme corrections.csv", row: rows[0] ?? null, column, value: null, message,
    suggestion: "", more_count: 0, rows, row_count: rows.length,
  });
  const findings = undecided.map((c) =>
    c.status === "suggested"
      ? finding("error", "column_not_mapped", c.header, `\`${c.header}\` is not an attribute name; it looks like ${c.label} (${c.attribute}).`)
      : finding("error", "unknown_column", c.header, `\`${c.header}\` is not in this app's list of building attributes.`),
  );
  findings.push(finding("warning", "amount_with_symbols", "TIV", "“$1,200,000” is an amount typed with symbols; send 1200000.", [4, 5, 6]));
  return {
    path,
    file_name: "Acme corrections.csv",
    kind: "csv",
    summary: { rows: 3, columns: 6, recognized_columns: 0, errors: undecided.length, warnings: 1 },
    notices: remembered ? ["The column mapping you confirmed before for a file with these headers was used. Undo it to choose the columns again."] : [],
    sheet: null,
    sheets: [],
    header_row: headerRow,
    header_row_detected: !headerRows[path],
    columns,
    remembered_mapping: Boolean(remembered),
    findings,
    fixes: [],
    preview: { header: Object.keys(SUGGESTIONS), rows: [["Sheet1", "2", "Normal House", "1969", "$1,200,000", "call owner"]] },
    blocking: undecided.length > 0,
  };
}

function friendlyApp({ remembered = null } = {}) {
  const memory = { remembered };
  const handlers = {
    pick_files: () => [FRIENDLY],
    list_attributes: () => ATTRIBUTES,
    check_files: ({ paths, mapping = {}, headerRows = {} }) =>
      paths.map((path) => friendlyReport(path, { mapping, headerRows, remembered: memory.remembered })),
    remember_mapping: ({ mapping }) => {
      memory.remembered = mapping;
      return null;
    },
    forget_mapping: () => {
      memory.remembered = null;
      return null;
    },
    save_problem_list: () => "/home/ann/Documents/Acme corrections - rows to check.csv",
  };
  return openApp({ handlers });
}

async function addFriendlyFile(app) {
  await demoWithSov(app);
  await app.byTestId("format-option").first().check();
  await app.byTestId("choose-files").click();
  await app.byTestId("mapping-step").waitFor();
}

test("the mapping step preselects suggestions; skipping a column and accepting the rest unblocks Start, and the job sends the choices", async () => {
  const app = await friendlyApp();
  const { page, byTestId } = app;
  await addFriendlyFile(app);
  const row = (header) => page.locator(`[data-testid="mapping-row"][data-header="${header}"]`);
  assert.equal(await row("Year Built").locator("select").inputValue(), "const__bldg_year_built");
  assert.equal(await row("Notes").locator("select").inputValue(), "", "no suggestion: nothing preselected");
  assert.match(await row("Year Built").innerText(), /Suggested: confirm it/);
  assert.match(await byTestId("header-row").innerText(), /read from row 3/);
  assert.equal(await byTestId("start").isDisabled(), true);
  assert.match(await byTestId("start-reason").innerText(), /Choose what each column of Acme corrections\.csv holds first/);
  await app.screenshot("mapping-step");

  await row("Notes").locator("select").selectOption("-");
  await page.waitForFunction(() => document.querySelector('[data-testid="mapping-row"][data-header="Notes"] [data-testid="mapping-state"]')?.textContent === "Not sent");
  assert.deepEqual(app.callsOf("check_files").at(-1).args.mapping, { Notes: "-" });
  assert.equal(await byTestId("start").isDisabled(), true, "the suggested columns are not confirmed yet");

  // Change one suggestion, then accept the rest in one click.
  await row("TIV").locator("select").selectOption("limits__total_value");
  await page.waitForFunction(() => document.querySelector('[data-testid="mapping-row"][data-header="TIV"] [data-testid="mapping-state"]')?.textContent === "Sent");
  await byTestId("mapping-accept").click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="mapping-accept"]'));
  assert.equal(await byTestId("start").isDisabled(), false);
  await byTestId("start").click();
  const request = (await app.waitForCall("start_job")).args.request;
  assert.deepEqual(request.mapping, {
    Sheet: "sheet_name",
    Row: "sheet_row_number",
    "Building Name": "bldg_name",
    "Year Built": "const__bldg_year_built",
    TIV: "limits__total_value",
    Notes: "-",
  });
  assert.equal(request.headerRows, undefined, "a header row found by looking is found again");
});

test("another row can be read as the headers; the job sends the row picked", async () => {
  const app = await friendlyApp();
  const { page, byTestId } = app;
  await addFriendlyFile(app);
  await byTestId("header-row-change").click();
  assert.equal(await byTestId("header-row-change").getAttribute("aria-expanded"), "true");
  await byTestId("header-row-input").fill("4");
  await byTestId("header-row-apply").click();
  await page.waitForFunction(() => /row 4/.test(document.querySelector('[data-testid="header-row"]')?.textContent || ""));
  assert.deepEqual(app.callsOf("check_files").at(-1).args.headerRows, { [FRIENDLY]: 4 });
  await page.locator('[data-testid="mapping-row"][data-header="Notes"] select').selectOption("-");
  await page.waitForFunction(() => document.querySelector('[data-testid="mapping-row"][data-header="Notes"] [data-testid="mapping-state"]')?.textContent === "Not sent");
  await byTestId("mapping-accept").click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="start"]').disabled);
  await byTestId("start").click();
  assert.deepEqual((await app.waitForCall("start_job")).args.request.headerRows, { [FRIENDLY]: 4 });
});

test("a confirmed mapping is remembered for files like this, applied next time with a note, and can be undone", async () => {
  const app = await friendlyApp();
  const { page, byTestId } = app;
  await addFriendlyFile(app);
  await page.locator('[data-testid="mapping-row"][data-header="Notes"] select').selectOption("-");
  await page.waitForFunction(() => document.querySelector('[data-testid="mapping-row"][data-header="Notes"] [data-testid="mapping-state"]')?.textContent === "Not sent");
  await byTestId("mapping-accept").click();
  await byTestId("mapping-remember").click();
  const remembered = await app.waitForCall("remember_mapping");
  assert.deepEqual(remembered.args.header, Object.keys(SUGGESTIONS));
  assert.equal(remembered.args.mapping["Year Built"], "const__bldg_year_built");
  assert.equal(remembered.args.mapping.Notes, "-");

  // Next time (a new session, nothing chosen yet) the remembered mapping is applied, with a way back.
  const next = await friendlyApp({ remembered: remembered.args.mapping });
  await addFriendlyFile(next);
  assert.match(await next.byTestId("mapping-remembered").innerText(), /confirmed before/);
  assert.equal(await next.byTestId("start").isDisabled(), false);
  await next.byTestId("mapping-undo").click();
  await next.waitForCall("forget_mapping");
  await next.page.waitForFunction(() => !document.querySelector('[data-testid="mapping-remembered"]'));
  assert.deepEqual(next.callsOf("forget_mapping")[0].args, { header: Object.keys(SUGGESTIONS) });
  assert.equal(await next.byTestId("start").isDisabled(), true, "after undo the columns are asked about again");
  assert.equal(await next.byTestId("mapping-accept").count(), 1);
});

test("Save the list saves every row of a problem through the save dialog", async () => {
  const app = await friendlyApp();
  const { byTestId } = app;
  await addFriendlyFile(app);
  const save = byTestId("finding-save-list");
  assert.equal(await save.count(), 1, "only a problem on several rows has a list to save");
  assert.equal(await save.innerText(), "Save the list");
  assert.equal(await byTestId("finding-rows-toggle").innerText(), "Show all 3 rows", "the count is said once, on the list");
  await save.click();
  const call = await app.waitForCall("save_problem_list");
  assert.deepEqual(call.args.problem, { path: FRIENDLY, code: "amount_with_symbols", column: "TIV" });
  assert.equal(call.args.suggestedName, "Acme corrections - rows to check.csv");
  assert.deepEqual(Object.keys(call.args.choices).sort(), ["headerRows", "mapping", "sheets"]);
  await app.page.waitForFunction(() => /Saved the list of 3 rows/.test(document.body.textContent));
});

test("the mapping step works by keyboard alone and passes the accessibility audit", async () => {
  const app = await friendlyApp();
  const { page, byTestId } = app;
  await addFriendlyFile(app);
  assert.deepEqual(await axeViolations(page), []);
  await app.tabTo("mapping-select");
  const label = await page.evaluate(() => document.querySelector(`label[for="${document.activeElement.id}"]`)?.textContent);
  assert.match(label, /^Sheet/, "each choice list is labelled with its column");
  await app.tabTo("mapping-accept");
  await page.keyboard.press("Enter");
  await app.waitForCall("check_files", 2);
  await page.waitForFunction(() => document.querySelector('[data-testid="mapping-row"][data-header="Year Built"] [data-testid="mapping-state"]')?.textContent === "Sent");
  assert.equal(await byTestId("start").isDisabled(), true, "Notes is still undecided");
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H4", "focus stays in the mapping step");
});

test("each column's choice sits on one line beside its header, and a narrow window stacks them without overflow", async () => {
  const app = await friendlyApp();
  await addFriendlyFile(app);
  const row = app.page.locator('[data-testid="mapping-row"][data-header="Year Built"]');
  const header = await row.locator(".mapping-header").boundingBox();
  const select = await row.locator("select").boundingBox();
  // Side by side: the choice starts to the right of the header and shares its line.
  assert.ok(select.x > header.x + header.width, `select at x=${select.x}, header ends at ${header.x + header.width}`);
  assert.ok(Math.abs(select.y + select.height / 2 - (header.y + header.height / 2)) < select.height, "header and choice share a line");

  await app.page.setViewportSize({ width: 600, height: 780 });
  const narrowHeader = await row.locator(".mapping-header").boundingBox();
  const narrowSelect = await row.locator("select").boundingBox();
  assert.ok(narrowSelect.y >= narrowHeader.y + narrowHeader.height - 1, "the choice goes below its header");
  const overflow = await app.page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the window`);
});
