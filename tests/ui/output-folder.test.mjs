// Each run's files are in a folder of their own: the window names it and opens it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandError, prepareDemoUpdate, useBrowser } from "./support/app.mjs";
import * as fixtures from "./support/fixtures.mjs";

const { openApp } = useBrowser();

test("a finished run names its own folder and “Open folder” opens it", async () => {
  const app = await openApp();
  const { byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  await app.push("start_job", fixtures.doneSnapshot());
  const folder = byTestId("step-downloads").locator('[data-testid="output-folder"]');
  await folder.waitFor();
  assert.equal(await folder.locator('[data-testid="output-folder-name"]').innerText(), "Acme Corp 2026-11-29 10.15");
  assert.equal(await folder.locator('[data-testid="output-folder-path"]').innerText(), fixtures.RUN_FOLDER);
  await folder.locator('[data-testid="open-output-folder"]').click();
  assert.deepEqual((await app.waitForCall("open_path")).args, { path: fixtures.RUN_FOLDER });
});

test("a folder that cannot be opened is said beside “Open folder”, in view", async () => {
  const app = await openApp({
    viewport: { width: 1024, height: 640 },
    handlers: {
      open_path: () => {
        throw new CommandError(fixtures.appError("file_error"));
      },
    },
  });
  const { page, byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  await app.push("start_job", fixtures.doneSnapshot());
  await byTestId("open-output-folder").click();
  const error = byTestId("output-folder").locator('[data-testid="output-folder-error"]');
  await error.waitFor();
  const box = await error.boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= page.viewportSize().height, JSON.stringify(box));
});

test("Recent updates shows the folder of an update's files, Windows paths too", async () => {
  const windowsFolder = "C:\\Users\\ann\\Downloads\\SOV Updater\\Acme Corp 2026-11-29 10.15 (2)";
  const app = await openApp({ handlers: { get_history: ({ id }) => ({ ...fixtures.historyDetail(id), output_folder: windowsFolder }) } });
  const { byTestId } = app;
  await byTestId("nav-history").click();
  await byTestId("history-open").first().click();
  await byTestId("history-steps").waitFor();
  assert.equal(await byTestId("output-folder-name").innerText(), "Acme Corp 2026-11-29 10.15 (2)");
  await byTestId("open-output-folder").click();
  assert.deepEqual((await app.waitForCall("open_path")).args, { path: windowsFolder });
});
