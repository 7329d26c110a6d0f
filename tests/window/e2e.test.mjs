// Drives the real SOV Updater window (WebKitGTK through tauri-driver) as a person would, against the demo
// server inside the app: native file dialog, native drag-and-drop, a blocked file, a workbook with friendly headers through the mapping step, a run to the end with the
// changes confirmed against the new data and the files checked on disk, a failure with its details and Retry, Cancel, Recent updates, About, and closing the window. Needs an X display
// (run under xvfb-run); saves a screenshot of each screen in test-output/window/.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { copyFile, readdir, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { fileSize } from "../../ui/js/format.js";
import {
  byTestId,
  closeApp,
  descendantsOf,
  launchApp,
  processName,
  SCREENSHOT_DIR,
  screenshot,
  sleep,
  textOf,
  waitFor,
} from "./support/app-window.mjs";
import { chooseInFileDialog, closeWindowLikeAPerson, dragFileOnto, screenPicture } from "./support/native.mjs";
import { demoServerUrl, setFaults } from "./support/sandbox.mjs";

const DEMO_SOV_ID = "s-demo-sample";
const DIALOG_TITLE = "Choose corrections files";
// Long enough for the demo's processing (6 s) plus downloads on a loaded machine, still bounded.
const RUN_WAIT_MS = 120000;
// Without a display each test reports itself skipped (not passed), so a run without Xvfb cannot look green.
const SKIP = !process.env.DISPLAY && "skipped: no display (DISPLAY is unset; run under xvfb-run)";
const windowTest = (name, fn) => test(name, { skip: SKIP }, fn);

const visible = (id) => `(() => { const n = document.querySelector('[data-testid="${id}"]'); return Boolean(n && !n.closest('[hidden]') && n.getClientRects().length > 0); })()`;
// A process that has exited but is not yet reaped by its parent (a zombie, state Z) counts as gone.
function running(pid) {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}
const CARD_COUNT = "document.querySelectorAll('[data-testid=\"file-card\"]').length";

describe("the real window", () => {
  let app;
  const files = {};

  before(async () => {
    if (SKIP) return;
    app = await launchApp();
    // Corrections files in the user's (temporary) home, as they would be on a real machine.
    files.corrections = join(app.home, "corrections.csv");
    files.dropped = join(app.home, "annex-corrections.csv");
    files.broken = join(app.home, "broken.csv");
    await writeFile(files.corrections, "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\n");
    await writeFile(files.dropped, "sheet_name,sheet_row_number,bldg_name\nSheet1,3,Annex\n");
    await writeFile(files.broken, "sheet_name,sheet_row_numbah,bldg_name\nSheet1,2,Normal House\n");
    // An underwriter's own workbook: a title row, then "Sheet", "Row", "Building Name", "Year Built", "TIV", "# Stories", "Notes".
    files.friendly = join(app.home, "Acme corrections.xlsx");
    await copyFile(fileURLToPath(new URL("../../samples/underwriter/friendly_headers.xlsx", import.meta.url)), files.friendly);
  });

  after(async () => {
    if (app) await closeApp(app);
  });

  async function chooseFile(path) {
    // "Start a new update" keeps the files set up before; a file already there needs no second choosing.
    const name = path.split("/").pop();
    const kept = await app.session.execute(`return Boolean(document.querySelector('[data-testid="file-card"][data-file=${JSON.stringify(name)}]'));`);
    if (kept) return;
    const cardsBefore = await app.session.execute(`return ${CARD_COUNT};`);
    await (await byTestId(app, "choose-files")).click();
    await chooseInFileDialog(DIALOG_TITLE, path);
    await waitFor(app, `${CARD_COUNT} > ${cardsBefore}`, `a card for ${path}`);
  }

  const CHOSEN_SOV = "document.querySelector('[data-testid=\"sov-card\"]')?.dataset.sovId || ''";

  // The demo chooses its sample SOV; should it not have, the id is pasted ("I have the id or link").
  async function chooseDemoSovIfNone() {
    if ((await app.session.execute(`return ${CHOSEN_SOV};`)) !== "") return;
    await (await byTestId(app, "sov-paste-toggle")).click();
    await (await byTestId(app, "sov-id")).sendKeys(DEMO_SOV_ID);
    await (await byTestId(app, "sov-id-use")).click();
    await waitFor(app, "!document.querySelector('[data-testid=\"step-files\"]').classList.contains('is-locked')", "step 3 to unlock");
  }

  async function startRun() {
    await waitFor(app, "!document.querySelector('[data-testid=\"start\"]').disabled", "Start to be enabled");
    await (await byTestId(app, "start")).click();
    await waitFor(app, visible("run-panel"), "the run panel");
  }

  // Every file in "Your new files" is on disk, named after the insured, with the size the window shows, in the run's
  // own folder inside the download folder, named after the insured and the time, as the window says.
  async function assertOutputsOnDiskAsShown() {
    const folder = await textOf(app, "output-folder-path");
    assert.equal(dirname(folder), app.downloads, "the run's folder is inside the chosen download folder");
    assert.match(await textOf(app, "output-folder-name"), /^Acme Corp \d{4}-\d{2}-\d{2} \d{2}\.\d{2}( \(\d+\))?$/);
    const outputs = await app.session.execute(
      "return [...document.querySelectorAll('[data-testid=\"step-downloads\"] [data-testid=\"output-item\"]')].map((item) => ({" +
        "name: item.querySelector('[data-testid=\"output-name\"]').textContent," +
        "meta: item.querySelector('[data-testid=\"output-meta\"]').textContent }));",
    );
    assert.ok(outputs.length >= 1, "no output files were listed");
    for (const output of outputs) {
      assert.match(output.name, /^Acme Corp/);
      const onDisk = await stat(join(folder, output.name));
      assert.ok(onDisk.size > 0, `${output.name} is empty on disk`);
      assert.ok(output.meta.includes(fileSize(onDisk.size)), `${output.name}: shown "${output.meta}", on disk ${onDisk.size} bytes`);
    }
  }

  windowTest("opens in demo mode on a machine with no API key", async () => {
    await waitFor(app, visible("demo-banner"), "the demo banner");
    assert.match(await textOf(app, "demo-banner"), /Demo mode: nothing is sent to SOV Fixer/);
    assert.match(await textOf(app, "key-not-needed"), /does not need an API key/);
    await screenshot(app, "01-start-demo");
  });

  windowTest("the demo fills in a sample SOV, so a newcomer can go on without instructions", async () => {
    // A newcomer cannot know the demo SOV's id: the window chooses it and shows it as a card.
    const chosen = await waitFor(app, `${visible("sov-card")} && ${CHOSEN_SOV}`, "the demo's SOV chosen", 10000).catch((error) => error);
    assert.ok(!(chosen instanceof Error), `In demo mode at first start no SOV is chosen. ${chosen.message || ""}`);
    assert.equal(chosen, DEMO_SOV_ID);
    // …and something to send: the demo's own sample corrections, one click away.
    await waitFor(app, visible("use-demo-sample"), "the offer of the demo's sample file", 10000);
  });

  windowTest("a file with a blocking problem disables Start and says why", async () => {
    await chooseDemoSovIfNone();
    await chooseFile(files.broken);
    const card = await app.session.find('[data-testid="file-card"][data-file="broken.csv"]');
    assert.match(await card.text(), /problem/);
    assert.match(await textOf(app, "finding-where"), /column “sheet_row_numbah”/);
    assert.match(await textOf(app, "finding-message"), /sheet_row_number/);
    assert.equal(await (await byTestId(app, "start")).isEnabled(), false);
    assert.match(await textOf(app, "start-reason"), /Fix the problems in broken\.csv first/);
    await screenshot(app, "03-blocking-finding", { scrollTo: "step-files" });
    await (await byTestId(app, "file-remove")).click();
    await waitFor(app, `${CARD_COUNT} === 0`, "the broken file to be removed");
  });

  windowTest("a file chosen in the native file dialog gets a ready card", async () => {
    await chooseDemoSovIfNone();
    await chooseFile(files.corrections);
    const card = await app.session.find('[data-testid="file-card"][data-file="corrections.csv"]');
    assert.match(await card.text(), /1 row of corrections[\s\S]*✓ Ready/);
  });

  windowTest("a file dragged onto the window from another application gets a card", async () => {
    await chooseDemoSovIfNone();
    const cardsBefore = await app.session.execute(`return ${CARD_COUNT};`);
    // Anywhere on the window accepts a drop; the middle of it is over the steps.
    let overlayWhileHovering = false;
    await dragFileOnto(files.dropped, 550, 400, {
      whileOver: async () => {
        overlayWhileHovering = await waitFor(app, visible("drop-overlay"), "the drop hint while hovering", 10000).catch(() => false);
        if (overlayWhileHovering) await screenshot(app, "02b-dropping");
      },
    });
    assert.ok(overlayWhileHovering, "no visible feedback while a file hovers over the window");
    await waitFor(app, `!(${visible("drop-overlay")})`, "the drop hint to go away");
    await waitFor(app, `${CARD_COUNT} > ${cardsBefore}`, "a card for the dropped file");
    const card = await app.session.find('[data-testid="file-card"][data-file="annex-corrections.csv"]');
    assert.match(await card.text(), /✓ Ready/);
  });

  windowTest("ticks a format, names the insured, runs to the end, and the files are on disk as shown", async () => {
    await chooseDemoSovIfNone();
    if ((await app.session.execute(`return ${CARD_COUNT};`)) === 0) await chooseFile(files.corrections);
    await screenshot(app, "02-file-card", { scrollTo: "step-files" });

    await waitFor(app, "document.querySelectorAll('[data-testid=\"format-option\"]').length > 0", "the output formats");
    const format = await app.session.execute(
      "const boxes = [...document.querySelectorAll('[data-testid=\"format-option\"]')];" +
        "const box = boxes.find((b) => /json/i.test(b.value)) || boxes[0]; return { id: box.id, value: box.value, checked: box.checked };",
    );
    if (!format.checked) await (await app.session.find(`label[for="${format.id}"]`)).click();
    await waitFor(app, `document.getElementById(${JSON.stringify(format.id)}).checked`, "the format to be ticked");
    // The field is filled in with the demo SOV's insured: the user's own name replaces it.
    const insuredName = await byTestId(app, "extra-insured-name");
    await insuredName.clear();
    await insuredName.sendKeys("Acme Corp");
    assert.match(await textOf(app, "start-reason"), /Everything is ready/);
    assert.equal(await textOf(app, "download-dir"), app.downloads);

    await startRun();
    // Catch the run while the server processes (the demo takes 6 s), for the picture of the live step list.
    await waitFor(
      app,
      "document.querySelector('[data-testid=\"run-step\"][data-key=\"processing\"][data-status=\"active\"]')",
      "the processing step",
      RUN_WAIT_MS,
    );
    // A picture with some progress shows more than one at 0 %; the picture is all this wait is for.
    await waitFor(
      app,
      "/\\(([1-9]\\d?) %\\)/.test(document.querySelector('[data-testid=\"run-step\"][data-key=\"processing\"]')?.textContent || '')",
      "some processing progress",
      15000,
    ).catch(() => {});
    await screenshot(app, "04-running", { scrollTo: "step-run" });

    await waitFor(app, visible("step-downloads"), "the list of new files", RUN_WAIT_MS);
    // Then each change asked for is checked against SOV Fixer's new data, and the report joins the new files.
    await waitFor(app, visible("what-changed"), "what the update changed", RUN_WAIT_MS);
    assert.match(await textOf(app, "what-changed"), /^What changed \(revision \d+ → \d+\)/);
    assert.match(await textOf(app, "changes-confirmed"), /^[1-9]\d* changes? you asked for (is|are) confirmed in SOV Fixer's new data\.$/);
    assert.equal(await app.session.execute(`return ${visible("changes-not-applied")};`), false, "a change shown as not applied");
    await waitFor(app, visible("open-change-report"), "the change report");
    await screenshot(app, "05-done", { scrollTo: "step-downloads", block: "end" });
    await assertOutputsOnDiskAsShown();
    const listed = await app.session.execute(
      "return [...document.querySelectorAll('[data-testid=\"step-downloads\"] [data-testid=\"output-meta\"]')].map((n) => n.textContent);",
    );
    assert.ok(listed.some((meta) => meta.startsWith("Change report")), `the change report is not among the new files: ${listed.join(", ")}`);
  });

  windowTest("a failed download shows a plain message with details, and Retry finishes the job", async () => {
    const server = await demoServerUrl(app.appPid);
    await setFaults(server, { download: { error_status: 500, error_count: 1000 } });
    try {
      await (await byTestId(app, "new-update")).click();
      await chooseFile(files.corrections);
      await startRun();
      await waitFor(app, visible("job-error"), "the error message", RUN_WAIT_MS);
      const message = await textOf(app, "job-error-message");
      assert.ok(message.length > 20, `the error message is too thin: "${message}"`);
      assert.doesNotMatch(message, /\b500\b|HTTP|reqwest/, "the plain message carries technical text");
      await (await byTestId(app, "job-error-show-details")).click();
      await waitFor(app, visible("job-error-detail-text"), "the error details");
      assert.match(await textOf(app, "job-error-detail-text"), /Error code: \w+/);
      await screenshot(app, "06-error-details", { scrollTo: "step-run" });
    } finally {
      await setFaults(server, { download: null });
    }
    await (await byTestId(app, "retry")).click();
    await waitFor(app, visible("step-downloads"), "the new files after Retry", RUN_WAIT_MS);
    await assertOutputsOnDiskAsShown();
  });

  windowTest("Cancel explains what cancelling means and stops the update", async () => {
    await (await byTestId(app, "new-update")).click();
    await chooseFile(files.corrections);
    await startRun();
    await waitFor(app, visible("cancel"), "the Cancel button");
    await (await byTestId(app, "cancel")).click();
    await waitFor(app, "document.getElementById('cancel-dialog').open", "the cancel question");
    assert.ok((await textOf(app, "cancel-dialog")).length > 60, "the cancel question explains nothing");
    await (await byTestId(app, "cancel-confirm")).click();
    await waitFor(app, visible("cancelled-notice"), "the cancelled notice", RUN_WAIT_MS);
    assert.match(await textOf(app, "cancelled-notice"), /cancelled/);
    assert.equal(await app.session.execute(`return ${visible("step-downloads")};`), false, "a cancelled update lists new files");
  });

  windowTest("Recent updates lists the updates just made", async () => {
    await (await byTestId(app, "nav-history")).click();
    await waitFor(app, visible("view-history"), "the Recent updates view");
    await waitFor(
      app,
      `${visible("history-row")} || ${visible("history-error")} || ${visible("history-empty")}`,
      "the history to load",
    );
    await screenshot(app, "07-recent-updates");
    assert.equal(await textOf(app, "history-error"), "", "Recent updates shows an error");
    const rows = await app.session.execute("return document.querySelectorAll('[data-testid=\"history-row\"]').length;");
    assert.ok(rows >= 3, `Recent updates lists ${rows} updates after three runs (done, retried, cancelled)`);
    const statuses = await app.session.execute(
      "return [...document.querySelectorAll('[data-testid=\"history-status\"]')].map((n) => n.textContent);",
    );
    assert.equal(statuses.filter((text) => /cancel/i.test(text)).length, 1, `statuses: ${statuses.join(", ")}`);

    // The oldest update (listed last) is the first run: its details list the file it saved.
    const openButtons = await app.session.findAll('[data-testid="history-open"]');
    await openButtons[openButtons.length - 1].click();
    await waitFor(app, visible("history-detail"), "the update's details");
    await waitFor(app, visible("history-update-id"), "the update's ID");
    assert.match(await textOf(app, "history-detail"), /Acme Corp[^\n]*\.json/);
    await screenshot(app, "07-recent-update-details");
    await (await byTestId(app, "history-back")).click();
    await waitFor(app, visible("history-table"), "the list of updates again");
    await (await byTestId(app, "nav-update")).click();
  });

  windowTest("About shows the version", async () => {
    await (await byTestId(app, "about-open")).click();
    await waitFor(app, "document.getElementById('about-dialog').open", "the About box");
    await waitFor(app, visible("about-version"), "the version");
    assert.match(await textOf(app, "about-version"), /^\d+\.\d+\.\d+/);
    await screenshot(app, "08-about");
    await (await byTestId(app, "about-close")).click();
    await waitFor(app, "!document.getElementById('about-dialog').open", "the About box to close");
  });

  windowTest("a workbook with a title row and friendly headers is sent after accepting the suggested columns", async () => {
    await (await byTestId(app, "new-update")).click();
    while ((await app.session.execute(`return ${CARD_COUNT};`)) > 0) {
      const before = await app.session.execute(`return ${CARD_COUNT};`);
      await (await byTestId(app, "file-remove")).click();
      await waitFor(app, `${CARD_COUNT} < ${before}`, "a file to be removed");
    }
    await chooseFile(files.friendly);
    await waitFor(app, visible("mapping-step"), "the mapping step");
    assert.match(await textOf(app, "header-row"), /row 3/);
    assert.equal(await (await byTestId(app, "start")).isEnabled(), false);
    assert.match(await textOf(app, "start-reason"), /Choose what each column of Acme corrections\.xlsx holds/);
    // "Notes" has no suggestion: the user leaves it out, then accepts the suggestions for the rest in one click.
    const notes = '[data-testid="mapping-row"][data-header="Notes"]';
    await app.session.execute(
      `const select = document.querySelector('${notes} select'); select.value = "-"; select.dispatchEvent(new Event("change"));`,
    );
    await waitFor(app, `document.querySelector('${notes} [data-testid="mapping-state"]')?.textContent === "Not sent"`, "Notes to be left out");
    await (await byTestId(app, "mapping-accept")).click();
    await waitFor(app, "!document.querySelector('[data-testid=\"mapping-accept\"]')", "every column to be decided");
    await screenshot(app, "09-mapping-step", { scrollTo: "step-files" });
    await startRun();
    // The demo server refuses a header that is not an attribute name, so a finished run shows it received attribute
    // names; both rows found their building.
    await waitFor(app, `${visible("step-downloads")} || ${visible("job-error")}`, "the run to end", RUN_WAIT_MS);
    assert.equal(await app.session.execute(`return ${visible("job-error")};`), false, await textOf(app, "job-error-message").catch(() => ""));
    assert.equal(await app.session.execute(`return ${visible("rows-not-applied")};`), false, "every row was applied");
  });

  windowTest("an SOV is found by typing part of its insured's name and chosen without seeing its id", async () => {
    // After the runs above the steps are folded under the last run: start a new update first.
    if (await app.session.execute(`return ${visible("new-update")};`)) await (await byTestId(app, "new-update")).click();
    await waitFor(app, visible("sov-change"), "the chosen SOV's Change button");
    await (await byTestId(app, "sov-change")).click();
    await waitFor(app, visible("sov-search"), "the search box");
    await (await byTestId(app, "sov-search")).sendKeys("cedar");
    const result = "document.querySelector('[data-testid=\"sov-result\"]')";
    await waitFor(app, `${result} && ${result}.innerText.includes('Cedar Ridge Apartments LP')`, "Cedar Ridge in the results");
    assert.equal(await app.session.execute("return document.querySelectorAll('[data-testid=\"sov-result\"]').length;"), 1);
    assert.match(await textOf(app, "sov-search-status"), /1 SOV matches “cedar”/);
    await screenshot(app, "09-find-sov", { scrollTo: "step-sov" });
    await (await app.session.find('[data-testid="sov-result"]')).click();
    await waitFor(app, `${visible("sov-card")} && ${visible("sov-card-revisions")}`, "the chosen SOV's card with its revisions");
    assert.equal(await textOf(app, "sov-card-title"), "Cedar Ridge Apartments LP");
    assert.match(await textOf(app, "sov-card-facts"), /Cedar Ridge SOV 2026\.xlsx[\s\S]*40[\s\S]*3/);
    assert.equal(await app.session.execute("return document.querySelectorAll('[data-testid=\"sov-card-revisions\"] li').length;"), 4);
    assert.match(await app.session.execute("return document.getElementById('sov-summary').textContent;"), /^Cedar Ridge Apartments LP, /);
    await screenshot(app, "09-find-sov-chosen", { scrollTo: "step-sov" });
  });

  windowTest("closing the window quits the app, and the demo leaves no files behind", async () => {
    assert.ok(app.appPid, "the app's process was found when it started");
    const sentToDemo = (await readdir(app.tmp)).filter((name) => name.startsWith("sovfixer-sandbox-"));
    assert.equal(sentToDemo.length, 1, "the demo server keeps what it was sent while the app runs");

    await closeWindowLikeAPerson("SOV Updater");
    const deadline = Date.now() + 30000;
    while (running(app.appPid) && Date.now() < deadline) await sleep(200);
    assert.ok(!running(app.appPid), "the app quit within 30 s of its window closing");
    assert.deepEqual(await readdir(app.tmp).then((names) => names.filter((n) => n.startsWith("sovfixer-"))), []);
  });
});

// Its own app: killing the page process ends the WebDriver session too, so what follows is checked from outside
// the page (the page's own message is covered by the UI test "a page the app reloaded after its web process died").
describe("the real window, when its page process dies during a run", () => {
  let app;

  before(async () => {
    if (SKIP) return;
    app = await launchApp();
  });

  after(async () => {
    if (app) await closeApp(app);
  });

  const pageProcesses = () => descendantsOf(app.appPid).filter((pid) => processName(pid).startsWith("WebKitWebProc"));

  windowTest("the app reloads the page, keeps the job running in Rust, and the job still ends with its files", async () => {
    await waitFor(app, visible("use-demo-sample"), "the demo's sample file", 20000);
    await (await byTestId(app, "use-demo-sample")).click();
    await waitFor(app, `${CARD_COUNT} > 0`, "the sample's card");
    await waitFor(app, "document.querySelectorAll('[data-testid=\"format-option\"]').length > 0", "the output formats");
    await app.session.execute("const box = document.querySelector('[data-testid=\"format-option\"]'); if (!box.checked) box.click();");
    await waitFor(app, "!document.querySelector('[data-testid=\"start\"]').disabled", "Start to be enabled");
    await (await byTestId(app, "start")).click();
    await waitFor(app, visible("cancel"), "the run to be under way");

    // WebKitGTK's page process ("WebKitWebProcess", cut to 15 characters by the kernel), as a GPU crash would end it.
    const killed = pageProcesses();
    assert.ok(killed.length > 0, "no WebKitWebProcess found under the app");
    for (const pid of killed) process.kill(pid, "SIGKILL");

    const deadline = Date.now() + 30000;
    let fresh = [];
    while (Date.now() < deadline && fresh.length === 0) {
      await sleep(250);
      fresh = pageProcesses().filter((pid) => !killed.includes(pid) && running(pid));
    }
    assert.ok(fresh.length > 0, "no new page process: the window was left grey");
    assert.ok(running(app.appPid), "the app itself died with its page");
    const log = readFileSync(join(SCREENSHOT_DIR, "tauri-driver.log"), "utf8");
    assert.match(log, /the page process ended \(\w+\); reloading the window/);

    // The job lives in Rust: it goes on to the end and saves its files although its page was gone.
    // Files, not folders: each run's folder is made as it starts, its files only at the end.
    const saved = async () => {
      const entries = await readdir(app.downloads, { recursive: true, withFileTypes: true }).catch(() => []);
      return entries.filter((entry) => entry.isFile() && !entry.name.startsWith("."));
    };
    const until = Date.now() + RUN_WAIT_MS;
    while (Date.now() < until && (await saved()).length === 0) await sleep(500);
    assert.ok((await saved()).length > 0, "the job did not finish after the page was restored");
    await sleep(1500);
    await screenPicture(join(SCREENSHOT_DIR, "06b-window-restored.png"));
  });
});
