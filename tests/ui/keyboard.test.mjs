import assert from "node:assert/strict";
import { test } from "node:test";
import { useBrowser, waitForChosenSov } from "./support/app.mjs";
import * as fixtures from "./support/fixtures.mjs";

const { openApp } = useBrowser();

async function focusIsVisible(page) {
  return page.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  });
}

test("the whole update can be done with the keyboard alone, with a visible focus", async () => {
  const app = await openApp({ handlers: { pick_files: () => ["/home/ann/broken.csv"] } });
  const { page, byTestId } = app;

  await app.tabTo("try-demo");
  assert.equal(await focusIsVisible(page), true);
  await page.keyboard.press("Enter");
  // Focus moves to the chosen SOV's card ("Change") so the next Tab continues from there.
  await page.waitForFunction(() => document.activeElement?.dataset.testid === "sov-change");
  await waitForChosenSov(app, "s-demo-sample");

  await app.tabTo("update-type");
  await page.keyboard.press("ArrowDown");
  assert.equal(await byTestId("update-type").inputValue(), "SCRUB");

  await app.tabTo("choose-files");
  assert.equal(await focusIsVisible(page), true);
  await page.keyboard.press("Enter");
  await byTestId("file-card").waitFor();

  await app.tabTo("file-fix");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector('[data-testid="file-card"]').dataset.file === "broken.fixed.csv");

  await app.tabTo("format-option");
  assert.equal(await focusIsVisible(page), true);
  await page.keyboard.press("Space");
  assert.equal(await byTestId("format-option").first().isChecked(), true);

  await app.tabTo("extra-insured-name");
  await page.keyboard.type("Acme Corp");

  await app.tabTo("start");
  await page.keyboard.press("Enter");
  const call = await app.waitForCall("start_job");
  assert.equal(call.args.request.updateType, "SCRUB");
  assert.deepEqual(call.args.request.extraData, { insured_name: "Acme Corp" });
  await app.push("start_job", fixtures.snapshot({ phase: "processing", doneCount: 4 }));

  await app.tabTo("cancel");
  await page.keyboard.press("Enter");
  await byTestId("cancel-dialog").waitFor({ state: "visible" });
  // The safe choice has focus; Tab reaches the confirm button.
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), "cancel-keep");
  await page.keyboard.press("Enter");
  await byTestId("cancel-dialog").waitFor({ state: "hidden" });

  await app.push("start_job", fixtures.doneSnapshot());
  await app.tabTo("output-open");
  await page.keyboard.press("Enter");
  await app.waitForCall("open_path");
  await app.tabTo("output-reveal");
  await page.keyboard.press("Enter");
  await app.waitForCall("reveal_path");
  assert.equal(app.callsOf("cancel_job").length, 0);
});

test("Show details opens with the keyboard and the details can be reached", async () => {
  const app = await openApp({
    settings: { has_key: true, key_source: "keychain" },
  });
  const { page, byTestId } = app;
  await app.tabTo("key-remove");
  await page.keyboard.press("Enter");
  await app.tabTo("api-key");
  await page.keyboard.press("Enter"); // empty key: a plain message, not a crash
  await byTestId("connect-error").waitFor();
  assert.match(await byTestId("connect-error-message").innerText(), /Paste your API key/);
  await app.tabTo("connect-error-show-details");
  await page.keyboard.press("Enter");
  await app.tabTo("connect-error-detail-text");
  await app.tabTo("connect-error-copy");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /Copied|Selected/.test(document.querySelector('[data-testid="connect-error-copy"]').textContent));
});

test("About opens and closes by keyboard", async () => {
  const app = await openApp();
  const { page, byTestId } = app;
  await app.tabTo("about-open");
  await page.keyboard.press("Enter");
  await byTestId("about-dialog").waitFor({ state: "visible" });
  assert.equal(await byTestId("about-version").innerText(), "0.1.0");
  assert.equal(await byTestId("about-commit").innerText(), "abc1234");
  await page.keyboard.press("Escape");
  await byTestId("about-dialog").waitFor({ state: "hidden" });
});

test("after Remove, focus goes to Choose files, never onto the next card's Remove", async () => {
  const app = await openApp({ handlers: { pick_files: () => ["/home/ann/corrections.csv", "/home/ann/more.csv"] } });
  const { page, byTestId } = app;
  await byTestId("try-demo").click();
  await waitForChosenSov(app, "s-demo-sample");
  await byTestId("choose-files").click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-card"]').length === 2);
  await byTestId("file-remove").first().focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-card"]').length === 1);
  await page.waitForFunction(() => document.activeElement?.dataset.testid === "choose-files");
  // A second Enter opens the file picker; it deletes nothing.
  assert.equal(await byTestId("file-card").count(), 1);
});

test("Ctrl+O adds files and Ctrl+Enter starts; both are shown in the buttons' tooltips", async () => {
  const app = await openApp();
  const { page, byTestId } = app;
  assert.match(await byTestId("choose-files").getAttribute("title"), /Ctrl\+O/);
  assert.match(await byTestId("start").getAttribute("title"), /Ctrl\+Enter/);
  await byTestId("try-demo").click();
  await waitForChosenSov(app, "s-demo-sample");
  await page.keyboard.press("Control+o");
  await byTestId("file-card").first().waitFor();
  assert.equal(app.callsOf("pick_files").length, 1);
  await byTestId("format-option").first().check();
  await page.waitForFunction(() => !document.querySelector('[data-testid="start"]').disabled);
  await byTestId("client-ref").focus();
  await page.keyboard.press("Control+Enter");
  await app.waitForCall("start_job");
});
