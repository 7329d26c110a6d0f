import assert from "node:assert/strict";
import { test } from "node:test";
import { useBrowser } from "./support/app.mjs";
import * as fixtures from "./support/fixtures.mjs";

const { openApp } = useBrowser();

async function demoWithSov(app) {
  await app.byTestId("try-demo").click();
  await app.byTestId("drop-zone").waitFor({ state: "visible" });
}

// A file whose only offered fix is a format conversion: nothing SOV Updater can fix for the user.
function unfixableReport(name) {
  const report = fixtures.blockingReport(name);
  return {
    ...report,
    findings: [report.findings[1]],
    fixes: report.fixes.filter((fix) => !fix.fixes_a_problem),
    summary: { ...report.summary, errors: 1, warnings: 0 },
  };
}

test("“Fix it” is offered, and named in Start's reason, only when a fix for a problem exists", async () => {
  const check_files = ({ paths }) =>
    paths.map((path) => {
      const name = path.split("/").pop();
      return { ...(name === "years.csv" ? unfixableReport(name) : fixtures.blockingReport(name)), path };
    });
  const app = await openApp({ handlers: { pick_files: () => ["/home/ann/years.csv"], check_files } });
  const { page, byTestId } = app;
  await demoWithSov(app);
  await byTestId("format-option").first().check();
  await byTestId("choose-files").click();
  await byTestId("file-card").waitFor();
  assert.equal(await byTestId("file-fix").count(), 0, "a format conversion is not offered as a fix");
  const reason = await byTestId("start-reason").innerText();
  assert.match(reason, /Fix the problems in years\.csv first \(step 3\): correct the file/);
  assert.doesNotMatch(reason, /Fix it/);

  await page.evaluate(() => document.querySelector('[data-testid="file-remove"]').click());
  await byTestId("file-card").waitFor({ state: "detached" });
  await app.dragDrop({ type: "drop", paths: ["/home/ann/broken.csv"], position: { x: 10, y: 10 } });
  await byTestId("file-card").waitFor();
  assert.equal(await byTestId("file-fix").count(), 1);
  assert.match(await byTestId("start-reason").innerText(), /Try “Fix it”/);
});
