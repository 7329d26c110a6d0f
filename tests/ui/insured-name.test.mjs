// Step 4's Insured name, filled in from the SOV chosen in step 2 (SOV Fixer knows its insured), so the new files and
// their folder are named after the insured even when nobody types it; a name the user typed is never replaced.
import assert from "node:assert/strict";
import { test } from "node:test";
import { pasteSov, prepareDemoUpdate, useBrowser, waitForChosenSov } from "./support/app.mjs";

const { openApp } = useBrowser();
const CONNECTED = { settings: { has_key: true, key_source: "keychain" } };

// Step 2's "Change", then `reference` pasted and used.
async function chooseAnother(app, reference) {
  await app.byTestId("sov-change").click();
  await pasteSov(app, reference);
  await waitForChosenSov(app, reference);
}

async function insuredNameIs(app, wanted) {
  await app.page.waitForFunction((value) => document.querySelector('[data-testid="extra-insured-name"]').value === value, wanted);
}

test("choosing an SOV fills in Insured name with its insured and says it came from SOV Fixer; Start sends it", async () => {
  const app = await openApp();
  const { byTestId } = app;
  await prepareDemoUpdate(app);
  await insuredNameIs(app, "Sample Insured LLC");
  assert.equal(await byTestId("extra-insured-name-source").isVisible(), true);
  assert.match(await byTestId("extra-insured-name-source").innerText(), /Filled in from SOV Fixer's record of this SOV/);
  // Read with the field, not only seen beside it.
  const describedBy = (await byTestId("extra-insured-name").getAttribute("aria-describedby")).split(" ");
  assert.ok(describedBy.includes("extra-insured-name-source"), describedBy.join(" "));

  await byTestId("start").click();
  const request = (await app.waitForCall("start_job")).args.request;
  assert.deepEqual(request.extraData, { insured_name: "Sample Insured LLC" });
});

test("choosing another SOV replaces a filled-in insured name with the new SOV's insured", async () => {
  const app = await openApp(CONNECTED);
  const { byTestId } = app;
  await pasteSov(app, "s-acme-2025");
  await waitForChosenSov(app, "s-acme-2025");
  await insuredNameIs(app, "Acme Corp");

  await chooseAnother(app, "s-bayview");
  await insuredNameIs(app, "Bayview Medical Center");
  assert.equal(await byTestId("extra-insured-name-source").isVisible(), true);
});

test("a name the user typed is kept when another SOV is chosen, and no longer said to come from SOV Fixer", async () => {
  const app = await openApp();
  const { byTestId } = app;
  await prepareDemoUpdate(app);
  await insuredNameIs(app, "Sample Insured LLC");
  await byTestId("extra-insured-name").fill("Harbor Point Properties LLC");
  assert.equal(await byTestId("extra-insured-name-source").isVisible(), false);

  await chooseAnother(app, "s-acme-2025");
  // The card shows Acme's insured once SOV Fixer answered: by then a filled-in name would have been replaced.
  await app.page.waitForFunction(() => document.querySelector('[data-testid="sov-card-title"]').textContent === "Acme Corp");
  assert.equal(await byTestId("extra-insured-name").inputValue(), "Harbor Point Properties LLC");
  assert.equal(await byTestId("extra-insured-name-source").isVisible(), false);

  await app.page.waitForFunction(() => !document.querySelector('[data-testid="start"]').disabled);
  await byTestId("start").click();
  const request = (await app.waitForCall("start_job")).args.request;
  assert.equal(request.sovId, "s-acme-2025");
  assert.deepEqual(request.extraData, { insured_name: "Harbor Point Properties LLC" });
});

test("a name emptied by the user is filled in again by the next SOV chosen", async () => {
  const app = await openApp(CONNECTED);
  const { byTestId } = app;
  await pasteSov(app, "s-acme-2025");
  await waitForChosenSov(app, "s-acme-2025");
  await insuredNameIs(app, "Acme Corp");
  await byTestId("extra-insured-name").fill("");
  assert.equal(await byTestId("extra-insured-name-source").isVisible(), false);

  await chooseAnother(app, "s-granite");
  await insuredNameIs(app, "Granite State Manufacturing");
});
