import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandError, prepareDemoUpdate, useBrowser } from "./support/app.mjs";
import * as fixtures from "./support/fixtures.mjs";

const { openApp } = useBrowser();

test("Recent updates lists each update; its details show steps and outputs", async () => {
  const app = await openApp();
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
  const app = await openApp();
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
  const app = await openApp({
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
  const app = await openApp({
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
  const app = await openApp({ settings: { notifications: true } });
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
  const app = await openApp({
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

// After a restart: an update left interrupted (nothing reached the server) and a finished one.
const INTERRUPTED = {
  id: "h-3",
  update_id: null,
  sov_id: fixtures.DEMO_SOV,
  environment: "demo",
  started_at: "2026-11-30T08:00:00Z",
  finished_at: null,
  status: "interrupted",
  files: ["corrections.csv"],
  formats: ["json"],
};
const interruptedDetail = () => ({
  ...INTERRUPTED,
  steps: [{ label: "Update prepared", status: "done", at: "2026-11-30T08:00:00Z" }],
  outputs: [],
  error: { code: "interrupted", message: "Interrupted before the server received it. Retry to send it.", detail: "" },
});

test("Retry is offered for a failed or interrupted update, not for a finished one", async () => {
  const app = await openApp({
    handlers: {
      list_history: () => [INTERRUPTED, ...fixtures.HISTORY],
      get_history: ({ id }) =>
        id === "h-3" ? interruptedDetail() : { ...fixtures.historyDetail(id), error: id === "h-1" ? fixtures.appError("server_error") : null },
    },
  });
  const { byTestId } = app;
  await byTestId("nav-history").click();
  const open = async (index) => {
    await byTestId("history-row").nth(index).locator('[data-testid="history-open"]').click();
    await byTestId("history-steps").waitFor();
  };

  await open(0);
  assert.match(await byTestId("history-job-error").innerText(), /Interrupted before the server received it/);
  assert.equal(await byTestId("history-retry-job").isVisible(), true);
  assert.equal(await byTestId("redownload").count(), 0, "nothing was downloaded, so nothing to download again");
  await byTestId("history-back").click();

  await open(2); // h-1, failed
  assert.equal(await byTestId("history-retry-job").isVisible(), true);
  await byTestId("history-back").click();

  await open(1); // h-2, finished
  assert.equal(await byTestId("history-retry-job").count(), 0);
  assert.equal(await byTestId("redownload").isVisible(), true);
});

test("Retry from Recent updates starts the update again and shows its progress", async () => {
  const app = await openApp({
    handlers: {
      list_history: () => [INTERRUPTED],
      get_history: () => interruptedDetail(),
      retry_job: () => ({ job_id: "j-7" }),
    },
  });
  const { page, byTestId } = app;
  await byTestId("nav-history").click();
  await byTestId("history-open").click();
  await byTestId("history-retry-job").click();
  assert.equal((await app.waitForCall("retry_job")).args.jobId, "h-3");
  await byTestId("view-update").waitFor({ state: "visible" });
  assert.equal(await byTestId("view-history").isHidden(), true);
  await byTestId("run-panel").waitFor({ state: "visible" });
  assert.equal(await page.evaluate(() => document.activeElement.id), "step-run-title");

  await app.push("retry_job", fixtures.snapshot({ phase: "uploading", doneCount: 1, overrides: { job_id: "j-7" } }));
  await page.waitForFunction(() => document.querySelector('[data-testid="run-phase"]').textContent.includes("Uploading"));
  await app.push("retry_job", { ...fixtures.doneSnapshot(), job_id: "j-7" });
  await byTestId("step-downloads").waitFor({ state: "visible" });
});

test("Retry of an update whose file changed since says which file and sends nothing", async () => {
  const message =
    "Nothing was sent. “corrections.csv” has changed since this update was sent, so Retry would not send the same corrections. To send the file as it is now, start a new update with it.";
  const app = await openApp({
    handlers: {
      list_history: () => [INTERRUPTED],
      get_history: () => interruptedDetail(),
      retry_job: () => {
        throw new CommandError({ code: "file_error", message, detail: "/home/ann/corrections.csv: size or SHA-256 differ" });
      },
    },
  });
  const { byTestId } = app;
  await byTestId("nav-history").click();
  await byTestId("history-open").click();
  await byTestId("history-retry-job").click();
  await byTestId("history-retry-error").waitFor();
  assert.equal(await byTestId("history-retry-error-message").innerText(), message);
  assert.equal(await byTestId("view-history").isVisible(), true, "the user stays where the message is");
  assert.equal(await byTestId("view-update").isHidden(), true);
});

test("Recent updates never shows a partial result as plain Finished, and its details list the rows not applied", async () => {
  const rows = { count: 2, named: ["Sheet1 row 99", "Sheet1 row 98"], server_message: "Success. 2 rows matched no building: Sheet1 row 99, Sheet1 row 98." };
  const partial = { ...fixtures.HISTORY[0], rows_not_applied: rows };
  const app = await openApp({
    handlers: {
      list_history: () => [partial, fixtures.HISTORY[1]],
      get_history: () => ({ ...fixtures.historyDetail("h-2"), rows_not_applied: rows }),
    },
  });
  const { byTestId } = app;
  await byTestId("nav-history").click();
  await byTestId("history-row").first().waitFor();
  const status = byTestId("history-row").nth(0).locator('[data-testid="history-status"]');
  assert.equal(await status.innerText(), "Finished, 2 rows not applied");
  await byTestId("history-row").nth(0).locator('[data-testid="history-open"]').click();
  const box = byTestId("history-rows-not-applied");
  await box.waitFor();
  assert.match(await box.innerText(), /Sheet1 row 99[\s\S]*Sheet1 row 98[\s\S]*What to do/);
});

test("Download again from Recent updates never discards the files set up for a new update", async () => {
  const app = await openApp();
  const { byTestId } = app;
  await prepareDemoUpdate(app);
  assert.equal(await byTestId("file-card").count(), 1);
  await byTestId("nav-history").click();
  await byTestId("history-open").first().click();
  await byTestId("redownload").click();
  await app.waitForCall("redownload");
  await app.push("redownload", { ...fixtures.doneSnapshot(), job_id: "j-2" });
  await byTestId("new-update").click();
  await byTestId("start-panel").waitFor({ state: "visible" });
  assert.equal(await byTestId("file-card").count(), 1, "the file added before Download again is still there");
  assert.equal(await byTestId("start").isEnabled(), true);
});

test("Recent updates keeps what an update changed, says when a change did not take, and opens its report", async () => {
  const changes = {
    from_revision: 0,
    to_revision: 1,
    confirmed: 1,
    not_applied: 1,
    derived: 1,
    untouched_buildings: 40,
    summary: "1 requested change confirmed, 1 not applied. SOV Fixer changed 1 other value on its own. 40 buildings untouched.",
    report_path: "/home/ann/Downloads/Acme Corp change report 2026-03-02.xlsx",
    report_exists: true,
  };
  const entry = { ...fixtures.HISTORY[0], changes };
  const app = await openApp({
    handlers: {
      list_history: () => [entry, fixtures.HISTORY[1]],
      get_history: () => ({ ...fixtures.historyDetail("h-2"), changes }),
    },
  });
  const { byTestId } = app;
  await byTestId("nav-history").click();
  await byTestId("history-row").first().waitFor();
  const status = byTestId("history-row").nth(0).locator('[data-testid="history-status"]');
  assert.equal(await status.innerText(), "Finished, 1 change not applied");
  await byTestId("history-row").nth(0).locator('[data-testid="history-open"]').click();
  const box = byTestId("history-what-changed");
  await box.waitFor();
  const text = await box.innerText();
  assert.match(text, /What changed \(revision 0 → 1\)/);
  assert.match(text, /1 change was not applied[\s\S]*40 buildings were left untouched/);
  await byTestId("open-change-report").click();
  await app.waitForCall("open_path");
  assert.deepEqual(app.callsOf("open_path").map((call) => call.args), [{ path: changes.report_path }]);
});

test("an old entry whose change report was moved still says what changed", async () => {
  const changes = {
    from_revision: 2,
    to_revision: 3,
    confirmed: 3,
    not_applied: 0,
    derived: 0,
    untouched_buildings: 9,
    summary: "3 requested changes confirmed. 9 buildings untouched.",
    report_path: "/home/ann/Downloads/Acme Corp change report 2026-03-02.xlsx",
    report_exists: false,
  };
  const app = await openApp({
    handlers: {
      list_history: () => [{ ...fixtures.HISTORY[0], changes }, fixtures.HISTORY[1]],
      get_history: () => ({ ...fixtures.historyDetail("h-2"), changes }),
    },
  });
  const { byTestId } = app;
  await byTestId("nav-history").click();
  await byTestId("history-row").nth(0).locator('[data-testid="history-open"]').click();
  const box = byTestId("history-what-changed");
  await box.waitFor();
  assert.match(await box.innerText(), /3 changes you asked for are confirmed/);
  assert.equal(await byTestId("open-change-report").count(), 0);
  assert.match(await byTestId("change-report-moved").innerText(), /“Acme Corp change report 2026-03-02\.xlsx”; it is no longer in that folder/);
});

test("an update's details list its change report among its files, opened like them", async () => {
  const reportPath = `${fixtures.RUN_FOLDER}/Acme Corp change report 2026-11-29.xlsx`;
  const changes = {
    from_revision: 0,
    to_revision: 1,
    confirmed: 2,
    not_applied: 0,
    derived: 0,
    untouched_buildings: 10,
    summary: "2 requested changes confirmed. 10 buildings untouched.",
    report_path: reportPath,
    report_exists: true,
  };
  const detail = fixtures.historyDetail("h-2");
  const report = { filename: "Acme Corp change report 2026-11-29.xlsx", description: "Change report", path: reportPath, size: 6120, exists: true };
  const app = await openApp({
    handlers: {
      list_history: () => [{ ...fixtures.HISTORY[0], changes }, fixtures.HISTORY[1]],
      get_history: () => ({ ...detail, changes, outputs: [report, ...detail.outputs] }),
    },
  });
  const { byTestId } = app;
  await byTestId("nav-history").click();
  await byTestId("history-row").nth(0).locator('[data-testid="history-open"]').click();
  const item = byTestId("history-detail").locator(`[data-testid="output-item"][data-file="${report.filename}"]`);
  await item.waitFor();
  assert.match(await item.locator('[data-testid="output-meta"]').innerText(), /^Change report · 6.1 KB$/);
  await item.locator('[data-testid="output-open"]').click();
  await app.waitForCall("open_path");
  assert.deepEqual(app.callsOf("open_path").map((call) => call.args), [{ path: reportPath }]);
});
