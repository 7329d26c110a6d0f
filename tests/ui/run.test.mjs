import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandError, pasteSov, prepareDemoUpdate, useBrowser, waitForChosenSov } from "./support/app.mjs";
import * as fixtures from "./support/fixtures.mjs";

const { openApp } = useBrowser();

const phaseIs = (page, text) =>
  page.waitForFunction((wanted) => document.querySelector('[data-testid="run-phase"]').textContent.includes(wanted), text);

test("cancel asks first, explains what it means once the server has started, then cancels", async () => {
  const app = await openApp();
  const { page, byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  await app.push("start_job", fixtures.snapshot({ phase: "processing", doneCount: 4 }));
  await byTestId("cancel").click();
  const dialog = byTestId("cancel-dialog");
  await dialog.waitFor({ state: "visible" });
  assert.match(await dialog.innerText(), /server may still finish the update[\s\S]*nothing more will be downloaded/);
  await app.screenshot("07-cancel-dialog");
  await byTestId("cancel-keep").click();
  await dialog.waitFor({ state: "hidden" });
  assert.equal(app.callsOf("cancel_job").length, 0);

  await byTestId("cancel").click();
  await byTestId("cancel-confirm").click();
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual((await app.waitForCall("cancel_job")).args, { jobId: "j-1" });
  await app.push("start_job", fixtures.snapshot({ phase: "cancelled", doneCount: 4 }));
  await byTestId("cancelled-notice").waitFor();
  assert.equal(await byTestId("cancel").isHidden(), true);
  await phaseIs(page, "cancelled");

  // "Start a new update" clears the job and discards nothing the user set up: the SOV and the files stay.
  await byTestId("new-update").click();
  await byTestId("start-panel").waitFor({ state: "visible" });
  assert.equal(await byTestId("file-card").count(), 1);
  await waitForChosenSov(app, "s-demo-sample");
});

test("closing the window during a demo update says the practice server stops with the app, and closes only when confirmed", async () => {
  const app = await openApp({ handlers: { confirm_close: () => null } });
  const { byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  await app.push("start_job", fixtures.snapshot({ phase: "processing", doneCount: 4 }));
  assert.equal(await app.emit("close-requested"), 1);
  const dialog = byTestId("close-dialog");
  await dialog.waitFor({ state: "visible" });
  const text = await dialog.innerText();
  // The demo cannot keep the real service's promise: its server stops with the app.
  assert.doesNotMatch(text, /keeps working|picks\s+the update up again/);
  assert.match(text, /practice server[\s\S]*stops when you close it[\s\S]*Retry/);
  assert.equal(await byTestId("close-confirm").innerText(), "Close and stop the demo update");
  await byTestId("close-keep").click();
  await dialog.waitFor({ state: "hidden" });
  assert.equal(app.callsOf("confirm_close").length, 0);
  await app.emit("close-requested");
  await byTestId("close-confirm").click();
  await app.waitForCall("confirm_close");
});

test("before the server has started, cancelling is explained as harmless", async () => {
  const app = await openApp();
  await prepareDemoUpdate(app);
  await app.byTestId("start").click();
  await app.push("start_job", fixtures.snapshot({ phase: "uploading", doneCount: 1 }));
  await app.byTestId("cancel").click();
  assert.match(await app.byTestId("cancel-dialog").innerText(), /not started working on this update yet[\s\S]*SOV is not changed/);
  await app.page.keyboard.press("Escape");
  await app.byTestId("cancel-dialog").waitFor({ state: "hidden" });
  assert.equal(app.callsOf("cancel_job").length, 0);
});

test("a failed job shows the plain message, copyable details, and Retry resumes it", async () => {
  const app = await openApp();
  const { page, byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  const failure = { ...fixtures.appError("job_failed"), step: "process" };
  await app.push("start_job", fixtures.snapshot({ phase: "failed", doneCount: 4, overrides: { error: failure } }));
  await byTestId("job-error").waitFor();
  assert.equal(await byTestId("job-error-message").innerText(), failure.message);
  assert.equal(await byTestId("run-step").nth(4).getAttribute("data-status"), "failed");
  assert.equal(await byTestId("job-error-detail-text").isHidden(), true);
  await byTestId("job-error-show-details").click();
  const detailText = await byTestId("job-error-detail-text").innerText();
  assert.ok(detailText.includes(failure.detail), detailText);
  assert.match(detailText, /Error code: job_failed/);
  assert.equal(await byTestId("job-error-show-details").getAttribute("aria-expanded"), "true");
  await app.screenshot("08-failed");

  await byTestId("retry").click();
  assert.equal((await app.waitForCall("retry_job")).args.jobId, "j-1");
  await app.push("retry_job", fixtures.snapshot({ phase: "processing", doneCount: 4 }));
  await phaseIs(page, "working on the update");
  assert.equal(await byTestId("job-error").count(), 0);
  // Snapshots from the old channel no longer move the view.
  await app.push("start_job", fixtures.snapshot({ phase: "failed", doneCount: 4, overrides: { error: failure } }));
  await app.push("retry_job", fixtures.doneSnapshot());
  await byTestId("step-downloads").waitFor({ state: "visible" });
  await phaseIs(page, "Done");
  assert.deepEqual(app.pageErrors, []);
});

// The window shows every code the same way (message, details, the form still usable); the codes it branches on
// have tests of their own (keychain_unavailable: connect.test.mjs). The message is the app's real one.
test("an error from start_job is shown with the app's message and details, and the form stays usable", async () => {
  const error = fixtures.appError("no_api_key");
  const app = await openApp({
    handlers: {
      start_job: () => {
        throw new CommandError(error);
      },
    },
  });
  const { byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  const box = byTestId("start-error");
  await box.waitFor();
  assert.equal(await box.getAttribute("role"), "alert");
  assert.equal(await box.getAttribute("data-code"), "no_api_key");
  assert.equal(await byTestId("start-error-message").innerText(), error.message);
  await byTestId("start-error-show-details").click();
  assert.match(await byTestId("start-error-detail-text").innerText(), /Error code: no_api_key/);
  // The form stays usable so the user can follow the message's advice.
  assert.equal(await byTestId("start").isDisabled(), false);
});

test("a command rejecting with something unexpected still shows a plain message", async () => {
  const app = await openApp({
    handlers: {
      test_connection: () => {
        throw new CommandError("socket hang up");
      },
    },
  });
  await app.byTestId("test-connection").click();
  await app.byTestId("connect-error").waitFor();
  assert.match(await app.byTestId("connect-error-message").innerText(), /Something unexpected went wrong/);
  await app.byTestId("connect-error-show-details").click();
  assert.match(await app.byTestId("connect-error-detail-text").innerText(), /socket hang up/);
});

test("connection test failures are explained plainly", async () => {
  const app = await openApp({
    handlers: {
      get_settings: () => fixtures.settings({ has_key: true, key_source: "keychain" }),
      test_connection: () => {
        throw new CommandError(fixtures.appError("credentials_rejected"));
      },
    },
  });
  await app.byTestId("test-connection").click();
  await app.byTestId("connect-error").waitFor();
  assert.equal(await app.byTestId("connect-error-message").innerText(), fixtures.ERROR_CODES.credentials_rejected);
  await app.screenshot("09-connection-error");
});

test("reloading the page re-attaches to the running job", async () => {
  let running = null;
  const app = await openApp({ handlers: { attach_job: () => running } });
  const { page, byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  running = fixtures.snapshot({ phase: "processing", doneCount: 4 });
  await page.reload();
  await page.waitForSelector("body[data-ready='true']");
  await byTestId("run-panel").waitFor({ state: "visible" });
  await phaseIs(page, "working on the update");
  assert.equal(await byTestId("run-step").count(), 6);
  await app.push("attach_job", fixtures.doneSnapshot());
  await byTestId("step-downloads").waitFor({ state: "visible" });
  assert.equal(await byTestId("output-item").count(), 2);
});

test("the format list failing shows the message and Retry loads it", async () => {
  let failures = 1;
  const app = await openApp({
    handlers: {
      list_output_formats: () => {
        if (failures-- > 0) throw new CommandError(fixtures.appError("network_unreachable"));
        return fixtures.FORMATS;
      },
    },
  });
  const { byTestId } = app;
  await byTestId("try-demo").click();
  await byTestId("formats-error").waitFor();
  assert.equal(await byTestId("formats-error-message").innerText(), fixtures.ERROR_CODES.network_unreachable);
  await app.screenshot("10-formats-error");
  await byTestId("formats-retry").click();
  await byTestId("format-option").first().waitFor();
  assert.equal(await byTestId("format-option").count(), 3);
  assert.match(await byTestId("formats-area").innerText(), /SOV Fixer Excel[\s\S]*\.xlsx file/);
});

test("the last format choice and the download folder are remembered", async () => {
  const app = await openApp({ settings: { last_formats: ["sovfixer_xlsx", "gone_format"] } });
  const { page, byTestId } = app;
  await byTestId("try-demo").click();
  await byTestId("format-option").first().waitFor();
  const checked = await page
    .locator('[data-testid="format-option"]:checked')
    .evaluateAll((boxes) => boxes.map((box) => box.value));
  assert.deepEqual(checked, ["sovfixer_xlsx"]);
  await page.locator('[data-format="json"]').check();
  assert.deepEqual((await app.waitForCall("save_preferences")).args, { lastFormats: ["sovfixer_xlsx", "json"] });

  await byTestId("change-folder").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="download-dir"]').textContent === "/home/ann/Reports");
  assert.deepEqual(app.callsOf("save_preferences").at(-1).args, { downloadDir: "/home/ann/Reports" });
});

test("a job the app resumed after the page loaded appears in the run view and is followed to the end", async () => {
  const app = await openApp();
  const { page, byTestId } = app;
  assert.equal(await byTestId("run-panel").isHidden(), true);
  assert.equal(app.callsOf("attach_job").length, 1, "attached once at load, when nothing was running yet");

  assert.equal(await app.emit("job-resumed", { job_id: "j-9", sov_id: fixtures.DEMO_SOV, phase: "processing" }), 1);
  await app.waitForCall("attach_job", 2);
  await byTestId("run-panel").waitFor({ state: "visible" });
  await phaseIs(page, "SOV Fixer is working on the update");
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="announcer"]').textContent.includes("from your last session"),
  );

  await app.push("attach_job", { ...fixtures.doneSnapshot(), job_id: "j-9" });
  await byTestId("step-downloads").waitFor({ state: "visible" });
  assert.equal(await byTestId("step-downloads").locator('[data-testid="output-item"]').count(), 2);
});

test("a resumed job does not take over the window while the user's own update runs", async () => {
  const app = await openApp();
  const { page, byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  await app.push("start_job", fixtures.snapshot({ phase: "uploading", doneCount: 1 }));
  await phaseIs(page, "Uploading");
  await app.emit("job-resumed", { job_id: "j-9", sov_id: "s-acme-2025", phase: "processing" });
  await app.push("start_job", fixtures.snapshot({ phase: "processing", doneCount: 4 }));
  await phaseIs(page, "SOV Fixer is working");
  assert.equal(app.callsOf("attach_job").length, 1, "only the attach at load");
  assert.equal(await byTestId("sov-card").getAttribute("data-sov-id"), fixtures.DEMO_SOV);
});

test("an update in which SOV Fixer did not apply every row never says Done: it names the rows, the saved list and what to do", async () => {
  const app = await openApp();
  const { page, byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  await app.push("start_job", fixtures.partialDoneSnapshot());
  const box = byTestId("rows-not-applied");
  await box.waitFor();
  const phase = await byTestId("run-phase").innerText();
  assert.doesNotMatch(phase, /Done/);
  // The demo sample's checked files hold 2 rows… but the server named 3 not applied: no "of" then.
  assert.match(phase, /did not apply 3 rows/);
  const text = await box.innerText();
  assert.match(text, /3 rows were not applied/);
  assert.match(text, /Sheet1 row 99[\s\S]*item_key i-unknown[\s\S]*and 1 more/);
  assert.match(text, /saved beside your new files as s-demo-sample-r001 rows not applied\.csv/);
  assert.match(text, /What to do: check item_key, or sheet_name and sheet_row_number/);
  assert.doesNotMatch(await page.locator("#run-summary").innerText(), /Done/);
  await app.screenshot("09b-rows-not-applied");
});

test("a partial result says how many of the rows sent were applied", async () => {
  const app = await openApp();
  const { byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  const one = { ...fixtures.ROWS_NOT_APPLIED, count: 1, named: ["Sheet1 row 3"], saved_to: null };
  await app.push("start_job", fixtures.snapshot({ phase: "done", doneCount: 7, progress: 1, overrides: { rows_not_applied: one } }));
  await byTestId("rows-not-applied").waitFor();
  const files = await byTestId("file-card").count();
  const phase = await byTestId("run-phase").innerText();
  assert.ok(files > 0);
  assert.match(phase, /did not apply 1 of \d+ rows\. \d+ of \d+ rows were applied\./);
});

test("a page the app reloaded after its web process died says the window was restored and shows the running job", async () => {
  const app = await openApp({ handlers: { attach_job: () => fixtures.snapshot({ phase: "processing", doneCount: 5 }) } });
  const { page, byTestId } = app;
  await page.goto(`${page.url().split("?")[0]}?restored=1`);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  const notice = byTestId("window-restored");
  await notice.waitFor();
  assert.match(await notice.innerText(), /window stopped working and was restored[\s\S]*update kept running/);
  await byTestId("run-panel").waitFor({ state: "visible" });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "window-restored");
  // The marker is consumed: a later reload by the user does not repeat the message.
  assert.equal(new URL(page.url()).search, "");
});

test("every finished, failed or cancelled job offers Run again with the same files and settings", async () => {
  const app = await openApp();
  const { byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("extra-insured-name").fill("Acme Corp");
  await byTestId("start").click();
  const first = (await app.waitForCall("start_job")).args.request;
  const ends = [
    fixtures.doneSnapshot(),
    fixtures.snapshot({ phase: "failed", overrides: { error: { ...fixtures.appError("job_failed"), step: "process" } } }),
    fixtures.snapshot({ phase: "cancelled", doneCount: 4 }),
  ];
  for (const [index, end] of ends.entries()) {
    await app.push("start_job", { ...end, job_id: `j-${index + 1}` });
    const again = byTestId("run-again");
    await again.waitFor({ state: "visible" });
    assert.equal(await again.innerText(), "Run again with the same files and settings");
    await again.click();
    const sent = await app.waitForCall("start_job", index + 2);
    assert.deepEqual(sent.args.request, first);
  }
});

test("closing the window during an update on SOV Fixer explains that the update continues there", async () => {
  const app = await openApp({ settings: { has_key: true, key_source: "keychain" }, handlers: { confirm_close: () => null } });
  const { page, byTestId } = app;
  await pasteSov(app, "s-demo-sample");
  await waitForChosenSov(app, "s-demo-sample");
  await byTestId("choose-files").click();
  await byTestId("file-card").first().waitFor();
  await byTestId("format-option").first().check();
  await page.waitForFunction(() => !document.querySelector('[data-testid="start"]').disabled);
  await byTestId("start").click();
  await app.push("start_job", fixtures.snapshot({ phase: "processing", doneCount: 4 }));
  await app.emit("close-requested");
  const dialog = byTestId("close-dialog");
  await dialog.waitFor({ state: "visible" });
  assert.match(await dialog.innerText(), /keeps working on the update[\s\S]*picks\s+the update up again/);
  assert.equal(await byTestId("close-confirm").innerText(), "Close anyway");
});

test("a finished update says what changed, confirmed against SOV Fixer's new data, and opens the change report", async () => {
  const app = await openApp();
  const { byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  await app.push("start_job", fixtures.snapshot({ phase: "done", doneCount: 7, progress: 1 }));
  await byTestId("run-phase").waitFor();
  assert.equal(await byTestId("what-changed").count(), 0, "nothing is claimed before the check is done");
  const changes = {
    from_revision: 0,
    to_revision: 1,
    confirmed: 2,
    not_applied: 0,
    derived: 1,
    untouched_buildings: 1,
    summary: "2 requested changes confirmed. SOV Fixer changed 1 other value on its own. 1 building untouched.",
    not_applied_changes: [],
    report: "/home/user/Downloads/Sample Property Schedule change report 2026-12-06.xlsx",
  };
  await app.push("start_job", fixtures.snapshot({ phase: "done", doneCount: 7, progress: 1, overrides: { changes } }));
  const box = byTestId("what-changed");
  await box.waitFor();
  const text = await box.innerText();
  assert.match(text, /What changed \(revision 0 → 1\)/);
  assert.match(text, /2 changes you asked for are confirmed in SOV Fixer's new data\./);
  assert.match(text, /SOV Fixer changed 1 other value on its own/);
  assert.match(text, /1 building was left untouched\./);
  assert.doesNotMatch(text, /not applied/);
  await byTestId("open-change-report").click();
  await app.waitForCall("open_path");
  assert.deepEqual(app.callsOf("open_path").map((call) => call.args), [{ path: changes.report }]);
});

// One building left untouched ("1 building was left untouched.") is the test above.
test("an update that left no building untouched says nothing about untouched buildings", async () => {
  const app = await openApp();
  const { byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  const changes = {
    from_revision: 0,
    to_revision: 1,
    confirmed: 2,
    not_applied: 0,
    derived: 0,
    untouched_buildings: 0,
    summary: "2 requested changes confirmed.",
    not_applied_changes: [],
    report: null,
  };
  await app.push("start_job", fixtures.snapshot({ phase: "done", doneCount: 7, progress: 1, overrides: { changes } }));
  await byTestId("what-changed").waitFor();
  const text = await byTestId("what-changed").innerText();
  assert.match(text, /2 changes you asked for are confirmed/);
  assert.doesNotMatch(text, /untouched/);
  assert.equal(await byTestId("changes-untouched").count(), 0);
});

test("the change report joins the list of new files once the check is done, opened like the others", async () => {
  const app = await openApp();
  const { page, byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  const done = { outputs: fixtures.OUTPUTS, output_folder: fixtures.RUN_FOLDER, overall_progress: 1 };
  await app.push("start_job", fixtures.snapshot({ phase: "done", doneCount: 7, progress: 1, overrides: done }));
  const files = byTestId("step-downloads");
  await files.locator('[data-testid="output-item"]').nth(1).waitFor();
  assert.equal(await files.locator('[data-testid="output-item"]').count(), 2);
  const reportPath = `${fixtures.RUN_FOLDER}/Acme Corp change report 2026-12-06.xlsx`;
  const report = {
    filename: "Acme Corp change report 2026-12-06.xlsx",
    description: "Change report",
    path: reportPath,
    size: 7342,
    sha256: "ef",
    url: "",
  };
  const changes = {
    from_revision: 0,
    to_revision: 1,
    confirmed: 2,
    not_applied: 0,
    derived: 0,
    untouched_buildings: 1,
    summary: "2 requested changes confirmed. 1 building untouched.",
    not_applied_changes: [],
    report: reportPath,
  };
  await app.push(
    "start_job",
    fixtures.snapshot({ phase: "done", doneCount: 7, progress: 1, overrides: { ...done, outputs: [...fixtures.OUTPUTS, report], changes } }),
  );
  const item = files.locator(`[data-testid="output-item"][data-file="${report.filename}"]`);
  await item.waitFor();
  assert.match(await item.locator('[data-testid="output-meta"]').innerText(), /^Change report · 7.3 KB$/);
  assert.match(await page.locator("#downloads-summary").innerText(), /3 files saved/);
  await item.locator('[data-testid="output-open"]').click();
  await app.waitForCall("open_path");
  assert.deepEqual(app.callsOf("open_path").map((call) => call.args), [{ path: reportPath }]);
  await item.locator('[data-testid="output-reveal"]').click();
  await app.waitForCall("reveal_path");
  assert.deepEqual(app.callsOf("reveal_path").map((call) => call.args), [{ path: reportPath }]);
});

test("a change SOV Fixer did not take is named with what to do, never as confirmed", async () => {
  const app = await openApp();
  const { page, byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  const changes = {
    from_revision: 0,
    to_revision: 1,
    confirmed: 1,
    not_applied: 1,
    derived: 0,
    untouched_buildings: 1,
    summary: "1 requested change confirmed, 1 not applied. 1 building untouched.",
    not_applied_changes: [
      "Lincoln Road Tower (Sheet1 row 2), Year built: you sent 1972. SOV Fixer kept 1969. Check the value you sent, then send this correction again or ask SOV Fixer support.",
    ],
    report: null,
  };
  await app.push("start_job", fixtures.snapshot({ phase: "done", doneCount: 7, progress: 1, overrides: { changes } }));
  const box = byTestId("what-changed");
  await box.waitFor();
  const text = await box.innerText();
  assert.match(text, /1 change you asked for is confirmed/);
  assert.match(text, /1 change was not applied: SOV Fixer kept its own value\./);
  assert.match(text, /Lincoln Road Tower \(Sheet1 row 2\), Year built: you sent 1972\. SOV Fixer kept 1969\./);
  assert.match(text, /What to do: check those values, then send only them again/);
  assert.equal(await byTestId("open-change-report").count(), 0);
  assert.match(await box.getAttribute("class"), /notice-warning/);
  assert.equal(await byTestId("run-phase").innerText(), "Finished, but SOV Fixer did not apply 1 of your changes.");
  assert.doesNotMatch(await page.locator("#run-summary").innerText(), /Done/);
});
