// The Excel round trip in the window (issue 14): "Get a corrections workbook" in step 2, the preview of what an added
// file changes in step 3 (per building, old → new; rows matching no building; values SOV Fixer changed too; values
// worth a second look), and Start saying how much it sends.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandError, useBrowser, waitForChosenSov } from "./support/app.mjs";
import { axeViolations } from "./support/axe.mjs";
import * as fixtures from "./support/fixtures.mjs";
import * as roundtrip from "./support/roundtrip-fixtures.mjs";

const { openApp } = useBrowser();

// The demo with `path` added in step 3 and one output format ticked; resolves once the preview is shown.
async function demoWithFile(app, path) {
  const { byTestId } = app;
  await byTestId("try-demo").click();
  await waitForChosenSov(app, "s-demo-sample");
  await byTestId("choose-files").click();
  await byTestId("file-card").first().waitFor();
  await byTestId("format-option").first().check();
  await byTestId("preview").first().waitFor();
}

const filesAre = (path) => ({ pick_files: () => [path] });

async function rowsOf(app) {
  return app.page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="preview-building"]')].map((group) => ({
      building: group.querySelector(".change-building").textContent,
      changes: [...group.querySelectorAll('[data-testid="preview-change"]')].map((row) =>
        [row.querySelector("th").textContent, row.querySelector('[data-testid="preview-old"]').textContent, row.querySelector('[data-testid="preview-new"]').textContent].join(" → "),
      ),
    })),
  );
}

test("Get a corrections workbook saves the chosen SOV's workbook, opens it, and can show it in its folder", async () => {
  const app = await openApp();
  const { byTestId } = app;
  await byTestId("try-demo").click();
  await waitForChosenSov(app, "s-demo-sample");

  await byTestId("workbook-columns-all").check();
  await byTestId("workbook-get").click();

  const made = await app.waitForCall("corrections_workbook");
  assert.deepEqual(made.args, { sovId: "s-demo-sample", columns: "all" });
  const opened = await app.waitForCall("open_path");
  assert.deepEqual(opened.args, { path: roundtrip.WORKBOOK_PATH });
  assert.equal(await byTestId("workbook-file-name").innerText(), "Demo Insured corrections 2026-12-06.xlsx");
  assert.match(await byTestId("workbook-saved").innerText(), /in your download folder: 2 buildings, as of revision 0\. Change the values that are wrong/);

  await byTestId("workbook-reveal").click();
  assert.deepEqual((await app.waitForCall("reveal_path")).args, { path: roundtrip.WORKBOOK_PATH });
  await byTestId("workbook-open").click();
  await app.waitForCall("open_path", 2);
});

test("a workbook that cannot be made, or opened, says why and what to do", async () => {
  const app = await openApp({
    handlers: {
      corrections_workbook: () => {
        throw new CommandError(fixtures.appError("network_unreachable"));
      },
    },
  });
  const { byTestId } = app;
  await byTestId("try-demo").click();
  await waitForChosenSov(app, "s-demo-sample");
  await byTestId("workbook-get").click();
  await byTestId("workbook-error").waitFor();
  assert.equal(await byTestId("workbook-error-message").innerText(), fixtures.appError("network_unreachable").message);
  assert.equal(await byTestId("workbook-saved").count(), 0);
  assert.equal(await byTestId("workbook-get").isEnabled(), true, "the user can try again");

  const noProgram = {
    code: "file",
    message: "No program on this computer could open the file. Use “Show in folder” and open it from there.",
    detail: "no handler",
  };
  const second = await openApp({
    handlers: {
      open_path: () => {
        throw new CommandError(noProgram);
      },
    },
  });
  await second.byTestId("try-demo").click();
  await waitForChosenSov(second, "s-demo-sample");
  await second.byTestId("workbook-get").click();
  await second.byTestId("workbook-open-error").waitFor();
  assert.equal(await second.byTestId("workbook-open-error-message").innerText(), noProgram.message);
  assert.match(await second.byTestId("workbook-saved").innerText(), /Saved Demo Insured corrections 2026-12-06\.xlsx/, "saved all the same");
});

test("an edited workbook shows each building's changes old → new, and Start sends only those", async () => {
  const app = await openApp({ handlers: filesAre("/home/ann/edited.xlsx") });
  const { page, byTestId } = app;
  await demoWithFile(app, "/home/ann/edited.xlsx");

  assert.deepEqual((await app.waitForCall("preview_files")).args, { sovId: "s-demo-sample", paths: ["/home/ann/edited.xlsx"] });
  assert.equal(await byTestId("preview-summary").innerText(), "2 buildings change, 3 values.");
  assert.deepEqual(await rowsOf(app), [
    {
      building: "Lincoln Road Tower, 1111 Lincoln Rd, Miami Beach (Sheet1, row 2)",
      changes: ["Year built → 1969 → 1972", "Roof covering → Built-up → Metal"],
    },
    {
      building: "Capitol Hill Offices, 1600 Pennsylvania Ave SE, Washington (Sheet1, row 3)",
      changes: ["Building value → 200,000 → 250,000"],
    },
  ]);
  assert.match(await byTestId("preview-sent-as").innerText(), /Only the changed values are sent/);
  await page.waitForFunction(() => !document.querySelector('[data-testid="start"]').disabled);
  assert.equal(await byTestId("start").innerText(), "Start: send 3 changes");
  assert.match(await byTestId("start-reason").innerText(), /Everything is ready: 3 changed values will be sent\./);
  await app.screenshot("roundtrip-preview");

  await byTestId("start").click();
  const request = (await app.waitForCall("start_job")).args.request;
  assert.deepEqual(request.files, ["/home/ann/edited.xlsx"]);
  assert.equal("sendAsIs" in request, false, "only the changes are sent");
  assert.equal("staleChoices" in request, false);
});

test("the preview filters by attribute and searches buildings and values", async () => {
  const app = await openApp({ handlers: filesAre("/home/ann/edited.xlsx") });
  const { byTestId } = app;
  await demoWithFile(app, "/home/ann/edited.xlsx");
  const visibleChanges = () => app.page.locator('[data-testid="preview-change"]:visible');

  await byTestId("preview-filter").selectOption("Building value");
  assert.equal(await visibleChanges().count(), 1);
  assert.match(await visibleChanges().first().innerText(), /Building value\s+200,000\s+→\s+250,000/);
  assert.equal(await byTestId("preview-building").nth(0).isVisible(), false, "a building without a shown change is hidden");

  await byTestId("preview-filter").selectOption("");
  await byTestId("preview-search").fill("lincoln");
  assert.equal(await visibleChanges().count(), 2);
  await byTestId("preview-search").fill("metal");
  assert.equal(await visibleChanges().count(), 1);
  await byTestId("preview-search").fill("nothing like this");
  assert.equal(await visibleChanges().count(), 0);
  assert.match(await byTestId("preview-no-match").innerText(), /No change matches/);
});

test("money in the preview is shown with thousands separators and its exact amount kept; years are shown as they are", async () => {
  const app = await openApp({ handlers: filesAre("/home/ann/edited.xlsx") });
  const { page, byTestId } = app;
  await demoWithFile(app, "/home/ann/edited.xlsx");
  const row = (attribute) => page.locator(`[data-testid="preview-change"][data-attribute="${attribute}"]`);

  const money = row("limits__building_value");
  assert.equal(await money.locator('[data-testid="preview-old"]').innerText(), "200,000");
  assert.equal(await money.locator('[data-testid="preview-new"]').innerText(), "250,000");
  // The exact amount, as sent, for a screen reader or a pointer resting on it.
  const amounts = money.locator('[data-testid="preview-amount"]');
  assert.deepEqual(await amounts.evaluateAll((nodes) => nodes.map((node) => [node.tagName, node.getAttribute("value"), node.title])), [
    ["DATA", "200000", "200000"],
    ["DATA", "250000", "250000"],
  ]);

  const year = row("const__bldg_year_built");
  assert.equal(await year.locator('[data-testid="preview-old"]').innerText(), "1969");
  assert.equal(await year.locator('[data-testid="preview-new"]').innerText(), "1972");
  assert.equal(await year.locator('[data-testid="preview-amount"]').count(), 0);

  // Found by the amount as shown and as typed.
  const visibleChanges = () => page.locator('[data-testid="preview-change"]:visible');
  await byTestId("preview-search").fill("250,000");
  assert.equal(await visibleChanges().count(), 1);
  await byTestId("preview-search").fill("250000");
  assert.equal(await visibleChanges().count(), 1);
});

test("a row matching no building is listed with its reason and blocks Start, unless the file is sent as it is", async () => {
  const app = await openApp({ handlers: filesAre("/home/ann/blocked.xlsx") });
  const { page, byTestId } = app;
  await demoWithFile(app, "/home/ann/blocked.xlsx");

  assert.match(await byTestId("preview-summary").innerText(), /1 row matches no building in this SOV\./);
  assert.match(await byTestId("preview-unmatched").innerText(), /1 row matches no building in this SOV/);
  assert.equal(await byTestId("preview-unmatched-row").innerText(), "Row 3: Row 3 names row 99 of sheet “Sheet1”, which this SOV does not have.");
  assert.equal(await byTestId("preview-unmatched-row").getAttribute("data-reason"), "no_such_row");
  assert.equal(await byTestId("start").isDisabled(), true);
  assert.match(await byTestId("start-reason").innerText(), /Rows in blocked\.xlsx match no building in this SOV\. Correct or remove them/);

  await byTestId("preview-advanced-toggle").click();
  await byTestId("send-as-is").check();
  await page.waitForFunction(() => !document.querySelector('[data-testid="start"]').disabled);
  assert.equal(await byTestId("start").innerText(), "Start the update");
  assert.match(await byTestId("start-reason").innerText(), /your files will be sent exactly as they are/);
  await byTestId("start").click();
  assert.equal((await app.waitForCall("start_job")).args.request.sendAsIs, true);
});

test("a value SOV Fixer changed too shows its three values, and Start waits for the choice, made with the keyboard", async () => {
  const app = await openApp({ handlers: filesAre("/home/ann/stale.xlsx") });
  const { page, byTestId } = app;
  await demoWithFile(app, "/home/ann/stale.xlsx");

  assert.match(
    await byTestId("preview-stale-base").innerText(),
    /newer revision of this SOV \(revision 1\) than the one this workbook was made from \(revision 0\)\. 1 value you changed was changed on SOV Fixer too/,
  );
  const cell = byTestId("stale-cell");
  assert.match(await cell.innerText(), /Lincoln Road Tower, 1111 Lincoln Rd, Miami Beach: Year built \(row 2\)/);
  assert.match(await cell.innerText(), /Yours: 1972/);
  assert.match(await cell.innerText(), /On SOV Fixer now: 1980/);
  assert.match(await cell.innerText(), /When the workbook was made: 1969/);
  assert.equal(await byTestId("start").isDisabled(), true);
  assert.match(await byTestId("start-reason").innerText(), /Choose which value to keep for 1 value that SOV Fixer changed since your workbook was made/);

  // Keyboard only: Tab onto the choice, the arrow keys move it.
  await app.tabTo("stale-keep-yours");
  await page.keyboard.press("ArrowDown");
  assert.equal(await byTestId("stale-keep-server_now").isChecked(), true);
  await page.waitForFunction(() => !document.querySelector('[data-testid="start"]').disabled);
  assert.equal(await byTestId("start").innerText(), "Start: send 2 changes", "SOV Fixer's year built is kept, not sent");
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "stale-keep-server_now", "the focus stays on the choice");

  await app.tabTo("start");
  await page.keyboard.press("Enter");
  const request = (await app.waitForCall("start_job")).args.request;
  assert.deepEqual(request.staleChoices, [{ itemKey: "i-s-demo-sample!Sheet1!2", attribute: "const__bldg_year_built", keep: "server_now" }]);
});

test("values worth a second look are flagged, cleared cells explained, unknown columns warned, and none blocks", async () => {
  const app = await openApp({ handlers: filesAre("/home/ann/flagged.xlsx") });
  const { page, byTestId } = app;
  await demoWithFile(app, "/home/ann/flagged.xlsx");

  const flags = await byTestId("preview-flag").allInnerTexts();
  assert.deepEqual(flags, [
    "Row 2, Year built: 2090 is after this year. Check the year built.",
    "Row 3, Building value: The building value changes from 200000 to 2000000, more than ×2. Check it is right.",
  ]);
  assert.equal(await byTestId("preview-cleared-cell").innerText(), "Row 3, Roof covering: Clearing a cell does not remove the value on SOV Fixer, so it is not sent.");
  assert.equal(await byTestId("preview-warning").innerText(), "The column “My notes” is not in the workbook's map; it is not sent.");
  assert.equal(await page.locator('[data-testid="preview-change"] .badge-warning').count(), 2, "both flagged cells are marked in the table");
  await page.waitForFunction(() => !document.querySelector('[data-testid="start"]').disabled);
  assert.equal(await byTestId("start").innerText(), "Start: send 2 changes");
});

test("a preview that could not be made says so, blocks Start, and Try again makes it", async () => {
  let fail = true;
  const app = await openApp({
    handlers: {
      ...filesAre("/home/ann/edited.xlsx"),
      preview_files: ({ paths }) => {
        if (fail) throw new CommandError(fixtures.appError("server_error"));
        return roundtrip.previewsFor(paths);
      },
    },
  });
  const { byTestId } = app;
  await byTestId("try-demo").click();
  await waitForChosenSov(app, "s-demo-sample");
  await byTestId("choose-files").click();
  await byTestId("format-option").first().check();
  await byTestId("preview-error").waitFor();
  assert.equal(await byTestId("preview-error-message").innerText(), fixtures.appError("server_error").message);
  assert.equal(await byTestId("start").isDisabled(), true);
  assert.match(await byTestId("start-reason").innerText(), /The preview of your changes could not be made\. Use “Try again” in step 3, or send the files as they are/);

  fail = false;
  await byTestId("preview-retry").click();
  await byTestId("preview-summary").waitFor();
  assert.equal(await byTestId("preview-summary").innerText(), "2 buildings change, 3 values.");
  await app.page.waitForFunction(() => !document.querySelector('[data-testid="start"]').disabled);
});

test("a file that holds no corrections gets no preview, and the file check speaks for it", async () => {
  const app = await openApp({ handlers: filesAre("/home/ann/notes.csv") });
  const { byTestId } = app;
  await demoWithFile(app, "/home/ann/notes.csv");
  assert.match(await byTestId("preview-unreadable").innerText(), /notes\.csv has no columns that say which building each row is .* No preview can be shown/);
  assert.equal(await byTestId("preview-table").count(), 0);
});

test("a CSV the user made is previewed and sent as it is; a workbook that changes nothing is not sent", async () => {
  const app = await openApp();
  const { page, byTestId } = app;
  await demoWithFile(app, "/home/ann/corrections.csv");
  assert.match(await byTestId("preview-sent-as").innerText(), /This file is sent as it is/);
  await page.waitForFunction(() => !document.querySelector('[data-testid="start"]').disabled);
  assert.match(await byTestId("start-reason").innerText(), /Everything is ready: corrections\.csv will be sent as it is\./);

  const unchanged = await openApp({
    handlers: { ...filesAre("/home/ann/edited.xlsx"), preview_files: ({ paths }) => paths.map((path) => ({ ...roundtrip.changesPreview(path), summary: "Nothing changes. 2 rows change nothing.", change_count: 0, buildings: [], unchanged_rows: 2 })) },
  });
  await demoWithFile(unchanged, "/home/ann/edited.xlsx");
  assert.equal(await unchanged.byTestId("start").isDisabled(), true);
  assert.match(await unchanged.byTestId("start-reason").innerText(), /Nothing to send: every value in your files is already on SOV Fixer/);
});

test("the preview is readable at the smallest window size and has no accessibility violations", async () => {
  const app = await openApp({ handlers: filesAre("/home/ann/stale.xlsx"), viewport: { width: 720, height: 560 } });
  await demoWithFile(app, "/home/ann/stale.xlsx");
  const overflow = await app.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, "nothing pushes the window sideways");
  assert.deepEqual(await axeViolations(app.page), []);
});

test("the demo offers its SOV's corrections workbook in step 3, beside the sample file", async () => {
  const app = await openApp();
  const { byTestId } = app;
  await byTestId("try-demo").click();
  await waitForChosenSov(app, "s-demo-sample");
  await byTestId("demo-workbook-offer").waitFor();
  await app.screenshot("roundtrip-demo-offer");
  await byTestId("demo-workbook-get").click();
  assert.deepEqual((await app.waitForCall("corrections_workbook")).args, { sovId: "s-demo-sample", columns: "default" });
  await app.waitForCall("open_path");
  await byTestId("workbook-saved").waitFor();

  await byTestId("choose-files").click();
  await byTestId("file-card").waitFor();
  assert.equal(await byTestId("demo-workbook-offer").isHidden(), true, "not offered once a file is added");
});
