import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandError, useBrowser } from "./support/app.mjs";
import { axeViolations } from "./support/axe.mjs";
import * as fixtures from "./support/fixtures.mjs";

const { openApp } = useBrowser();
const YEARS = "/home/ann/years.csv";

// A demo update with years.csv added; `total` rows have the problem.
async function yearsApp(total, handlers = {}) {
  const app = await openApp({
    handlers: {
      pick_files: () => [YEARS],
      check_files: () => [fixtures.yearsReport(total)],
      list_problem_rows: ({ offset, limit }) => fixtures.yearsRowsPage(total, offset, limit),
      ...handlers,
    },
  });
  await app.byTestId("try-demo").click();
  await app.byTestId("drop-zone").waitFor({ state: "visible" });
  await app.byTestId("format-option").first().check();
  await app.byTestId("choose-files").click();
  await app.byTestId("file-card").waitFor();
  return app;
}

const listedRows = (app) => app.page.locator('[data-testid="finding-row"]');

test("a 30-problem file lists all 30 rows, each with its column, value and what to do, the count said once", async () => {
  const app = await yearsApp(30);
  const { byTestId, page } = app;
  const finding = byTestId("finding");
  const toggle = byTestId("finding-rows-toggle");
  assert.equal(await toggle.innerText(), "Show all 30 rows");
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  assert.equal(await byTestId("finding-more").count(), 0, "no second count beside the list");
  assert.equal(await byTestId("finding-save-list").innerText(), "Save the list");
  assert.equal((await finding.innerText()).match(/\b30\b/g).length, 1, "the count appears once");

  await toggle.click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="finding-row"]').length === 30);
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  const call = await app.waitForCall("list_problem_rows");
  assert.deepEqual(call.args.problem, { path: YEARS, code: "implausible_year", column: "const__bldg_year_built" });
  assert.deepEqual(Object.keys(call.args.choices).sort(), ["headerRows", "mapping", "sheets"]);
  const rows = listedRows(app);
  const cells = (index) => rows.nth(index).locator("th, td").allInnerTexts();
  assert.deepEqual(await cells(0), ["3", "const__bldg_year_built", "3003", "Check the year built; a typing slip such as 3020 for 2020 is common."]);
  assert.equal((await cells(29))[0], "61", "the last of the 30 rows is listed");
  assert.equal(await byTestId("finding-rows-more").isVisible(), false, "nothing more to show");
  assert.equal(await byTestId("finding-rows-status").innerText(), "");
  assert.deepEqual(await axeViolations(page), []);

  await toggle.click();
  assert.equal(await byTestId("finding-rows").isVisible(), false);
  assert.equal(await toggle.innerText(), "Show all 30 rows");
});

test("a 10,000-row list puts 100 rows in the page and shows more on request, from where it stopped", async () => {
  const app = await yearsApp(10000);
  const { byTestId, page } = app;
  const toggle = byTestId("finding-rows-toggle");
  assert.equal(await toggle.innerText(), "Show all 10,000 rows");
  await toggle.click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="finding-row"]').length === 100);
  assert.equal(await byTestId("finding-rows-status").innerText(), "Showing the first 100.");
  const more = byTestId("finding-rows-more");
  assert.equal(await more.innerText(), "Show 100 more rows");
  await more.click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="finding-row"]').length === 200);
  assert.deepEqual(
    app.callsOf("list_problem_rows").map((call) => [call.args.offset, call.args.limit]),
    [[0, 100], [100, 100]],
  );
  assert.equal(await listedRows(app).nth(100).locator("th").innerText(), "203", "the 101st row follows the 100th");
  assert.equal(
    await page.evaluate(() => document.activeElement?.textContent),
    "203",
    "focus goes to the first new row, so reading goes on from there",
  );
  // The list scrolls inside the card: the page does not grow by 200 rows.
  const box = await byTestId("finding-rows-scroll").boundingBox();
  assert.ok(box.height < 400, `the row list is ${box.height}px high`);
});

test("the row list opens and grows by keyboard alone", async () => {
  const app = await yearsApp(250);
  const { page } = app;
  await app.tabTo("finding-rows-toggle");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="finding-row"]').length === 100);
  await app.tabTo("finding-rows-scroll");
  await app.tabTo("finding-rows-more");
  await page.keyboard.press("Space");
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="finding-row"]').length === 200);
  await app.tabTo("finding-rows-more");
  assert.equal(await app.byTestId("finding-rows-more").innerText(), "Show 50 more rows");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="finding-row"]').length === 250);
  assert.equal(await app.byTestId("finding-rows-more").isVisible(), false);
});

test("rows that cannot be listed say why, beside the list", async () => {
  const gone = {
    code: "invalid_input",
    message: "years.csv no longer has this problem: it was changed since it was checked. Click “Check again” on its card to see its problems now.",
    detail: "implausible_year",
  };
  const app = await yearsApp(30, {
    list_problem_rows: () => {
      throw new CommandError(gone);
    },
  });
  await app.byTestId("finding-rows-toggle").click();
  const error = app.byTestId("finding-rows-error");
  await error.waitFor();
  assert.match(await error.innerText(), /no longer has this problem/);
  assert.equal(await listedRows(app).count(), 0);
});

test("“Check again” reads the file again after it was edited outside the app", async () => {
  let edited = false;
  const app = await yearsApp(30, {
    check_files: () => [edited ? { ...fixtures.yearsReport(1), findings: [], summary: { rows: 60, columns: 3, recognized_columns: 3, errors: 0, warnings: 0 } } : fixtures.yearsReport(30)],
  });
  const { byTestId, page } = app;
  assert.equal(await byTestId("finding").count(), 1);
  edited = true;
  const again = byTestId("file-recheck");
  assert.equal(await again.getAttribute("aria-label"), "Check again: years.csv");
  await again.click();
  await app.waitForCall("check_files", 2);
  await byTestId("finding").waitFor({ state: "detached" });
  assert.deepEqual(app.callsOf("check_files")[1].args.paths, [YEARS]);
  assert.match(await byTestId("file-status").innerText(), /Ready/);
  await page.waitForFunction(() => /Checked years\.csv again\. It looks ready\./.test(document.body.textContent));
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "file-recheck", "focus stays on the button");
});

test("Start sends what each file was checked at; a file changed since and now blocked is refused and shown as it is now", async () => {
  let changed = false;
  const blocked = {
    code: "preflight_blocked",
    message: "years.csv was changed after it was checked, and now it has a problem: The file has no column that says which building each row updates. Nothing was sent. Click “Check again” on its card in step 3 to see every problem.",
    detail: "",
  };
  const app = await yearsApp(30, {
    check_files: () => [changed ? { ...fixtures.blockingReport("years.csv"), stamp: { size: 100, modified_ms: 1796000100000 } } : fixtures.yearsReport(30)],
    start_job: () => {
      changed = true;
      throw new CommandError(blocked);
    },
  });
  const { byTestId } = app;
  await byTestId("start").click();
  const request = (await app.waitForCall("start_job")).args.request;
  assert.deepEqual(request.checked, { [YEARS]: { size: 40960, modified_ms: 1796000000000 } });
  await byTestId("start-error").waitFor();
  assert.match(await byTestId("start-error").innerText(), /was changed after it was checked/);
  await app.waitForCall("check_files", 2);
  await app.page.waitForFunction(() => /problems? to fix/.test(document.querySelector('[data-testid="file-status"]')?.textContent || ""));
  assert.equal(await byTestId("start").isDisabled(), true, "the file as it is now blocks Start");
});

test("“Check again” on a file deleted since says it cannot be read and what to do", async () => {
  let deleted = false;
  const gone = {
    ...fixtures.yearsReport(0),
    summary: { rows: 0, columns: 0, recognized_columns: 0, errors: 1, warnings: 0 },
    header_row: null,
    preview: { header: [], rows: [] },
    blocking: true,
    stamp: null,
    findings: [
      {
        severity: "error",
        code: "file_unreadable",
        file: "years.csv",
        row: null,
        column: null,
        value: null,
        message: "`years.csv` could not be read: it does not exist (it may have been moved or renamed).",
        suggestion: "Check the file is where you picked it and not open in another program, then pick it again.",
        more_count: 0,
        rows: [],
        row_count: 0,
      },
    ],
  };
  const app = await yearsApp(30, { check_files: () => [deleted ? gone : fixtures.yearsReport(30)] });
  const { byTestId, page } = app;
  deleted = true;
  await byTestId("file-recheck").click();
  await app.waitForCall("check_files", 2);
  await page.waitForFunction(() => /could not be read: it does not exist/.test(document.querySelector('[data-testid="finding-message"]')?.textContent || ""));
  assert.match(await byTestId("finding").innerText(), /What to do: Check the file is where you picked it/);
  assert.equal(await byTestId("finding-rows-toggle").count(), 0, "no row list for a file that cannot be read");
  await page.waitForFunction(() => /Checked years\.csv again\. It has problems to fix\./.test(document.body.textContent));
  assert.equal(await byTestId("start").isDisabled(), true);
});

test("a “Check again” that fails shows why, and the card stays as it was", async () => {
  let failing = false;
  const app = await yearsApp(30, {
    check_files: () => {
      if (failing) throw new CommandError(fixtures.appError("internal"));
      return [fixtures.yearsReport(30)];
    },
  });
  const { byTestId } = app;
  failing = true;
  await byTestId("file-recheck").click();
  const error = byTestId("files-error");
  await error.waitFor();
  assert.ok((await error.innerText()).length > 0);
  assert.equal(await byTestId("finding-rows-toggle").innerText(), "Show all 30 rows", "the last check still shows");
});

test("coming back to the window after editing a file checks the changed file again and says so", async () => {
  let edited = false;
  const app = await yearsApp(30, {
    check_files: () => [edited ? { ...fixtures.yearsReport(2), stamp: { size: 41000, modified_ms: 1796000200000 } } : fixtures.yearsReport(30)],
    changed_files: ({ checked }) => Object.keys(checked).filter(() => edited),
  });
  const { byTestId, page } = app;
  // Back without a change: nothing is read again.
  await page.evaluate(() => window.dispatchEvent(new Event("focus")));
  const unchanged = await app.waitForCall("changed_files");
  assert.deepEqual(unchanged.args.checked, { [YEARS]: { size: 40960, modified_ms: 1796000000000 } });
  assert.equal(app.callsOf("check_files").length, 1);

  edited = true;
  await page.evaluate(() => window.dispatchEvent(new Event("focus")));
  await app.waitForCall("check_files", 2);
  await page.waitForFunction(() => /years\.csv changed since it was checked, so it was checked again\./.test(document.body.textContent));
  assert.equal(await byTestId("finding-rows-toggle").innerText(), "Show all 2 rows", "the card shows the file as it is now");
});
