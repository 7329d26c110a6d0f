// The corrections workbook's round trip in the real window (issue 14), as a first-time user in the demo does it: get
// the demo SOV's workbook, change three values in it with a spreadsheet program (LibreOffice, headless, driven by
// sov-compare's Python-UNO script), drop the saved file onto the window, see exactly those three changes, Start, and
// only those three reach the demo server. Needs an X display (run under xvfb-run), LibreOffice and Python-UNO.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { byTestId, closeApp, launchApp, screenshot, sleep, textOf, waitFor, WAIT_MS } from "./support/app-window.mjs";
import { dragFileOnto } from "./support/native.mjs";
import { demoServerUrl } from "./support/sandbox.mjs";

const run = promisify(execFile);
const DEMO_SOV_ID = "s-demo-sample";
const EDIT_SCRIPT = fileURLToPath(new URL("../../src-tauri/crates/sov-compare/tests/libreoffice/edit_workbook.py", import.meta.url));
// Debian's Python is the one with the `uno` module; a pyenv or venv python on PATH usually lacks it.
const SYSTEM_PYTHON = process.env.SYSTEM_PYTHON || "/usr/bin/python3";
// LibreOffice's first start with a fresh profile takes a while on a loaded machine; still bounded.
const OFFICE_WAIT_MS = 180000;
// The demo's processing (6 s) plus downloads on a loaded machine.
const RUN_WAIT_MS = 120000;
const ROW_2 = `i-${DEMO_SOV_ID}!Sheet1!2`;
const ROW_3 = `i-${DEMO_SOV_ID}!Sheet1!3`;
const TOWER = "Lincoln Road Tower, 1111 Lincoln Rd, Miami Beach";
const OFFICES = "Capitol Hill Offices, 1600 Pennsylvania Ave SE, Washington";
// Without a display each test reports itself skipped (not passed), so a run without Xvfb cannot look green.
const SKIP = !process.env.DISPLAY && "skipped: no display (DISPLAY is unset; run under xvfb-run)";
const windowTest = (name, fn) => test(name, { skip: SKIP }, fn);

const visible = (id) => `(() => { const n = document.querySelector('[data-testid="${id}"]'); return Boolean(n && !n.closest('[hidden]') && n.getClientRects().length > 0); })()`;
const CHOSEN_SOV = "document.querySelector('[data-testid=\"sov-card\"]')?.dataset.sovId || ''";

// (row, attribute, value) of every filled cell of an uploaded corrections CSV (inside its multipart body), sorted.
function sentCells(body) {
  const lines = body.split(/\r?\n/);
  const start = lines.findIndex((line) => line.startsWith("sheet_name,"));
  assert.ok(start >= 0, `no corrections CSV in the upload: ${body}`);
  const header = lines[start].split(",");
  const cells = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("Sheet1,")) break;
    const fields = line.split(",");
    header.forEach((attribute, index) => {
      if (index >= 2 && fields[index]) cells.push([fields[1], attribute, fields[index]].join(" "));
    });
  }
  return cells.sort();
}

describe("the corrections workbook's round trip in the real window", () => {
  let app;
  let workbook;

  before(async () => {
    if (SKIP) return;
    app = await launchApp();
  });

  after(async () => {
    if (app) await closeApp(app);
  });

  windowTest("the demo SOV's corrections workbook is saved in the download folder and handed to the spreadsheet program", async () => {
    await waitFor(app, `${visible("sov-card")} && ${CHOSEN_SOV} === ${JSON.stringify(DEMO_SOV_ID)}`, "the demo's SOV chosen");
    await waitFor(app, visible("workbook-get"), "Get a corrections workbook");
    await (await byTestId(app, "workbook-get")).click();
    await waitFor(app, `${visible("workbook-saved")} || ${visible("workbook-error")}`, "the workbook to be made");
    assert.equal(await textOf(app, "workbook-error"), "", "making the workbook failed");

    const name = await textOf(app, "workbook-file-name");
    assert.match(name, /^.+ corrections \d{4}-\d{2}-\d{2}\.xlsx$/);
    assert.match(await textOf(app, "workbook-saved"), /in your download folder: 2 buildings, as of revision 0\./);
    assert.deepEqual(await readdir(app.downloads), [name], "the workbook is the download folder's only file");
    workbook = join(app.downloads, name);
    // An xlsx is a zip archive.
    assert.equal((await readFile(workbook)).subarray(0, 2).toString(), "PK");

    // The window asks the desktop to open it in the default spreadsheet program (recorded, not opened: see launchApp).
    const deadline = Date.now() + WAIT_MS;
    while ((await app.opened()).length === 0 && Date.now() < deadline) await sleep(200);
    assert.deepEqual(await app.opened(), [workbook]);
    assert.equal(await textOf(app, "workbook-open-error"), "", "the window says the workbook could not be opened");
    await screenshot(app, "10-workbook-saved", { scrollTo: "workbook" });
  });

  windowTest("three values changed in LibreOffice and dropped back show as exactly those three changes, old → new", async () => {
    assert.ok(workbook, "the workbook was not made");
    // The underwriter corrects three values, re-sorts the rows, hides a column, and saves over the same file.
    const office = await mkdtemp(join(app.root, "libreoffice-"));
    const spec = join(office, "spec.json");
    await writeFile(
      spec,
      JSON.stringify({
        edits: [
          { item_key: ROW_2, header: "Year built", value: 1972 },
          { item_key: ROW_2, header: "Roof covering", value: "Metal" },
          { item_key: ROW_3, header: "Building value", value: 250000 },
        ],
        sort_by: "Row",
        descending: true,
        hide: "Street",
      }),
    );
    await run(SYSTEM_PYTHON, [EDIT_SCRIPT, workbook, office, spec], { timeout: OFFICE_WAIT_MS }).catch((error) => {
      throw new Error(`LibreOffice could not edit the workbook (scripts/install-deps --test installs it): ${error.stderr || error.message}`);
    });
    await copyFile(join(office, "edited.xlsx"), workbook);

    const name = workbook.split("/").pop();
    const card = `document.querySelector('[data-testid="file-card"][data-file=${JSON.stringify(name)}]')`;
    // Anywhere on the window accepts a drop; the middle of it is over the steps.
    await dragFileOnto(workbook, 550, 400);
    await waitFor(app, card, "a card for the dropped workbook");
    await waitFor(app, `/✓ Ready/.test(${card}.innerText)`, "the dropped workbook to be checked");
    const preview = `document.querySelector('[data-testid="preview"][data-file=${JSON.stringify(name)}]')`;
    await waitFor(app, `${preview}?.querySelector('[data-testid="preview-summary"]')`, "the preview of the workbook");
    assert.equal(await textOf(app, "preview-error"), "", "the preview failed");

    assert.equal(await textOf(app, "preview-summary"), "2 buildings change, 3 values.");
    assert.match(await textOf(app, "preview-sent-as"), /Only the changed values are sent/);
    const shown = await app.session.execute(
      "return [...document.querySelectorAll('[data-testid=\"preview-building\"]')].map((group) => ({" +
        "building: group.querySelector('.change-building').firstChild.textContent," +
        "changes: [...group.querySelectorAll('[data-testid=\"preview-change\"]')].map((row) => [row.querySelector('th').textContent, " +
        "row.querySelector('[data-testid=\"preview-old\"]').textContent, row.querySelector('[data-testid=\"preview-new\"]').textContent].join(' → ')).sort() }))" +
        ".sort((a, b) => a.building.localeCompare(b.building));",
    );
    assert.deepEqual(shown, [
      { building: OFFICES, changes: ["Building value → 200,000 → 250,000"] },
      { building: TOWER, changes: ["Roof covering → Built-up → Metal", "Year built → 1969 → 1972"] },
    ]);
    assert.equal(await textOf(app, "preview-flags"), "", "a value was flagged");
    assert.equal(await textOf(app, "preview-unmatched"), "", "a row matched no building");

    // An output format is all Start still needs.
    await waitFor(app, "document.querySelectorAll('[data-testid=\"format-option\"]').length > 0", "the output formats");
    const format = await app.session.execute(
      "const boxes = [...document.querySelectorAll('[data-testid=\"format-option\"]')];" +
        "const box = boxes.find((b) => /json/i.test(b.value)) || boxes[0]; return { id: box.id, checked: box.checked };",
    );
    if (!format.checked) await (await app.session.find(`label[for="${format.id}"]`)).click();
    await waitFor(app, "!document.querySelector('[data-testid=\"start\"]').disabled", "Start to be enabled");
    assert.equal(await textOf(app, "start"), "Start: send 3 changes");
    assert.match(await textOf(app, "start-reason"), /^Everything is ready: 3 changed values will be sent\./);
    await screenshot(app, "11-roundtrip-preview", { scrollTo: "preview" });
  });

  windowTest("Start sends only those three values, and the run ends with them confirmed", async () => {
    assert.equal(await app.session.execute("return !document.querySelector('[data-testid=\"start\"]').disabled;"), true, "Start is not enabled");
    const server = await demoServerUrl(app.appPid);
    const configured = await fetch(`${server}/__sandbox/config`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ record_bodies: true }),
    });
    assert.ok(configured.ok, `the demo server did not record bodies: ${configured.status}`);

    await (await byTestId(app, "start")).click();
    await waitFor(app, `${visible("step-downloads")} || ${visible("job-error")}`, "the run to end", RUN_WAIT_MS);
    assert.equal(await app.session.execute(`return ${visible("job-error")};`), false, await textOf(app, "job-error-message"));
    await waitFor(app, visible("changes-confirmed"), "the changes checked against the new data", RUN_WAIT_MS);
    assert.equal(await textOf(app, "changes-confirmed"), "3 changes you asked for are confirmed in SOV Fixer's new data.");
    assert.equal(await app.session.execute(`return ${visible("changes-not-applied")};`), false, "a change shown as not applied");

    const { requests } = await (await fetch(`${server}/__sandbox/requests`)).json();
    const uploads = requests.filter((request) => request.endpoint === "add_locations");
    assert.equal(uploads.length, 1, "one upload");
    assert.deepEqual(sentCells(uploads[0].body || ""), [
      "2 const__bldg_year_built 1972",
      "2 const__roof_covering Metal",
      "3 limits__building_value 250000",
    ]);
    // Nobody typed an insured name: the one SOV Fixer knows was filled in, so the outputs are named as the workbook was.
    assert.match(await textOf(app, "output-folder-name"), /^Harbor Point Properties LLC \d{4}-\d{2}-\d{2} /);
    const names = await app.session.execute(
      "return [...document.querySelectorAll('[data-testid=\"step-downloads\"] [data-testid=\"output-name\"]')].map((name) => name.textContent);",
    );
    assert.ok(names.length >= 1, "no output files were listed");
    for (const name of names) assert.match(name, /^Harbor Point Properties LLC /);
    await screenshot(app, "12-roundtrip-done", { scrollTo: "what-changed" });
  });
});
