// Launches Chromium once per test file and opens the UI with a fake Tauri bridge.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import * as fixtures from "./fixtures.mjs";
import * as roundtrip from "./roundtrip-fixtures.mjs";
import { startStaticServer } from "./static-server.mjs";

const FAKE_TAURI = fileURLToPath(new URL("./fake-tauri.js", import.meta.url));
export const SCREENSHOT_DIR = fileURLToPath(new URL("../../../test-output/ui/", import.meta.url));
// Generous: the test machine is slow and shared.
export const WAIT = 20000;

export async function launchBrowser() {
  const server = await startStaticServer();
  const profile = await mkdtemp(join(tmpdir(), "sov-ui-test-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1100, height: 780 },
  });
  context.setDefaultTimeout(WAIT);
  return {
    context,
    url: server.url,
    async close() {
      await context.close();
      await server.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

// Default answers for every command; a test overrides only what it is about.
export function defaultHandlers(initialSettings = {}) {
  let current = fixtures.settings(initialSettings);
  return {
    app_info: () => ({ version: "0.1.0", commit: "abc1234", demo_running: false }),
    // No newer version: the app says nothing at start (sov-release's notice).
    check_for_update: () => null,
    install_update: () => null,
    get_settings: () => current,
    save_connection: ({ environment, customUrl }) => (current = { ...current, environment, custom_url: customUrl }),
    set_api_key: () => (current = { ...current, has_key: true, key_source: "keychain" }),
    remove_api_key: () => (current = { ...current, has_key: false, key_source: null }),
    test_connection: () => ({ ok: true, format_count: 3 }),
    start_demo: () => {
      current = { ...current, environment: "demo" };
      return {
        sov_id: fixtures.DEMO_SOV,
        sovs: [{ id: fixtures.DEMO_SOV, description: "Sample SOV, 12 buildings" }],
        sample_files: ["/home/ann/.config/sov-updater/demo-samples/corrections.csv"],
        settings: current,
      };
    },
    list_output_formats: () => fixtures.FORMATS,
    find_sovs: ({ query }) => fixtures.findSovs(query),
    sov_details: ({ reference }) => {
      const id = sovIdIn(reference);
      if (!id) {
        // The words of sov-app's sov_id_from_text for text that is neither an id nor a web address.
        throw new CommandError({
          code: "invalid_input",
          message: `“${reference.trim()}” is neither an SOV id (like s-no-ping-hggcsk) nor a SOV Fixer web address. Search by the insured's name or the spreadsheet's name instead, or copy the id from SOV Fixer.`,
          detail: "",
        });
      }
      const sov = fixtures.SOV_BOOK.find((item) => item.id === id);
      if (!sov) throw new CommandError(fixtures.appError("not_found"));
      return fixtures.sovDetails(sov);
    },
    open_buildings: ({ sovId }) => fixtures.buildingsPage({ sovId }),
    cancel_buildings: () => false,
    current_buildings: ({ query }) => fixtures.buildingsPage(query),
    building_detail: ({ sovId, key }) => {
      const found = fixtures.buildingDetail(sovId, key);
      if (!found) throw new CommandError(fixtures.appError("not_found"));
      return found;
    },
    compare_revisions: ({ sovId, from, to }) => fixtures.revisionComparison(sovId, from, to),
    save_revision_report: ({ suggestedName }) => `/home/ann/Documents/${suggestedName}`,
    pick_files: () => ["/home/ann/corrections.csv"],
    pick_folder: () => "/home/ann/Reports",
    check_files: ({ paths, sheets = {} }) =>
      paths.map((path) => {
        const name = path.split("/").pop();
        // A workbook is read from the sheet picked for it, else its first one.
        if (name.endsWith(".xlsx")) {
          const workbookSheets = name.startsWith("single") ? ["Sheet1"] : ["Corrections", "Notes"];
          return { ...fixtures.workbookReport(name, { sheet: sheets[path] || workbookSheets[0], sheets: workbookSheets }), path };
        }
        // A copy made by "Fix it" is clean, as the real check finds it.
        if (name.includes(".fixed")) return { ...fixtures.fixedReport(name), path };
        if (name.startsWith("broken")) return { ...fixtures.blockingReport(name), path };
        return { ...fixtures.cleanReport(name), path };
      }),
    apply_fixes: ({ path }) => ({ fixed_path: path.replace(".csv", ".fixed.csv"), report: fixtures.fixedReport(path.split("/").pop().replace(".csv", ".fixed.csv")) }),
    save_preferences: (prefs) => {
      if (prefs.downloadDir !== undefined) current = { ...current, download_dir: prefs.downloadDir };
      if (prefs.lastFormats !== undefined) current = { ...current, last_formats: prefs.lastFormats };
      if (prefs.notifications !== undefined) current = { ...current, notifications: prefs.notifications };
      return current;
    },
    start_job: () => ({ job_id: "j-1" }),
    attach_job: () => null,
    cancel_job: () => null,
    retry_job: () => ({ job_id: "j-1" }),
    open_path: () => null,
    reveal_path: () => null,
    list_history: () => fixtures.HISTORY,
    get_history: ({ id }) => fixtures.historyDetail(id),
    redownload: () => ({ job_id: "j-2" }),
    // The Excel round trip (issue 14).
    corrections_workbook: () => roundtrip.savedWorkbook(),
    preview_files: ({ paths }) => roundtrip.previewsFor(paths),
  };
}

// The SOV id in a pasted id or web address, as the app reads it; null for anything else.
function sovIdIn(text) {
  const trimmed = String(text || "").trim().toLowerCase();
  if (/^s-[a-z0-9-]*[a-z0-9]$/.test(trimmed)) return trimmed;
  if (!/^https?:\/\//.test(trimmed)) return null;
  return trimmed.split(/[/?&=#;]/).find((part) => /^s-[a-z0-9-]*[a-z0-9]$/.test(part)) || null;
}

// Thrown by a handler to make the command reject with {code, message, detail}.
export class CommandError {
  constructor(error) {
    this.error = error;
  }
}

let lastApp = null;

// The setup every UI test file shares: one browser for the file, launched before its first test and closed after
// its last, and a script error in the page fails the test that caused it. Returns `openApp(options)` for that
// browser.
export function useBrowser() {
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
  return { openApp: (options) => openApp(browser, options) };
}

// For afterEach: a script error in the page fails the test that caused it.
export function pageErrorsOfLastApp() {
  const errors = lastApp ? lastApp.pageErrors.map(String) : [];
  lastApp = null;
  return errors;
}

export async function openApp(browser, { handlers = {}, settings = {}, colorScheme = "light", viewport } = {}) {
  const page = await browser.context.newPage();
  await page.emulateMedia({ colorScheme });
  if (viewport) await page.setViewportSize(viewport);
  const all = { ...defaultHandlers(settings), ...handlers };
  const calls = [];
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(new Error(message.text()));
  });
  await page.exposeFunction("__fakeInvoke", async (command, args) => {
    calls.push({ command, args });
    const handler = all[command];
    if (!handler) return { error: { code: "internal", message: `No fake for ${command}`, detail: "" } };
    try {
      return { value: (await handler(args)) ?? null };
    } catch (thrown) {
      if (thrown instanceof CommandError) return { error: thrown.error };
      throw thrown;
    }
  });
  await page.addInitScript({ content: await readFile(FAKE_TAURI, "utf8") });
  await page.goto(browser.url);
  await page.waitForSelector("body[data-ready='true']");

  lastApp = {
    page,
    calls,
    pageErrors,
    callsOf: (command) => calls.filter((call) => call.command === command),
    // Clicks return before the command reaches Node; wait until it has.
    async waitForCall(command, count = 1) {
      const deadline = Date.now() + WAIT;
      while (calls.filter((call) => call.command === command).length < count) {
        if (Date.now() > deadline) throw new Error(`${command} was not called ${count} time(s)`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return calls.filter((call) => call.command === command).at(count - 1);
    },
    // Sends a JobSnapshot over the channel that the last call of `command` carried.
    async push(command, snapshot) {
      const call = calls.filter((item) => item.command === command).at(-1);
      if (!call) throw new Error(`${command} was never called`);
      await page.evaluate(([id, message]) => window.__fakePush(id, message), [call.args.onEvent.__channel, snapshot]);
    },
    dragDrop: (payload) => page.evaluate((item) => window.__fakeDragDrop(item), payload),
    emit: (name, payload) => page.evaluate(([event, item]) => window.__fakeEmit(event, item), [name, payload]),
    byTestId: (id) => page.locator(`[data-testid="${id}"]`),
    async screenshot(name) {
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    },
    // Presses Tab until the element is focused: proves it is reachable by keyboard.
    // Waits first for the element to be shown, as a person would before reaching for it
    // (the format list, for one, arrives from the server after typing pauses).
    async tabTo(testid, { maxPresses = 80 } = {}) {
      await page.locator(`[data-testid="${testid}"]`).first().waitFor({ state: "visible", timeout: WAIT });
      for (let press = 0; press < maxPresses; press += 1) {
        const focused = await page.evaluate(() => document.activeElement?.dataset?.testid || null);
        if (focused === testid) return;
        await page.keyboard.press("Tab");
      }
      throw new Error(`Could not reach ${testid} with the Tab key`);
    },
  };
  return lastApp;
}

// Resolves once step 2's card shows the SOV `id` as chosen.
export async function waitForChosenSov(app, id) {
  await app.page.waitForFunction((wanted) => {
    const card = document.querySelector('[data-testid="sov-card"]');
    return card && !card.hidden && card.dataset.sovId === wanted;
  }, id);
}

// Step 2's "I have the id or link" path: pastes `text` and uses it.
export async function pasteSov(app, text) {
  const toggle = app.byTestId("sov-paste-toggle");
  if (!(await app.byTestId("sov-id").isVisible())) await toggle.click();
  await app.byTestId("sov-id").fill(text);
  await app.byTestId("sov-id-use").click();
}

// The demo path up to a ready Start button: demo, one clean file, one format ticked.
export async function prepareDemoUpdate(app) {
  const { page, byTestId } = app;
  await byTestId("try-demo").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="sov-card"]')?.dataset.sovId === "s-demo-sample");
  await byTestId("choose-files").click();
  await byTestId("file-card").first().waitFor();
  await byTestId("format-option").first().check();
  await page.waitForFunction(() => !document.querySelector('[data-testid="start"]').disabled);
}
