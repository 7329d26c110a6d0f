// "Compare two revisions" on the SOV's summary card: from the original to the latest by default, any two chosen,
// the same plain words as after an update, the report saved, and every way it can go wrong said in words.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandError, pasteSov, useBrowser, waitForChosenSov } from "./support/app.mjs";
import * as fixtures from "./support/fixtures.mjs";

const { openApp } = useBrowser();
const CONNECTED = { settings: { has_key: true, key_source: "keychain" } };

async function openCompare(app, reference = "s-cedar-ridge") {
  await pasteSov(app, reference);
  await waitForChosenSov(app, reference);
  await app.byTestId("sov-compare-toggle").click();
}

const selectedText = (select) => select.evaluate((node) => node.selectedOptions[0].textContent);

test("comparing starts from the original and the latest revision, and says what changed in plain words", async () => {
  const app = await openApp(CONNECTED);
  const { byTestId } = app;
  await openCompare(app);
  assert.equal(await selectedText(byTestId("compare-from")), "0: Original spreadsheet");
  assert.equal(await selectedText(byTestId("compare-to")), "3: API update (renewal-3)");
  assert.equal(await byTestId("compare-from").locator("option").count(), 4, "every revision can be chosen");

  await byTestId("compare-run").click();
  const box = byTestId("compare-summary");
  await box.waitFor();
  assert.deepEqual(app.callsOf("compare_revisions").map((call) => call.args), [{ sovId: "s-cedar-ridge", from: 0, to: 3 }]);
  assert.equal(await byTestId("compare-title").innerText(), "What changed (revision 0 → 3)");
  assert.equal(await byTestId("compare-changed").innerText(), "3 values changed on 3 buildings.");
  assert.equal(await byTestId("compare-untouched").innerText(), "37 buildings were left untouched.");
  assert.equal(await byTestId("compare-added").count(), 0, "no line for buildings nobody added");
  const rows = byTestId("compare-change");
  assert.equal(await rows.count(), 3);
  assert.deepEqual(
    (await rows.first().locator("td").allInnerTexts()).map((text) => text.trim()),
    ["Building 1, 101 Main St, Springfield", "Sheet1 row 2", "Year built", "1961", "1971"],
  );
  assert.equal(await byTestId("compare-more").count(), 0);
  // Screen readers hear the outcome.
  await app.page.waitForFunction(() =>
    document.querySelector('[data-testid="announcer"]').textContent.startsWith("What changed from revision 0 to 3:"),
  );
});

test("any two revisions can be chosen, and buildings added or removed are counted apart", async () => {
  const comparison = { ...fixtures.revisionComparison("s-cedar-ridge", 2, 3), added_buildings: 2, removed_buildings: 1 };
  const app = await openApp({ ...CONNECTED, handlers: { compare_revisions: () => comparison } });
  const { byTestId } = app;
  await openCompare(app);
  await byTestId("compare-from").selectOption("2");
  await byTestId("compare-run").click();
  await byTestId("compare-summary").waitFor();
  assert.deepEqual(app.callsOf("compare_revisions").at(-1).args, { sovId: "s-cedar-ridge", from: 2, to: 3 });
  assert.equal(await byTestId("compare-title").innerText(), "What changed (revision 2 → 3)");
  assert.equal(await byTestId("compare-changed").innerText(), "1 value changed on 1 building.");
  assert.equal(await byTestId("compare-added").innerText(), "2 buildings were added.");
  assert.equal(await byTestId("compare-removed").innerText(), "1 building was removed.");
});

test("two revisions with nothing between them say no value changed, and a long list says the report has the rest", async () => {
  const none = { ...fixtures.revisionComparison("s-cedar-ridge", 2, 3), changed_values: 0, changed_buildings: 0, changes: [] };
  let answer = none;
  const app = await openApp({ ...CONNECTED, handlers: { compare_revisions: () => answer } });
  const { byTestId } = app;
  await openCompare(app);
  await byTestId("compare-run").click();
  await byTestId("compare-summary").waitFor();
  assert.equal(await byTestId("compare-changed").innerText(), "No value changed.");
  assert.equal(await byTestId("compare-changes").count(), 0, "no empty table");

  const many = fixtures.revisionComparison("s-cedar-ridge", 0, 3);
  answer = { ...many, changed_values: 250, changed_buildings: 30 };
  await byTestId("compare-run").click();
  await byTestId("compare-more").waitFor();
  assert.equal(await byTestId("compare-changed").innerText(), "250 values changed on 30 buildings.");
  assert.equal(await byTestId("compare-more").innerText(), "…and 247 more values: the report lists every one.");
});

test("no building left untouched is said as every building changed, never as 0 untouched; one is said as one", async () => {
  const base = fixtures.revisionComparison("s-cedar-ridge", 2, 3);
  let answer = { ...base, untouched_buildings: 0 };
  const app = await openApp({ ...CONNECTED, handlers: { compare_revisions: () => answer } });
  const { page, byTestId } = app;
  await openCompare(app);
  await byTestId("compare-run").click();
  await byTestId("compare-summary").waitFor();
  assert.equal(await byTestId("compare-untouched").innerText(), "Every building changed.");
  await page.waitForFunction(() => document.querySelector('[data-testid="announcer"]').textContent.includes("Every building changed."));
  assert.doesNotMatch(await page.locator('[data-testid="announcer"]').textContent(), /0 buildings/);

  // With buildings added or removed, "every building" would not be true of them: nothing is said.
  answer = { ...base, untouched_buildings: 0, added_buildings: 1 };
  await byTestId("compare-run").click();
  await byTestId("compare-added").waitFor();
  assert.equal(await byTestId("compare-untouched").count(), 0);
  assert.doesNotMatch(await byTestId("compare-summary").innerText(), /untouched|Every building/);

  answer = { ...base, untouched_buildings: 1 };
  await byTestId("compare-run").click();
  await byTestId("compare-untouched").waitFor();
  assert.equal(await byTestId("compare-untouched").innerText(), "1 building was left untouched.");
});

test("the report is saved where the user chooses, under a plain name, and opened from there", async () => {
  const app = await openApp(CONNECTED);
  const { byTestId } = app;
  await openCompare(app);
  await byTestId("compare-run").click();
  await byTestId("compare-save").click();
  await byTestId("compare-saved").waitFor();
  assert.deepEqual(app.callsOf("save_revision_report").map((call) => call.args), [
    { sovId: "s-cedar-ridge", from: 0, to: 3, suggestedName: "Cedar Ridge Apartments LP changes revision 0 to 3.xlsx" },
  ]);
  assert.match(await byTestId("compare-saved").innerText(), /^Saved as “Cedar Ridge Apartments LP changes revision 0 to 3\.xlsx”\./);
  await byTestId("compare-report-open").click();
  await app.waitForCall("open_path");
  assert.deepEqual(app.callsOf("open_path").map((call) => call.args), [
    { path: "/home/ann/Documents/Cedar Ridge Apartments LP changes revision 0 to 3.xlsx" },
  ]);
});

test("a save dialog closed without choosing saves nothing and says nothing", async () => {
  const app = await openApp({ ...CONNECTED, handlers: { save_revision_report: () => null } });
  const { byTestId } = app;
  await openCompare(app);
  await byTestId("compare-run").click();
  await byTestId("compare-save").click();
  await app.waitForCall("save_revision_report");
  await app.page.waitForFunction(() => document.querySelector('[data-testid="compare-save"]') !== null);
  assert.equal(await byTestId("compare-saved-area").innerText(), "");
});

test("a report that cannot be saved says why and what to do", async () => {
  const refused = {
    code: "file_error",
    message:
      "SOV Updater could not write into the folder /home/ann/Reports. Check that it exists and that you may write there, or choose another folder.",
    detail: "Permission denied (os error 13)",
  };
  const app = await openApp({ ...CONNECTED, handlers: { save_revision_report: () => { throw new CommandError(refused); } } });
  const { byTestId } = app;
  await openCompare(app);
  await byTestId("compare-run").click();
  await byTestId("compare-save").click();
  await byTestId("compare-save-error").waitFor();
  assert.match(await byTestId("compare-save-error").innerText(), /could not write into the folder \/home\/ann\/Reports\. .* or choose another folder\./);
  assert.equal(await byTestId("compare-saved").count(), 0);
});

test("a comparison SOV Fixer cannot make says why in words, and Compare can be pressed again", async () => {
  const refused = {
    code: "invalid_input",
    message: "Revision 3 was chosen twice. Choose an older revision under “From” and a newer one under “To”.",
    detail: "",
  };
  let fail = true;
  const app = await openApp({
    ...CONNECTED,
    handlers: {
      compare_revisions: ({ sovId, from, to }) => {
        if (fail) throw new CommandError(refused);
        return fixtures.revisionComparison(sovId, from, to);
      },
    },
  });
  const { byTestId } = app;
  await openCompare(app);
  await byTestId("compare-from").selectOption("3");
  await byTestId("compare-run").click();
  await byTestId("compare-error").waitFor();
  assert.match(await byTestId("compare-error").innerText(), /Revision 3 was chosen twice\. Choose an older revision under “From”/);
  assert.equal(await byTestId("compare-run").isDisabled(), false);

  fail = false;
  await byTestId("compare-from").selectOption("0");
  await byTestId("compare-run").click();
  await byTestId("compare-summary").waitFor();
  assert.equal(await byTestId("compare-error").count(), 0, "the old error is gone");
});

test("an SOV with only its original has nothing to compare and offers no comparison", async () => {
  const app = await openApp(CONNECTED);
  await pasteSov(app, "s-acme-logistics");
  await waitForChosenSov(app, "s-acme-logistics");
  await app.byTestId("sov-card-revisions").waitFor();
  assert.equal(await app.byTestId("sov-compare").count(), 0);
});

test("while both revisions are fetched the card says so and Compare waits", async () => {
  let release;
  const answered = new Promise((resolve) => (release = resolve));
  const app = await openApp({
    ...CONNECTED,
    handlers: {
      compare_revisions: async ({ sovId, from, to }) => {
        await answered;
        return fixtures.revisionComparison(sovId, from, to);
      },
    },
  });
  const { byTestId } = app;
  await openCompare(app);
  await byTestId("compare-run").click();
  await byTestId("compare-status").waitFor();
  assert.equal(await byTestId("compare-status").innerText(), "Getting both revisions from SOV Fixer…");
  assert.equal(await byTestId("compare-run").isDisabled(), true);
  release();
  await byTestId("compare-summary").waitFor();
  assert.equal(await byTestId("compare-run").isDisabled(), false);
});
