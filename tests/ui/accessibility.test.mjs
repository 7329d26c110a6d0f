// axe-core audit of every screen, in light and dark, at the default and the smallest window size.
// Also saves a screenshot of each screen to test-output/ui/.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandError, pasteSov, prepareDemoUpdate, useBrowser } from "./support/app.mjs";
import { axeViolations } from "./support/axe.mjs";
import * as fixtures from "./support/fixtures.mjs";

const { openApp } = useBrowser();

async function running(app, snapshot) {
  await prepareDemoUpdate(app);
  await app.byTestId("start").click();
  await app.waitForCall("start_job");
  await app.push("start_job", snapshot);
}

const SCREENS = {
  connect: { setup: async () => {} },
  "key-saved": {
    options: { settings: { has_key: true, key_source: "keychain", recent_sov_ids: ["s-keystone", "s-cedar-ridge"] } },
    setup: (app) => app.byTestId("sov-recent-choice").nth(1).waitFor(),
  },
  ready: {
    setup: async (app) => {
      await prepareDemoUpdate(app);
      await app.byTestId("file-preview-toggle").click();
      await app.byTestId("sov-advanced-toggle").click();
    },
  },
  "find-sov": {
    options: { settings: { has_key: true, key_source: "keychain" } },
    setup: async (app) => {
      await app.byTestId("sov-search").fill("a");
      await app.byTestId("sov-result").nth(2).waitFor();
      await app.byTestId("sov-paste-toggle").click();
      await app.byTestId("sov-id").fill("not an id");
      await app.byTestId("sov-id-use").click();
      await app.byTestId("sov-id-error").waitFor();
    },
  },
  buildings: {
    options: { settings: { has_key: true, key_source: "keychain" } },
    setup: async (app) => {
      await chooseByInsured(app, "keyst");
      await app.byTestId("buildings-open").click();
      await app.byTestId("buildings-row").first().waitFor();
      await app.byTestId("buildings-search").fill("Zebra tower");
      await app.page.waitForFunction(() => document.querySelectorAll('[data-testid="buildings-row"]').length === 0);
    },
  },
  "building-detail": {
    options: { settings: { has_key: true, key_source: "keychain" } },
    setup: async (app) => {
      await chooseByInsured(app, "keyst");
      await app.byTestId("buildings-open").click();
      await app.byTestId("buildings-row").nth(2).click();
      await app.byTestId("building-attribute-more-toggle").first().click();
    },
  },
  "compare-revisions": {
    options: { settings: { has_key: true, key_source: "keychain" } },
    setup: async (app) => {
      await pasteSov(app, "s-cedar-ridge");
      await app.byTestId("sov-compare-toggle").click();
      await app.byTestId("compare-run").click();
      await app.byTestId("compare-save").click();
      await app.byTestId("compare-saved").waitFor();
    },
  },
  "blocking-file": {
    options: { handlers: { pick_files: () => ["/home/ann/broken.csv", "/home/ann/corrections.csv"] } },
    setup: async (app) => {
      await app.byTestId("try-demo").click();
      await app.byTestId("choose-files").click();
      await app.byTestId("file-card").nth(1).waitFor();
      await app.byTestId("file-preview-toggle").first().click();
    },
  },
  "workbook-sheets": {
    options: { handlers: { pick_files: () => ["/home/ann/corrections.xlsx"] } },
    setup: async (app) => {
      await app.byTestId("try-demo").click();
      await app.byTestId("choose-files").click();
      await app.byTestId("sheet-select").selectOption("Notes");
      await app.page.waitForFunction(() => document.querySelector('[data-testid="file-status"]').textContent.includes("problem"));
      await app.byTestId("file-preview-toggle").click();
    },
  },
  "formats-error": {
    options: {
      handlers: {
        list_output_formats: () => {
          throw new CommandError(fixtures.appError("server_error"));
        },
      },
    },
    setup: async (app) => {
      await app.byTestId("try-demo").click();
      await app.byTestId("formats-error").waitFor();
      await app.byTestId("formats-error-show-details").click();
    },
  },
  "drag-hover": {
    setup: async (app) => {
      await app.byTestId("try-demo").click();
      await app.byTestId("drop-zone").waitFor();
      await app.dragDrop({ type: "enter", paths: ["/home/ann/a.csv"], position: { x: 5, y: 5 } });
      await app.byTestId("drop-overlay").waitFor({ state: "visible" });
    },
  },
  running: {
    setup: (app) =>
      running(app, fixtures.snapshot({ phase: "uploading", doneCount: 1, progress: 0.4, overrides: { stalled: true } })),
  },
  "cancel-dialog": {
    setup: async (app) => {
      await running(app, fixtures.snapshot({ phase: "processing", doneCount: 4 }));
      await app.byTestId("cancel").click();
      await app.byTestId("cancel-dialog").waitFor({ state: "visible" });
    },
  },
  failed: {
    setup: async (app) => {
      const error = { ...fixtures.appError("job_failed"), step: "process" };
      await running(app, fixtures.snapshot({ phase: "failed", doneCount: 4, overrides: { error } }));
      await app.byTestId("job-error-show-details").click();
    },
  },
  done: { setup: (app) => running(app, fixtures.doneSnapshot()) },
  history: {
    setup: async (app) => {
      await app.byTestId("nav-history").click();
      await app.byTestId("history-row").first().waitFor();
    },
  },
  "history-detail": {
    setup: async (app) => {
      await app.byTestId("nav-history").click();
      await app.byTestId("history-open").first().click();
      await app.byTestId("history-steps").waitFor();
    },
  },
  "close-dialog": {
    setup: async (app) => {
      await running(app, fixtures.snapshot({ phase: "processing", doneCount: 4 }));
      await app.emit("close-requested");
      await app.byTestId("close-dialog").waitFor({ state: "visible" });
    },
  },
  "keychain-fallback": {
    options: {
      settings: { keychain_available: false },
      handlers: {
        set_api_key: () => {
          throw new CommandError(fixtures.appError("keychain_unavailable"));
        },
      },
    },
    setup: async (app) => {
      await app.byTestId("api-key").fill("k-123");
      await app.byTestId("key-save").click();
      await app.byTestId("use-key-this-session").waitFor();
    },
  },
  "key-session-only": {
    options: { settings: { has_key: true, key_source: "session", keychain_available: false } },
    setup: async (app) => {
      await app.byTestId("key-saved").waitFor();
    },
  },
  "history-empty": {
    options: { handlers: { list_history: () => [] } },
    setup: async (app) => {
      await app.byTestId("nav-history").click();
      await app.byTestId("history-empty").waitFor();
    },
  },
  "history-interrupted": {
    options: {
      handlers: {
        list_history: () => [{ ...fixtures.HISTORY[1], id: "h-3", status: "interrupted", update_id: null }],
        get_history: () => ({
          ...fixtures.HISTORY[1],
          id: "h-3",
          status: "interrupted",
          update_id: null,
          steps: [{ label: "Update prepared", status: "done", at: "2026-11-28T09:00:00Z" }],
          outputs: [],
          error: { code: "interrupted", message: "Interrupted before the server received it. Retry to send it.", detail: "" },
        }),
      },
    },
    setup: async (app) => {
      await app.byTestId("nav-history").click();
      await app.byTestId("history-open").first().click();
      await app.byTestId("history-retry-job").waitFor();
    },
  },
  about: {
    setup: async (app) => {
      await app.byTestId("about-open").click();
      await app.byTestId("about-version").waitFor();
    },
  },
};

// Chooses the first SOV the search for `text` finds.
async function chooseByInsured(app, text) {
  await app.byTestId("sov-search").fill(text);
  await app.page.waitForFunction(() => document.querySelectorAll('[data-testid="sov-result"]').length === 1);
  await app.byTestId("sov-result").first().click();
  await app.byTestId("sov-card").waitFor();
}

// Every control a user can reach must be addressable by tests and by the end-to-end driver.
function interactiveWithoutTestId(page) {
  return page.evaluate(() =>
    [
      ...document.querySelectorAll(
        'button, input, select, textarea, a[href], summary, [tabindex]:not([tabindex="-1"])',
      ),
    ]
      .filter((node) => !node.dataset.testid)
      .map((node) => node.outerHTML.slice(0, 120)),
  );
}

const SIZES = {
  "": { width: 1100, height: 780 },
  "-small": { width: 720, height: 560 },
};

for (const colorScheme of ["light", "dark"]) {
  for (const [name, screen] of Object.entries(SCREENS)) {
    test(`${name} (${colorScheme}) has no accessibility violations`, async () => {
      const app = await openApp({ ...(screen.options || {}), colorScheme });
      await screen.setup(app);
      // Let the live region and progress settle before auditing.
      await app.page.waitForTimeout(150);
      const violations = await axeViolations(app.page);
      assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
      assert.deepEqual(await interactiveWithoutTestId(app.page), []);
      await app.screenshot(`${name}-${colorScheme}`);
      await app.page.close();
    });
  }
}

test("the smallest window (720×560) has no accessibility violations and no sideways scrolling", async () => {
  for (const name of ["ready", "buildings", "building-detail", "compare-revisions", "blocking-file", "workbook-sheets", "running", "done", "history", "history-detail"]) {
    const screen = SCREENS[name];
    const app = await openApp({ ...(screen.options || {}), viewport: SIZES["-small"] });
    await screen.setup(app);
    const violations = await axeViolations(app.page);
    assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
    const overflow = await app.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} scrolls sideways by ${overflow}px`);
    await app.screenshot(`${name}-small`);
    await app.page.close();
  }
});
