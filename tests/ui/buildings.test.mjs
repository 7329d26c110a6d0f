// "See its buildings" under the chosen SOV's card: progress words while the app reads the SOV, Cancel, the list
// in pages with its search, one building's values with labels and where each came from, and the error words.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandError, useBrowser, waitForChosenSov } from "./support/app.mjs";
import * as fixtures from "./support/fixtures.mjs";

const { openApp } = useBrowser();
const CONNECTED = { settings: { has_key: true, key_source: "keychain" } };
const SOV = "s-keystone";

// Chooses Keystone Retail Partners (135 buildings) by typing part of its insured's name.
async function chooseKeystone(app) {
  await app.byTestId("sov-search").fill("keyst");
  await app.page.waitForFunction(() => document.querySelector('[data-testid="sov-result"]')?.dataset.sovId === "s-keystone");
  await app.byTestId("sov-result").first().click();
  await waitForChosenSov(app, SOV);
}

// A command's answer held back until the test lets it go.
function held() {
  let release;
  const gate = new Promise((resolve) => {
    release = resolve;
  });
  return { gate, release };
}

async function sayProgress(app, words) {
  const call = app.callsOf("open_buildings").at(-1);
  await app.page.evaluate(([id, text]) => window.__fakePush(id, text), [call.args.onProgress.__channel, words]);
}

const texts = (app, testid) => app.byTestId(testid).allInnerTexts();

test("See its buildings shows the words of each stage, then the buildings in pages with a search", async () => {
  const { gate, release } = held();
  const app = await openApp({
    ...CONNECTED,
    handlers: {
      open_buildings: async ({ sovId }) => {
        await gate;
        return fixtures.buildingsPage({ sovId });
      },
    },
  });
  const { page, byTestId } = app;
  await chooseKeystone(app);
  await byTestId("buildings-open").click();
  const asked = await app.waitForCall("open_buildings");
  assert.equal(asked.args.sovId, SOV);
  await sayProgress(app, "SOV Fixer is preparing revision 2…");
  await page.waitForFunction(() => document.querySelector('[data-testid="buildings-progress"]').textContent === "SOV Fixer is preparing revision 2…");
  assert.equal(await byTestId("buildings-cancel").isVisible(), true);
  assert.equal(await byTestId("buildings-open").isDisabled(), true);
  release();

  await byTestId("buildings-browser").waitFor();
  assert.equal(await byTestId("buildings-heading").innerText(), "135 buildings in revision 2.");
  assert.equal(await byTestId("buildings-cancel").isVisible(), false);
  assert.equal(await byTestId("buildings-row").count(), fixtures.BUILDINGS_PAGE_SIZE);
  assert.equal(await byTestId("buildings-row-name").first().innerText(), "Building 1");
  assert.equal(await byTestId("buildings-row-address").first().innerText(), "100 Harbor Blvd, Miami, FL 33131");
  assert.equal(await byTestId("buildings-row-place").first().innerText(), "Sheet Locations, row 2");
  assert.equal(await byTestId("buildings-page").innerText(), "Page 1 of 3");
  assert.equal(await byTestId("buildings-page-previous").isDisabled(), true);
  // The search box has the keyboard once the list is there.
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "buildings-search");

  await byTestId("buildings-page-next").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="buildings-page"]').textContent === "Page 2 of 3");
  assert.equal(await byTestId("buildings-row-name").first().innerText(), "Building 51");
  await byTestId("buildings-page-next").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="buildings-page"]').textContent === "Page 3 of 3");
  assert.equal(await byTestId("buildings-row").count(), 35);
  assert.equal(await byTestId("buildings-page-next").isDisabled(), true);

  await byTestId("buildings-search").fill("miami 160");
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="buildings-row"]').length === 1);
  assert.deepEqual(await texts(app, "buildings-row-name"), ["Building 61"]);
  assert.equal(await byTestId("buildings-count").innerText(), "1 building matches “miami 160”.");
  const searched = app.callsOf("current_buildings").at(-1).args.query;
  assert.deepEqual(searched, { sovId: SOV, search: "miami 160", page: 0 }, "a new search starts on the first page");
  await page.waitForFunction(() => document.querySelector('[data-testid="announcer"]').textContent === "1 building matches “miami 160”.");

  await byTestId("buildings-search").fill("Zebra tower");
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="buildings-row"]').length === 0);
  assert.equal(await byTestId("buildings-count").innerText(), "No building matches “Zebra tower”. Try part of a street, a city, or a row number.");
});

test("a building shows every value with its plain label, where it came from on demand, and Back returns to the list", async () => {
  const app = await openApp(CONNECTED);
  const { page, byTestId } = app;
  await chooseKeystone(app);
  await byTestId("buildings-open").click();
  await byTestId("buildings-row").nth(2).click();
  await byTestId("building-attributes").waitFor();
  assert.deepEqual(app.callsOf("building_detail").at(-1).args, { sovId: SOV, key: "i-s-keystone!Locations!4" });
  assert.equal(await byTestId("building-title").innerText(), "Building 3");
  assert.equal(await byTestId("building-place").innerText(), "102 Harbor Blvd, Savannah, GA 31401 · Sheet Locations, row 4");
  assert.deepEqual(await texts(app, "building-attribute-label"), ["Building name", "Full address", "County", "Year built", "Floor area", "custom_flag"]);
  const value = (name) => page.locator(`[data-testid="building-attribute-value"][data-name="${name}"]`);
  assert.equal(await value("county").innerText(), "(empty)");
  // The value first; where it came from only when asked.
  const year = value("const__bldg_year_built");
  assert.match(await year.innerText(), /^1987/);
  const more = year.locator('[data-testid="building-attribute-more"]');
  assert.equal(await more.locator("dd").first().isVisible(), false);
  const toggle = more.locator('[data-testid="building-attribute-more-toggle"]');
  // A screen reader hears which value it is about, not one "Where it came from" after another.
  assert.equal(await toggle.getAttribute("aria-label"), "Where it came from: Year built");
  await toggle.click();
  assert.match(await more.innerText(), /Where it came from\s+sov[\s\S]*In the insured's spreadsheet\s+1987 \(approx\)[\s\S]*Confidence\s+0\.9/);
  assert.match(await value("const__bldg_area").innerText(), /^12000/);
  assert.equal(await value("bldg_name").locator('[data-testid="building-attribute-more"]').count(), 0, "a plain value has nothing more");

  await byTestId("building-back").click();
  await byTestId("buildings-browser").waitFor();
  assert.equal(await byTestId("buildings-detail").isVisible(), false);
  assert.equal(await byTestId("buildings-row").count(), fixtures.BUILDINGS_PAGE_SIZE);
});

test("Cancel stops the reading, says so, and See its buildings starts again", async () => {
  let cancelled;
  const stopped = new Promise((resolve) => {
    cancelled = resolve;
  });
  const app = await openApp({
    ...CONNECTED,
    handlers: {
      open_buildings: async () => {
        await stopped;
        throw new CommandError({ code: "cancelled", message: "Stopped. The buildings were not read.", detail: "" });
      },
      cancel_buildings: () => {
        cancelled();
        return true;
      },
    },
  });
  const { page, byTestId } = app;
  await chooseKeystone(app);
  await byTestId("buildings-open").click();
  await byTestId("buildings-cancel").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="buildings-progress"]').textContent.startsWith("Stopped."));
  assert.equal(await byTestId("buildings-progress").innerText(), "Stopped. Nothing was read; “See its buildings” starts again.");
  assert.equal(await byTestId("buildings-error").count(), 0, "a cancel is no error");
  assert.equal(await byTestId("buildings-open").isDisabled(), false);
  assert.equal(await byTestId("buildings-cancel").isVisible(), false);
  assert.equal(app.callsOf("cancel_buildings").length, 1);
});

test("an SOV Fixer that cannot be reached while reading the buildings is shown in words with Try again", async () => {
  let offline = true;
  const app = await openApp({
    ...CONNECTED,
    handlers: {
      open_buildings: ({ sovId }) => {
        if (offline) throw new CommandError(fixtures.appError("network_unreachable"));
        return fixtures.buildingsPage({ sovId }, { fromCache: true });
      },
    },
  });
  const { byTestId } = app;
  await chooseKeystone(app);
  await byTestId("buildings-open").click();
  await byTestId("buildings-error").waitFor();
  assert.equal(await byTestId("buildings-error-message").innerText(), fixtures.ERROR_CODES.network_unreachable);
  offline = false;
  await byTestId("buildings-retry").click();
  await byTestId("buildings-browser").waitFor();
  assert.equal(await byTestId("buildings-heading").innerText(), "135 buildings in revision 2, from the copy saved on this computer.");
  assert.equal(await byTestId("buildings-error").count(), 0);
});

test("choosing another SOV puts its own See its buildings in place of the last one's list", async () => {
  const app = await openApp(CONNECTED);
  const { byTestId } = app;
  await chooseKeystone(app);
  await byTestId("buildings-open").click();
  await byTestId("buildings-browser").waitFor();
  await byTestId("sov-change").click();
  await byTestId("sov-search").fill("acme corp");
  await app.page.waitForFunction(() => document.querySelector('[data-testid="sov-result"]')?.dataset.sovId === "s-acme-2025");
  await byTestId("sov-result").first().click();
  await waitForChosenSov(app, "s-acme-2025");
  assert.equal(await byTestId("buildings-browser").isVisible(), false);
  assert.equal(await byTestId("buildings-open").isVisible(), true);
  await byTestId("buildings-open").click();
  await byTestId("buildings-browser").waitFor();
  assert.equal(await byTestId("buildings-heading").innerText(), "12 buildings in revision 2.");
});
