import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import { CommandError, launchBrowser, openApp, pageErrorsOfLastApp } from "./support/app.mjs";
import * as fixtures from "./support/fixtures.mjs";

let browser;
before(async () => {
  browser = await launchBrowser();
});
afterEach(() => {
  assert.deepEqual(pageErrorsOfLastApp(), []);
});
after(async () => {
  await browser?.close();
});

async function demoWithSov(app) {
  await app.byTestId("try-demo").click();
  await app.byTestId("drop-zone").waitFor({ state: "visible" });
}

test("a blocking pre-flight error disables Start and says why; Fix it swaps in the fixed file", async () => {
  const app = await openApp(browser, { handlers: { pick_files: () => ["/home/ann/broken.csv"] } });
  const { page, byTestId } = app;
  await demoWithSov(app);
  await byTestId("format-option").first().check();
  await byTestId("choose-files").click();
  const card = byTestId("file-card");
  await card.waitFor();
  assert.match(await byTestId("file-status").innerText(), /2 problems to fix/);
  const findings = byTestId("finding");
  assert.equal(await findings.count(), 3);
  assert.match(await findings.nth(0).innerText(), /column “sheet_row_numbah”[\s\S]*Did you mean `sheet_row_number`\?[\s\S]*What to do: Rename/);
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
  const app = await openApp(browser, { handlers: { pick_files: () => [] } });
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
  const app = await openApp(browser);
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

test("a drop before the SOV ID is entered is refused with a plain explanation", async () => {
  const app = await openApp(browser);
  const { byTestId } = app;
  await app.dragDrop({ type: "enter", paths: ["/home/ann/a.csv"], position: { x: 1, y: 1 } });
  assert.match(await byTestId("drop-overlay").innerText(), /Enter the SOV ID first/);
  await app.dragDrop({ type: "drop", paths: ["/home/ann/a.csv"], position: { x: 1, y: 1 } });
  assert.equal(app.callsOf("check_files").length, 0);
  await app.page.waitForFunction(() =>
    document.querySelector('[data-testid="announcer"]').textContent.includes("Enter the SOV ID first"),
  );
});

test("a link dropped on the page does not navigate the window away", async () => {
  const app = await openApp(browser);
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
  const app = await openApp(browser, {
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
  const app = await openApp(browser, {
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
