import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandError, useBrowser } from "./support/app.mjs";
import * as fixtures from "./support/fixtures.mjs";

const { openApp } = useBrowser();

async function demoWithSov(app) {
  await app.byTestId("try-demo").click();
  await app.byTestId("drop-zone").waitFor({ state: "visible" });
}

test("a blocking pre-flight error disables Start and says why; Fix it swaps in the fixed file", async () => {
  const app = await openApp({ handlers: { pick_files: () => ["/home/ann/broken.csv"] } });
  const { page, byTestId } = app;
  await demoWithSov(app);
  await byTestId("format-option").first().check();
  await byTestId("choose-files").click();
  const card = byTestId("file-card");
  await card.waitFor();
  assert.match(await byTestId("file-status").innerText(), /2 problems to fix/);
  const findings = byTestId("finding");
  assert.equal(await findings.count(), 3);
  assert.match(await findings.nth(0).innerText(), /column “sheet_row_numbah”[\s\S]*Did you mean “sheet_row_number”\?[\s\S]*What to do: Rename/);
  assert.match(await findings.nth(1).innerText(), /Row 7, column “year_built”/);
  assert.match(await findings.nth(1).locator('[data-testid="finding-more"]').innerText(), /12 more times/);
  assert.match(await card.innerText(), /Windows-1252/);
  assert.equal(await byTestId("start").isDisabled(), true);
  assert.match(await byTestId("start-reason").innerText(), /Fix the problems in broken\.csv first/);
  await byTestId("file-preview-toggle").click();
  assert.match(await card.locator("table").innerText(), /sheet_row_numbah[\s\S]*nineteen/);
  await app.screenshot("05-blocking-file");

  await byTestId("file-fix").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="file-card"]').dataset.file === "broken.fixed.csv");
  assert.deepEqual(app.callsOf("apply_fixes")[0].args, { path: "/home/ann/broken.csv" });
  assert.match(await byTestId("file-status").innerText(), /Ready/);
  assert.equal(await byTestId("start").isDisabled(), false);
  // The fixed copy, not the original, is what gets sent.
  await byTestId("start").click();
  assert.deepEqual((await app.waitForCall("start_job")).args.request.files, ["/home/ann/broken.fixed.csv"]);
});

test("Start's helper text walks through each missing piece", async () => {
  const app = await openApp({ handlers: { pick_files: () => [] } });
  const { byTestId } = app;
  assert.match(await byTestId("start-reason").innerText(), /Connect to SOV Fixer first/);
  await demoWithSov(app);
  assert.match(await byTestId("start-reason").innerText(), /Add at least one corrections file/);
  await byTestId("choose-files").click(); // cancelled dialog: nothing added
  assert.equal(await byTestId("file-card").count(), 0);
  await app.dragDrop({ type: "drop", paths: ["/home/ann/corrections.csv"], position: { x: 10, y: 10 } });
  await byTestId("file-card").waitFor();
  await byTestId("format-option").first().waitFor();
  assert.match(await byTestId("start-reason").innerText(), /Tick at least one kind of output file/);
  await byTestId("format-option").nth(1).check();
  assert.match(await byTestId("start-reason").innerText(), /Everything is ready/);
});

test("dragging files over the window shows the drop overlay; dropping checks them", async () => {
  const app = await openApp();
  const { page, byTestId } = app;
  await demoWithSov(app);
  await app.dragDrop({ type: "enter", paths: ["/home/ann/a.csv"], position: { x: 100, y: 100 } });
  await byTestId("drop-overlay").waitFor({ state: "visible" });
  assert.match(await byTestId("drop-overlay").innerText(), /Drop your corrections files/);
  await app.screenshot("06-drag-hover");
  await app.dragDrop({ type: "leave" });
  await byTestId("drop-overlay").waitFor({ state: "hidden" });
  await app.dragDrop({ type: "over", paths: [], position: { x: 120, y: 100 } });
  await byTestId("drop-overlay").waitFor({ state: "visible" });
  await app.dragDrop({ type: "drop", paths: ["/home/ann/a.csv", "/home/ann/b.csv"], position: { x: 120, y: 100 } });
  await byTestId("drop-overlay").waitFor({ state: "hidden" });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-card"]').length === 2);
  assert.deepEqual(app.callsOf("check_files").at(-1).args, { paths: ["/home/ann/a.csv", "/home/ann/b.csv"] });

  // Adding a third re-checks all three together (duplicates across files are caught).
  await app.dragDrop({ type: "drop", paths: ["/home/ann/c.csv", "/home/ann/a.csv"], position: { x: 1, y: 1 } });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-card"]').length === 3);
  assert.deepEqual(app.callsOf("check_files").at(-1).args, {
    paths: ["/home/ann/a.csv", "/home/ann/b.csv", "/home/ann/c.csv"],
  });

  await byTestId("file-card").nth(1).locator('[data-testid="file-remove"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-card"]').length === 2);
  assert.deepEqual(
    await byTestId("file-card").evaluateAll((cards) => cards.map((card) => card.dataset.file)),
    ["a.csv", "c.csv"],
  );
});

test("a drop before the SOV is chosen is refused with a plain explanation", async () => {
  const app = await openApp();
  const { byTestId } = app;
  await app.dragDrop({ type: "enter", paths: ["/home/ann/a.csv"], position: { x: 1, y: 1 } });
  assert.match(await byTestId("drop-overlay").innerText(), /Choose the SOV first/);
  await app.dragDrop({ type: "drop", paths: ["/home/ann/a.csv"], position: { x: 1, y: 1 } });
  assert.equal(app.callsOf("check_files").length, 0);
  await app.page.waitForFunction(() =>
    document.querySelector('[data-testid="announcer"]').textContent.includes("Choose the SOV first"),
  );
});

test("a link dropped on the page does not navigate the window away", async () => {
  const app = await openApp();
  const { page } = app;
  const before = page.url();
  const prevented = await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData("text/uri-list", "https://example.invalid/");
    const event = new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true });
    const over = new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true });
    document.body.dispatchEvent(over);
    document.body.dispatchEvent(event);
    return [over.defaultPrevented, event.defaultPrevented];
  });
  assert.deepEqual(prevented, [true, true]);
  assert.equal(page.url(), before);
});

test("a file that cannot be read, or a failed fix, shows the message with details", async () => {
  const app = await openApp({
    handlers: {
      pick_files: () => ["/home/ann/broken.csv"],
      apply_fixes: () => {
        throw new CommandError(fixtures.appError("file_error"));
      },
    },
  });
  const { byTestId } = app;
  await demoWithSov(app);
  await byTestId("choose-files").click();
  await byTestId("file-fix").click();
  await byTestId("files-error").waitFor();
  assert.equal(await byTestId("files-error-message").innerText(), fixtures.ERROR_CODES.file_error);
  assert.equal(await byTestId("files-error").getAttribute("role"), "alert");
  assert.equal(await byTestId("file-card").getAttribute("data-file"), "broken.csv");
});

test("in the demo, its sample corrections file can be used in one click", async () => {
  const sample = "/opt/sov-updater/demo/corrections.csv";
  const app = await openApp({
    handlers: {
      start_demo: () => ({
        sov_id: fixtures.DEMO_SOV,
        sovs: [],
        sample_files: [sample],
        settings: fixtures.settings({ environment: "demo" }),
      }),
    },
  });
  await app.byTestId("try-demo").click();
  await app.byTestId("use-demo-sample").click();
  await app.byTestId("file-card").waitFor();
  assert.deepEqual(app.callsOf("check_files")[0].args, { paths: [sample] });
  assert.equal(await app.byTestId("use-demo-sample").isHidden(), true);
});

test("after Fix it, every file is checked again: a building repeated across files still blocks Start", async () => {
  const duplicate = (name, other) => ({
    severity: "error",
    code: "duplicate_building_across_files",
    file: name,
    row: 2,
    column: "sheet_row_number",
    value: "2",
    message: `Building Sheet1 row 2 is also corrected in ${other}.`,
    suggestion: "Keep the row in one file only.",
    more_count: 0,
  });
  const app = await openApp({
    handlers: {
      pick_files: () => ["/home/ann/north.csv", "/home/ann/south.csv"],
      // Both files correct the same building; north.csv also has a fixable column name.
      check_files: ({ paths }) =>
        paths.map((path) => {
          const name = path.split("/").pop();
          const other = paths.map((p) => p.split("/").pop()).find((n) => n !== name);
          const report = fixtures.cleanReport(name);
          const findings = [duplicate(name, other)];
          const fixable = name === "north.csv";
          if (fixable) findings.push(fixtures.blockingReport(name).findings[0]);
          return {
            ...report,
            path,
            findings,
            fixes: fixable ? fixtures.blockingReport(name).fixes : [],
            summary: { ...report.summary, errors: findings.length },
            blocking: true,
          };
        }),
      // The fix on its own sees only its own file: clean.
      apply_fixes: ({ path }) => ({
        fixed_path: path.replace(".csv", " (fixed).csv"),
        report: { ...fixtures.fixedReport("north (fixed).csv"), path: path.replace(".csv", " (fixed).csv") },
      }),
    },
  });
  const { page, byTestId } = app;
  await demoWithSov(app);
  await byTestId("format-option").first().check();
  await byTestId("choose-files").click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-card"]').length === 2);
  await byTestId("file-card").nth(0).locator('[data-testid="file-fix"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="file-card"]').dataset.file === "north (fixed).csv");

  assert.deepEqual(app.callsOf("check_files").at(-1).args, { paths: ["/home/ann/north (fixed).csv", "/home/ann/south.csv"] });
  const fixedCard = byTestId("file-card").nth(0);
  assert.match(await fixedCard.innerText(), /also corrected in south\.csv/);
  assert.doesNotMatch(await fixedCard.innerText(), /sheet_row_numbah/, "the fixed problem is gone");
  assert.match(await fixedCard.locator('[data-testid="file-status"]').innerText(), /1 problem to fix/);
  assert.equal(await byTestId("start").isDisabled(), true);
  assert.match(await byTestId("start-reason").innerText(), /Fix the problems in north \(fixed\)\.csv, south\.csv first/);
});

test("a workbook with several sheets offers a Sheet list; picking one re-checks every file and Start sends it", async () => {
  const workbook = "/home/ann/corrections.xlsx";
  const app = await openApp({ handlers: { pick_files: () => [workbook, "/home/ann/single.xlsx", "/home/ann/a.csv"] } });
  const { page, byTestId } = app;
  await demoWithSov(app);
  await byTestId("format-option").first().check();
  await byTestId("choose-files").click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-card"]').length === 3);

  // Only the workbook with a choice to make has the list; the one-sheet workbook and the CSV do not.
  assert.equal(await byTestId("sheet-select").count(), 1);
  const card = page.locator('[data-testid="file-card"][data-file="corrections.xlsx"]');
  const select = card.locator('[data-testid="sheet-select"]');
  assert.equal(await select.inputValue(), "Corrections");
  assert.deepEqual(await select.locator("option").allInnerTexts(), ["Corrections", "Notes"]);
  assert.equal(await card.getByLabel("Sheet").getAttribute("data-testid"), "sheet-select");

  await select.selectOption("Notes");
  await page.waitForFunction(() =>
    document.querySelector('[data-file="corrections.xlsx"] [data-testid="file-status"]').textContent.includes("problem"),
  );
  // Every file is checked again, together, with the new choice.
  assert.deepEqual(app.callsOf("check_files").at(-1).args, {
    paths: [workbook, "/home/ann/single.xlsx", "/home/ann/a.csv"],
    sheets: { [workbook]: "Notes" },
  });
  const rechecked = page.locator('[data-testid="file-card"][data-file="corrections.xlsx"]');
  assert.equal(await rechecked.locator('[data-testid="sheet-select"]').inputValue(), "Notes");
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === "sheet-select"); // focus stays on the list
  await rechecked.locator('[data-testid="file-preview-toggle"]').click();
  assert.match(await rechecked.locator("table").innerText(), /bldg_name[\s\S]*Just a note/);
  assert.match(await rechecked.innerText(), /cannot tell which building/);
  assert.equal(await byTestId("start").isDisabled(), true);

  await rechecked.locator('[data-testid="sheet-select"]').selectOption("Corrections");
  await page.waitForFunction(() => !document.querySelector('[data-testid="start"]').disabled);
  // Adding a file keeps the sheet picked.
  await app.dragDrop({ type: "drop", paths: ["/home/ann/b.csv"], position: { x: 1, y: 1 } });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-card"]').length === 4);
  assert.deepEqual(app.callsOf("check_files").at(-1).args.sheets, { [workbook]: "Corrections" });

  await byTestId("start").click();
  const request = (await app.waitForCall("start_job")).args.request;
  assert.deepEqual(request.sheets, { [workbook]: "Corrections" });
  assert.deepEqual(request.files, [workbook, "/home/ann/single.xlsx", "/home/ann/a.csv", "/home/ann/b.csv"]);
});
