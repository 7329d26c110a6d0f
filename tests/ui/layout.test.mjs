// Where things appear, at the window sizes of an underwriter's laptop: a result is seen where it was asked for,
// the run's controls stay in reach while it runs, and a wide file never widens the page.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandError, prepareDemoUpdate, useBrowser } from "./support/app.mjs";
import * as fixtures from "./support/fixtures.mjs";

const { openApp } = useBrowser();

const LAPTOP = { width: 1280, height: 720 };
const SMALL_LAPTOP = { width: 1024, height: 640 };

// The element's box lies entirely inside the window's visible area (not hidden under the page's fold).
async function assertInViewport(page, locator, what) {
  const box = await locator.boundingBox();
  assert.ok(box, `${what} is not shown at all`);
  const { width, height } = page.viewportSize();
  assert.ok(
    box.y >= 0 && box.y + box.height <= height && box.x >= 0 && box.x + box.width <= width,
    `${what} is outside the ${width}×${height} window: ${JSON.stringify(box)}`,
  );
}

const noHorizontalOverflow = (page) =>
  page.evaluate(() => ({ scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth }));

// A finished update with many kinds of output, as an underwriter who ticks every format gets.
function manyOutputs(count) {
  return Array.from({ length: count }, (_, index) => ({
    filename: `Acme Corp 2026-06 part ${index + 1}.csv`,
    description: `Export ${index + 1}`,
    path: `/home/ann/Downloads/SOV Updater/Acme Corp 2026-06 part ${index + 1}.csv`,
    size: 1200 + index,
    exists: true,
  }));
}

test("a failed “Show in folder” in Recent updates is shown beside that file, in view, and takes the focus", async () => {
  const outputs = manyOutputs(9);
  const app = await openApp({
    viewport: SMALL_LAPTOP,
    handlers: {
      get_history: ({ id }) => ({ ...fixtures.historyDetail(id), outputs }),
      reveal_path: () => {
        throw new CommandError(fixtures.appError("file_error"));
      },
    },
  });
  const { page, byTestId } = app;
  await byTestId("nav-history").click();
  await byTestId("history-open").first().click();
  const first = byTestId("output-item").first();
  await first.locator('[data-testid="output-reveal"]').click();
  const error = byTestId("output-error");
  await error.waitFor();
  // Beside the file it is about, not at the end of the card after every other file.
  assert.equal(await first.locator('[data-testid="output-error"]').count(), 1);
  await assertInViewport(page, error, "the error of Show in folder");
  assert.equal(await page.evaluate(() => Boolean(document.activeElement.closest('[data-testid="output-error"]'))), true);

  // A second failure on another file replaces the first: one error at a time, beside what was clicked last.
  const last = byTestId("output-item").last();
  await last.locator('[data-testid="output-reveal"]').click();
  await last.locator('[data-testid="output-error"]').waitFor();
  assert.equal(await byTestId("output-error").count(), 1);
  await assertInViewport(page, byTestId("output-error"), "the second error of Show in folder");
});

test("a failed Open among the new files of a run is shown beside the file and in view", async () => {
  const app = await openApp({
    viewport: SMALL_LAPTOP,
    handlers: {
      open_path: () => {
        throw new CommandError(fixtures.appError("file_error"));
      },
    },
  });
  const { page, byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  const done = fixtures.doneSnapshot();
  await app.push("start_job", { ...done, outputs: manyOutputs(8).map(({ exists, ...output }) => ({ ...output, sha256: "ab" })) });
  await byTestId("step-downloads").waitFor({ state: "visible" });
  // The user scrolls back up to the first file and opens it.
  const first = byTestId("output-item").first();
  await first.scrollIntoViewIfNeeded();
  await first.locator('[data-testid="output-open"]').click();
  await first.locator('[data-testid="output-error"]').waitFor();
  await assertInViewport(page, byTestId("output-error"), "the error of Open");
});

test("while an update runs, Cancel and the tabs stay in view wherever the page is scrolled", async () => {
  const app = await openApp({ viewport: LAPTOP });
  const { page, byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  await app.push("start_job", fixtures.snapshot({ phase: "processing", doneCount: 4 }));
  await byTestId("run-panel").waitFor();

  // Back at the top of the page, to look at step 1 again: the run's controls are still in reach.
  await page.evaluate(() => window.scrollTo(0, 0));
  const barCancel = byTestId("run-bar-cancel");
  await barCancel.waitFor({ state: "visible" });
  await assertInViewport(page, barCancel, "Cancel (top of the page)");
  assert.match(await byTestId("run-bar").innerText(), /SOV Fixer is working on the update/);

  // At the very bottom, the tabs have not scrolled away.
  await page.evaluate(() => window.scrollTo(0, document.scrollingElement.scrollHeight));
  await assertInViewport(page, byTestId("nav-history"), "the Recent updates tab (bottom of the page)");

  // In Recent updates, the run is still in reach, and its Cancel asks first as the one in step 5 does.
  await byTestId("nav-history").click();
  await byTestId("history-row").first().waitFor();
  await assertInViewport(page, barCancel, "Cancel (Recent updates)");
  await barCancel.click();
  await byTestId("cancel-dialog").waitFor({ state: "visible" });
  await byTestId("cancel-confirm").click();
  assert.deepEqual((await app.waitForCall("cancel_job")).args, { jobId: "j-1" });

  // "Show progress" brings the run back into view.
  await byTestId("run-bar-show").click();
  await byTestId("view-update").waitFor({ state: "visible" });
  await assertInViewport(page, byTestId("run-phase"), "the run's progress after Show progress");

  // Once the update has ended the bar goes: nothing is left to cancel.
  await app.push("start_job", fixtures.snapshot({ phase: "cancelled", doneCount: 4 }));
  await byTestId("run-bar").waitFor({ state: "hidden" });
});

test("the run bar does not double the Cancel that is already in view in step 5", async () => {
  const app = await openApp({ viewport: LAPTOP });
  const { byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  await app.push("start_job", fixtures.snapshot({ phase: "uploading", doneCount: 1 }));
  await byTestId("cancel").scrollIntoViewIfNeeded();
  await byTestId("run-bar").waitFor({ state: "hidden" });
});

test("a preview of a 37-column file scrolls inside its card, and the page never gets wider than the window", async () => {
  const header = Array.from({ length: 37 }, (_, index) => `long_column_name_number_${index + 1}`);
  const wide = (path) => ({
    ...fixtures.cleanReport(path.split("/").pop()),
    path,
    summary: { rows: 3, columns: 37, recognized_columns: 37, errors: 0, warnings: 0 },
    preview: { header, rows: [header.map((name) => `${name} value`)] },
  });
  for (const viewport of [SMALL_LAPTOP, LAPTOP]) {
    const app = await openApp({ viewport, handlers: { check_files: ({ paths }) => paths.map(wide) } });
    const { page, byTestId } = app;
    await prepareDemoUpdate(app);
    await byTestId("file-preview-toggle").click();
    const table = byTestId("file-preview-table");
    await table.waitFor();
    const { scrollWidth, innerWidth } = await noHorizontalOverflow(page);
    assert.ok(scrollWidth <= innerWidth, `at ${viewport.width}px the page is ${scrollWidth}px wide`);
    // The table is reachable by scrolling its own box.
    assert.ok(await table.evaluate((box) => box.scrollWidth > box.clientWidth));
    const start = byTestId("start");
    await start.scrollIntoViewIfNeeded();
    await assertInViewport(page, start, `Start at ${viewport.width}px with a wide preview open`);
    await page.close();
  }
});

test("an SOV that does not exist is said in step 2, beside the SOV, not only in step 4", async () => {
  const app = await openApp({
    viewport: SMALL_LAPTOP,
    handlers: {
      list_output_formats: () => {
        throw new CommandError(fixtures.appError("not_found"));
      },
    },
  });
  const { byTestId } = app;
  await byTestId("try-demo").click();
  const problem = byTestId("step-sov").locator('[data-testid="sov-problem"]');
  await problem.waitFor();
  assert.match(await problem.innerText(), new RegExp(fixtures.ERROR_CODES.not_found.slice(0, 30).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  // Step 4 points back to it rather than repeating it far from the field.
  assert.match(await byTestId("step-outputs").innerText(), /step 2/);
  assert.equal(await byTestId("step-outputs").locator('[data-testid="formats-error"]').count(), 0);
});
