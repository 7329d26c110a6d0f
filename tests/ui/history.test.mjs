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

test("Recent updates lists each update; its details show steps and outputs", async () => {
  const app = await openApp(browser);
  const { page, byTestId } = app;
  await byTestId("nav-history").click();
  await byTestId("history-row").first().waitFor();
  assert.equal(await byTestId("nav-history").getAttribute("aria-current"), "page");
  assert.equal(await byTestId("view-update").isHidden(), true);
  const rows = byTestId("history-row");
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).innerText(), /s-demo-sample[\s\S]*corrections\.csv[\s\S]*json, sovfixer_xlsx[\s\S]*Finished/);
  assert.match(await rows.nth(1).innerText(), /s-acme-2025[\s\S]*acme\.xlsx[\s\S]*Failed/);
  await app.screenshot("11-history");

  await rows.nth(0).locator('[data-testid="history-open"]').click();
  await byTestId("history-steps").waitFor();
  assert.deepEqual(app.callsOf("get_history")[0].args, { id: "h-2" });
  assert.equal(await byTestId("history-step").count(), 4);
  assert.match(await byTestId("history-step").nth(1).innerText(), /Uploading corrections\.csv[\s\S]*Done/);
  assert.equal(await byTestId("history-update-id").innerText(), "s-demo-sample-r002");
  const outputs = byTestId("output-item");
  assert.equal(await outputs.count(), 2);
  // A file deleted since is said so, and only "Download again" is offered for it.
  assert.match(await outputs.nth(1).innerText(), /no longer on this computer/);
  assert.equal(await outputs.nth(1).locator('[data-testid="output-open"]').count(), 0);
  await app.screenshot("12-history-detail");

  await outputs.nth(0).locator('[data-testid="output-reveal"]').click();
  assert.deepEqual((await app.waitForCall("reveal_path")).args, { path: fixtures.OUTPUTS[0].path });
  await byTestId("copy-update-id").click();
  await page.waitForFunction(() =>
    /copied|Could not copy/.test(document.querySelector('[data-testid="announcer"]').textContent),
  );

  await byTestId("history-back").click();
  await byTestId("history-row").first().waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), "history-open");
});

test("Download again runs a job and shows its progress and files", async () => {
  const app = await openApp(browser);
  const { byTestId } = app;
  await byTestId("nav-history").click();
  await byTestId("history-open").first().click();
  await byTestId("redownload").click();
  assert.deepEqual((await app.waitForCall("redownload")).args.id, "h-2");
  await byTestId("view-update").waitFor({ state: "visible" });
  await app.push("redownload", { ...fixtures.doneSnapshot(), job_id: "j-2" });
  await byTestId("step-downloads").waitFor({ state: "visible" });
  assert.equal(await byTestId("step-downloads").locator('[data-testid="output-item"]').count(), 2);
});

test("history failures and an empty history are explained", async () => {
  let fail = true;
  const app = await openApp(browser, {
    handlers: {
      list_history: () => {
        if (fail) {
          fail = false;
          throw new CommandError(fixtures.appError("internal"));
        }
        return [];
      },
      get_history: () => {
        throw new CommandError(fixtures.appError("not_found"));
      },
    },
  });
  const { byTestId } = app;
  await byTestId("nav-history").click();
  await byTestId("history-error").waitFor();
  assert.equal(await byTestId("history-error-message").innerText(), fixtures.ERROR_CODES.internal);
  await byTestId("history-retry").click();
  await byTestId("history-empty").waitFor();
  assert.match(await byTestId("history-empty").innerText(), /No updates yet/);
});

test("a history entry that cannot be opened shows why", async () => {
  const app = await openApp(browser, {
    handlers: {
      get_history: () => {
        throw new CommandError(fixtures.appError("not_found"));
      },
    },
  });
  await app.byTestId("nav-history").click();
  await app.byTestId("history-open").first().click();
  await app.byTestId("history-detail-error").waitFor();
  assert.equal(await app.byTestId("history-detail-error-message").innerText(), fixtures.ERROR_CODES.not_found);
});

test("the notification setting is shown and saved", async () => {
  const app = await openApp(browser, { settings: { notifications: true } });
  const { page, byTestId } = app;
  assert.equal(await byTestId("notify-toggle").isChecked(), true);
  await byTestId("notify-toggle").uncheck();
  assert.deepEqual((await app.waitForCall("save_preferences")).args, { notifications: false });
  await page.waitForFunction(() => document.querySelector('[data-testid="announcer"]').textContent.includes("off"));
  await page.reload();
  await page.waitForSelector("body[data-ready='true']");
  assert.equal(await byTestId("notify-toggle").isChecked(), false);
});

test("a failed save of the notification setting puts the toggle back and says so", async () => {
  const app = await openApp(browser, {
    settings: { notifications: true },
    handlers: {
      save_preferences: () => {
        throw new CommandError(fixtures.appError("file_error"));
      },
    },
  });
  // click, not uncheck: the app is expected to put the tick back.
  await app.byTestId("notify-toggle").click();
  await app.byTestId("notify-error").waitFor();
  assert.equal(await app.byTestId("notify-toggle").isChecked(), true);
});
