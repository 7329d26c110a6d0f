import assert from "node:assert/strict";
import { test } from "node:test";
import { pasteSov, prepareDemoUpdate, useBrowser, waitForChosenSov } from "./support/app.mjs";
import * as fixtures from "./support/fixtures.mjs";

const { openApp } = useBrowser();

test("demo → files → formats → start → progress → outputs opened", async () => {
  const app = await openApp();
  const { page, byTestId } = app;

  await app.screenshot("01-connect");
  await prepareDemoUpdate(app);
  await assert.doesNotReject(byTestId("demo-banner").waitFor({ state: "visible" }));
  assert.match(await byTestId("demo-banner").innerText(), /Demo mode: nothing is sent to SOV Fixer/);
  assert.match(await byTestId("file-status").innerText(), /Ready/);
  assert.match(await byTestId("file-rows").innerText(), /2 rows/);
  assert.match(await byTestId("start-reason").innerText(), /Everything is ready/);
  await byTestId("extra-insured-name").fill("Acme Corp");
  await byTestId("extra-inception-date").fill("2026-06-01");
  await app.screenshot("02-ready-to-start");

  await byTestId("start").click();
  const startCall = await app.waitForCall("start_job");
  assert.deepEqual(startCall.args.request, {
    sovId: "s-demo-sample",
    updateType: "API",
    clientRef: null,
    callbackUrl: null,
    files: ["/home/ann/corrections.csv"],
    outputFormats: ["json"],
    extraData: { insured_name: "Acme Corp", inception_date: "2026-06-01" },
    downloadDir: "/home/ann/Downloads/SOV Updater",
    sheets: {},
  });

  await app.push("start_job", fixtures.snapshot({ phase: "uploading", doneCount: 1, progress: 0.4 }));
  await page.waitForFunction(() => document.querySelector('[data-testid="run-phase"]').textContent.includes("Uploading"));
  await app.push("start_job", fixtures.snapshot({ phase: "processing", doneCount: 4, overrides: { stalled: true } }));
  await byTestId("stalled-notice").waitFor({ state: "visible" });
  const steps = byTestId("run-step");
  assert.equal(await steps.count(), 6);
  assert.equal(await steps.nth(0).getAttribute("data-status"), "done");
  assert.equal(await steps.nth(4).getAttribute("data-status"), "active");
  assert.match(await steps.nth(4).innerText(), /Priming enrichment cache/);
  assert.match(await byTestId("overall-percent").innerText(), /67% complete/);
  assert.match(await byTestId("elapsed").innerText(), /1 min 0\d s/);
  await app.screenshot("03-running");

  await app.push("start_job", fixtures.doneSnapshot());
  await byTestId("step-downloads").waitFor({ state: "visible" });
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="announcer"]').textContent.includes("Your new files are ready"),
  );
  const items = byTestId("output-item");
  assert.equal(await items.count(), 2);
  assert.match(await items.nth(1).innerText(), /Acme Corp 2026-06\.xlsx[\s\S]*SOV Fixer Excel · 1\.5 MB/);
  await app.screenshot("04-done");

  await items.nth(0).locator('[data-testid="output-open"]').click();
  await items.nth(1).locator('[data-testid="output-reveal"]').click();
  await app.waitForCall("open_path");
  await app.waitForCall("reveal_path");
  assert.deepEqual(app.callsOf("open_path").map((call) => call.args), [{ path: fixtures.OUTPUTS[0].path }]);
  assert.deepEqual(app.callsOf("reveal_path").map((call) => call.args), [{ path: fixtures.OUTPUTS[1].path }]);
  assert.deepEqual(app.pageErrors, []);
});

test("a saved key is never shown; it can be replaced and removed", async () => {
  const app = await openApp();
  const { byTestId } = app;
  await byTestId("api-key").fill("secret-key-123");
  await byTestId("key-save").click();
  await byTestId("key-saved").waitFor();
  // Saved is not checked: no tick, and no "Ready", until SOV Fixer has accepted the key.
  assert.equal(
    await byTestId("key-saved").innerText(),
    "A key is saved in your system keychain. It has not been tested yet: use Test connection.",
  );
  assert.doesNotMatch(await app.page.locator("#connect-summary").innerText(), /Ready|Connected/);
  assert.equal(await app.page.locator("input[type=password]").count(), 0);
  assert.equal((await app.page.content()).includes("secret-key-123"), false);
  assert.deepEqual(app.callsOf("set_api_key")[0].args, { key: "secret-key-123", sessionOnly: false });
  await byTestId("test-connection").click();
  await assert.doesNotReject(
    app.page.waitForFunction(() => document.querySelector('[data-testid="connection-result"]').textContent.includes("Connected")),
  );
  assert.match(await byTestId("key-saved").innerText(), /SOV Fixer accepted it\.$/);
  assert.match(await app.page.locator("#connect-summary").innerText(), /^Connected to Production\./);
  await byTestId("key-replace").click();
  await byTestId("api-key").waitFor();
  await byTestId("key-replace-cancel").click();
  await byTestId("key-remove").click();
  await byTestId("api-key").waitFor();
  assert.equal(app.callsOf("remove_api_key").length, 1);
});

test("environment choice and custom address are saved", async () => {
  const app = await openApp();
  const { byTestId } = app;
  await byTestId("environment").selectOption("prodeu");
  await app.page.waitForFunction(() => true);
  await byTestId("connect-advanced-toggle").click();
  await byTestId("custom-url").fill("https://sovfixer.example.com/api/v1");
  await byTestId("custom-url-save").click();
  await app.page.waitForFunction(() => document.querySelector('[data-testid="environment"]').value === "custom");
  assert.deepEqual(
    app.callsOf("save_connection").map((call) => call.args),
    [
      { environment: "prodeu", customUrl: null },
      { environment: "custom", customUrl: "https://sovfixer.example.com/api/v1" },
    ],
  );
});

test("a pasted SOV id is read with spaces around it; text that is no id is refused in words", async () => {
  const app = await openApp({
    handlers: { get_settings: () => fixtures.settings({ has_key: true, key_source: "keychain" }) },
  });
  const { byTestId } = app;
  await pasteSov(app, "  ABC-123 ");
  await byTestId("sov-id-error").waitFor();
  assert.match(await byTestId("sov-id-error-message").innerText(), /“ABC-123” is neither an SOV id/);
  assert.equal(await byTestId("step-files").getAttribute("class"), "step is-locked");
  await pasteSov(app, "  s-acme-2025 ");
  await waitForChosenSov(app, "s-acme-2025");
  assert.equal(await byTestId("sov-card-title").innerText(), "Acme Corp");
  await byTestId("update-type").selectOption("SCRUB");
  assert.match(await byTestId("update-type-description").innerText(), /scrubber/);
  await byTestId("format-option").first().waitFor();
  assert.deepEqual(app.callsOf("list_output_formats").at(-1).args, { sovId: "s-acme-2025" });
});
