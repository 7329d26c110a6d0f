// Step 2, "Find your SOV": search as you type, pages, a pasted id or link, SOVs that cannot be chosen, the
// keyboard, and the words for every state.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandError, pasteSov, useBrowser, waitForChosenSov } from "./support/app.mjs";
import * as fixtures from "./support/fixtures.mjs";

const { openApp } = useBrowser();
const CONNECTED = { settings: { has_key: true, key_source: "keychain" } };

const shownIds = (app) => app.page.locator('[data-testid="sov-result"]').evaluateAll((nodes) => nodes.map((node) => node.dataset.sovId));

async function resultsAre(app, ids) {
  await app.page.waitForFunction(
    (wanted) => [...document.querySelectorAll('[data-testid="sov-result"]')].map((node) => node.dataset.sovId).join(",") === wanted.join(","),
    ids,
  );
}

test("the newest SOVs are offered before typing, and typing part of an insured's name narrows them", async () => {
  const app = await openApp(CONNECTED);
  const { page, byTestId } = app;
  await resultsAre(app, fixtures.SOV_BOOK.slice(0, fixtures.FIND_PAGE_SIZE).map((sov) => sov.id));
  assert.equal(await byTestId("sov-search-status").innerText(), "23 SOVs, newest first. Showing 10 at a time.");

  await byTestId("sov-search").pressSequentially("acme", { delay: 30 });
  await resultsAre(app, ["s-acme-2025", "s-acme-logistics"]);
  // Searched after typing paused, not once per letter (a little slack for a loaded machine).
  const searched = app.callsOf("find_sovs").map((call) => call.args.query.search);
  assert.ok(searched.length <= 3, `searched ${JSON.stringify(searched)}`);
  assert.equal(searched.at(-1), "acme");

  const first = byTestId("sov-result").first();
  assert.equal(await first.getAttribute("role"), "option");
  assert.equal(await byTestId("sov-results").getAttribute("role"), "listbox");
  assert.equal(await page.locator("#sov-results-label").innerText(), "SOVs found, newest first");
  assert.equal(await byTestId("sov-result-insured").first().innerText(), "Acme Corp");
  assert.equal(await byTestId("sov-result-file").first().innerText(), "Acme 2026 SOV.xlsx");
  assert.match(await first.innerText(), /12 buildings[\s\S]*Updated [\s\S]*Ready/);
  // Which revision it is now, in words (the book's Acme Corp has had two updates).
  assert.match(await byTestId("sov-result-updated").first().innerText(), /^Updated .+, revision 2$/);
  assert.equal(await byTestId("sov-search-status").innerText(), "2 SOVs match “acme”.");
  // Screen readers hear the count.
  await page.waitForFunction(() => document.querySelector('[data-testid="announcer"]').textContent === "2 SOVs match “acme”.");
});

test("a search that finds nothing says so and what to try", async () => {
  const app = await openApp(CONNECTED);
  await app.byTestId("sov-search").fill("Zebra Holdings");
  await resultsAre(app, []);
  await app.page.waitForFunction(() => document.querySelector('[data-testid="sov-search-status"]').textContent.startsWith("No SOV"));
  assert.equal(
    await app.byTestId("sov-search-status").innerText(),
    "No SOV matches “Zebra Holdings”. Try fewer letters, part of the insured's name, or the spreadsheet's name; or paste the id or link below.",
  );
  assert.equal(await app.byTestId("sov-page-next").isVisible(), false);
});

test("Next and Previous page through the results and back to the same first page", async () => {
  const app = await openApp(CONNECTED);
  const { byTestId } = app;
  const pages = [0, 10, 20].map((start) => fixtures.SOV_BOOK.slice(start, start + 10).map((sov) => sov.id));
  await resultsAre(app, pages[0]);
  assert.equal(await byTestId("sov-page-previous").isDisabled(), true);
  await byTestId("sov-page-next").click();
  await resultsAre(app, pages[1]);
  assert.equal(await byTestId("sov-page-previous").isDisabled(), false);
  await byTestId("sov-page-next").click();
  await resultsAre(app, pages[2]);
  assert.equal(await byTestId("sov-page-next").isDisabled(), true, "the last page has no Next");
  await byTestId("sov-page-previous").click();
  await resultsAre(app, pages[1]);
  await byTestId("sov-page-previous").click();
  await resultsAre(app, pages[0]);
  assert.deepEqual(app.callsOf("find_sovs").at(-1).args.query, { search: "", status: null, after: null, before: pages[1][0] });
});

test("a pasted SOV Fixer link chooses its SOV and shows what it holds", async () => {
  const app = await openApp(CONNECTED);
  const { byTestId } = app;
  await pasteSov(app, "https://app.sovfixer.com/sov/s-cedar-ridge?tab=outputs");
  await waitForChosenSov(app, "s-cedar-ridge");
  assert.equal(app.callsOf("sov_details").at(-1).args.reference, "https://app.sovfixer.com/sov/s-cedar-ridge?tab=outputs");
  assert.equal(await byTestId("sov-card-title").innerText(), "Cedar Ridge Apartments LP");
  const facts = await byTestId("sov-card-facts").innerText();
  assert.match(facts, /File\s+Cedar Ridge SOV 2026\.xlsx/);
  assert.match(facts, /Buildings\s+40/);
  assert.match(facts, /Revision\s+3/);
  assert.equal(await byTestId("sov-card-revisions").locator("li").count(), 4);
  assert.match(await byTestId("sov-card-outputs").innerText(), /JSON: Cedar Ridge Apartments LP 3\.json/);
  assert.equal(await app.page.locator("#sov-summary").innerText(), "Cedar Ridge Apartments LP, API reoutput");
  assert.equal(await byTestId("step-files").getAttribute("class"), "step");
  // Focus stays with the choice, and Change goes back to the search.
  await app.page.waitForFunction(() => document.activeElement?.dataset.testid === "sov-change");
  await byTestId("sov-change").click();
  await byTestId("sov-search").waitFor({ state: "visible" });
  await app.page.waitForFunction(() => document.activeElement?.dataset.testid === "sov-search");
});

test("pasted text that is neither an id nor a link is refused in words and nothing is chosen", async () => {
  const app = await openApp(CONNECTED);
  const { byTestId } = app;
  await pasteSov(app, "Acme Corp renewal");
  await byTestId("sov-id-error").waitFor();
  assert.match(await byTestId("sov-id-error-message").innerText(), /“Acme Corp renewal” is neither an SOV id[\s\S]*Search by the insured's name/);
  assert.equal(await byTestId("sov-id").getAttribute("aria-invalid"), "true");
  assert.equal(await byTestId("sov-card").isHidden(), true);
  assert.equal(await byTestId("step-files").getAttribute("class"), "step is-locked");

  // An id SOV Fixer does not know says so with the app's words for not_found.
  await pasteSov(app, "s-no-such-sov");
  await app.page.waitForFunction(() => document.querySelector('[data-testid="sov-id-error"]')?.dataset.code === "not_found");
  assert.equal(await byTestId("sov-id-error-message").innerText(), fixtures.ERROR_CODES.not_found);
});

test("an SOV that could not be read, or is still being read, is shown but cannot be chosen, with the reason", async () => {
  const app = await openApp(CONNECTED);
  const { byTestId } = app;
  await byTestId("sov-search").fill("atlas");
  await resultsAre(app, ["s-atlas-freight"]);
  const atlas = byTestId("sov-result").first();
  assert.equal(await atlas.getAttribute("aria-disabled"), "true");
  assert.equal(await byTestId("sov-result-status").innerText(), "Could not be read");
  assert.match(await byTestId("sov-result-reason").innerText(), /could not read this spreadsheet[\s\S]*scanned image/);
  // aria-disabled, not disabled: it can still be clicked, and says why nothing happens.
  await atlas.click({ force: true });
  assert.match(await byTestId("sov-search-status").innerText(), /could not read this spreadsheet/);
  assert.equal(await byTestId("sov-card").isHidden(), true);
  assert.equal(await byTestId("step-files").getAttribute("class"), "step is-locked");

  await byTestId("sov-search").fill("heron");
  await resultsAre(app, ["s-blue-heron"]);
  assert.equal(await byTestId("sov-result-status").innerText(), "Still being read (40% done)");
  await byTestId("sov-search").press("Enter");
  assert.match(await byTestId("sov-search-status").innerText(), /still reading this spreadsheet/);
  assert.equal(await byTestId("sov-card").isHidden(), true);
});

test("keyboard only: arrows move through the results, Enter chooses, Escape clears the search", async () => {
  const app = await openApp(CONNECTED);
  const { page, byTestId } = app;
  await app.tabTo("sov-search");
  await page.keyboard.type("acme");
  await resultsAre(app, ["s-acme-2025", "s-acme-logistics"]);
  const activeOption = () => page.evaluate(() => {
    const id = document.querySelector('[data-testid="sov-search"]').getAttribute("aria-activedescendant");
    const option = id && document.getElementById(id);
    return option ? [option.dataset.sovId, option.getAttribute("aria-selected")] : null;
  });
  assert.deepEqual(await activeOption(), ["s-acme-2025", "true"]);
  await page.keyboard.press("ArrowDown");
  assert.deepEqual(await activeOption(), ["s-acme-logistics", "true"]);
  await page.keyboard.press("ArrowDown");
  assert.deepEqual(await activeOption(), ["s-acme-logistics", "true"], "the last stays active");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await waitForChosenSov(app, "s-acme-logistics");
  await page.waitForFunction(() => document.activeElement?.dataset.testid === "sov-change");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement?.dataset.testid === "sov-search");
  await page.keyboard.press("Escape");
  assert.equal(await byTestId("sov-search").inputValue(), "");
  await resultsAre(app, fixtures.SOV_BOOK.slice(0, 10).map((sov) => sov.id));
  // Steps 3 and 4 still work on the chosen SOV while another is looked for.
  assert.equal(await byTestId("step-files").getAttribute("class"), "step");
});

test("the server refusing the search is shown in words with Try again", async () => {
  let refuse = true;
  const app = await openApp({
    ...CONNECTED,
    handlers: {
      find_sovs: ({ query }) => {
        if (refuse) throw new CommandError(fixtures.appError("server_error"));
        return fixtures.findSovs(query);
      },
    },
  });
  const { byTestId } = app;
  await byTestId("sov-search-error").waitFor();
  assert.equal(await byTestId("sov-search-status").innerText(), "SOV Fixer refused the search.");
  assert.equal(await byTestId("sov-search-error-message").innerText(), fixtures.ERROR_CODES.server_error);
  assert.equal(await byTestId("sov-result").count(), 0);
  refuse = false;
  await byTestId("sov-search-retry").click();
  await resultsAre(app, fixtures.SOV_BOOK.slice(0, 10).map((sov) => sov.id));
  assert.equal(await byTestId("sov-search-error").count(), 0);
});

test("offline, the search says SOV Fixer could not be reached and to check the connection, not that it refused", async () => {
  let offline = true;
  const app = await openApp({
    ...CONNECTED,
    handlers: {
      find_sovs: ({ query }) => {
        if (offline) throw new CommandError(fixtures.appError("network_unreachable"));
        return fixtures.findSovs(query);
      },
    },
  });
  const { page, byTestId } = app;
  await byTestId("sov-search-error").waitFor();
  const words = await byTestId("sov-search-status").innerText();
  assert.equal(
    words,
    "You seem to be offline: SOV Fixer could not be reached, so nothing was searched. Check this computer's internet connection (and VPN or proxy), then choose Try again.",
  );
  assert.doesNotMatch(words, /refused/);
  assert.equal(await byTestId("sov-search-error-message").innerText(), fixtures.ERROR_CODES.network_unreachable);
  // Screen readers hear it too.
  await page.waitForFunction((said) => document.querySelector('[data-testid="announcer"]').textContent === said, words);
  offline = false;
  await byTestId("sov-search-retry").click();
  await resultsAre(app, fixtures.SOV_BOOK.slice(0, 10).map((sov) => sov.id));
  assert.equal(await byTestId("sov-search-error").count(), 0);
});

test("the status filter keeps finished, still-being-read or failed SOVs, with the search and across pages", async () => {
  const app = await openApp(CONNECTED);
  const { page, byTestId } = app;
  await resultsAre(app, fixtures.SOV_BOOK.slice(0, 10).map((sov) => sov.id));
  assert.deepEqual(
    await byTestId("sov-status-filter").locator("option").allInnerTexts(),
    ["All", "Finished", "Still being read", "Could not be read"],
  );
  await byTestId("sov-status-filter").selectOption("failed");
  await resultsAre(app, ["s-atlas-freight"]);
  assert.equal(app.callsOf("find_sovs").at(-1).args.query.status, "failed");
  await byTestId("sov-status-filter").selectOption("processing");
  await resultsAre(app, ["s-blue-heron"]);

  await byTestId("sov-search").fill("acme");
  await page.waitForFunction(() => document.querySelector('[data-testid="sov-search-status"]').textContent.startsWith("No SOV with"));
  assert.equal(
    await byTestId("sov-search-status").innerText(),
    "No SOV with the status “Still being read” matches “acme”. Choose “All” under Status, or try fewer letters.",
  );
  assert.deepEqual(app.callsOf("find_sovs").at(-1).args.query, { search: "acme", status: "processing", after: null, before: null });

  await byTestId("sov-search").fill("");
  await byTestId("sov-status-filter").selectOption("finished");
  const finished = fixtures.SOV_BOOK.filter((sov) => sov.readiness === "ready");
  await resultsAre(app, finished.slice(0, 10).map((sov) => sov.id));
  await byTestId("sov-page-next").click();
  await resultsAre(app, finished.slice(10, 20).map((sov) => sov.id));
  assert.equal(app.callsOf("find_sovs").at(-1).args.query.status, "finished", "the next page keeps the filter");

  await byTestId("sov-status-filter").selectOption("");
  await resultsAre(app, fixtures.SOV_BOOK.slice(0, 10).map((sov) => sov.id));
});

test("a slow answer to an earlier search never replaces the answer to a later one", async () => {
  let slowAnswered;
  const slowDone = new Promise((resolve) => {
    slowAnswered = resolve;
  });
  let release;
  const held = new Promise((resolve) => {
    release = resolve;
  });
  const app = await openApp({
    ...CONNECTED,
    handlers: {
      find_sovs: async ({ query }) => {
        if (query.search === "") {
          await held;
          slowAnswered();
        }
        return fixtures.findSovs(query);
      },
    },
  });
  await app.waitForCall("find_sovs");
  await app.byTestId("sov-search").fill("acme");
  await resultsAre(app, ["s-acme-2025", "s-acme-logistics"]);
  release();
  await slowDone;
  // Let the page receive the held answer, then look again.
  await app.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  assert.deepEqual(await shownIds(app), ["s-acme-2025", "s-acme-logistics"]);
});

test("the SOVs last updated from this computer are offered by name before typing, and one is chosen in a click", async () => {
  const app = await openApp({
    settings: { has_key: true, key_source: "keychain", recent_sov_ids: ["s-keystone", "s-no-longer-there", "s-atlas-freight", "s-cedar-ridge"] },
  });
  const { page, byTestId } = app;
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="sov-recent-choice"]').length === 2);
  // One SOV Fixer no longer lists and one that cannot be chosen (its spreadsheet could not be read) are left out.
  assert.deepEqual(await byTestId("sov-recent-choice").allInnerTexts(), [
    "Keystone Retail Partners · Keystone Retail 2026 renewal.xlsx",
    "Cedar Ridge Apartments LP · Cedar Ridge SOV 2026.xlsx",
  ]);
  assert.equal(await byTestId("sov-recent").locator("h3").innerText(), "Your recent SOVs");

  // Typing hides them; clearing the search offers them again.
  await byTestId("sov-search").fill("ced");
  await byTestId("sov-recent").waitFor({ state: "hidden" });
  await byTestId("sov-search").press("Escape");
  await byTestId("sov-recent").waitFor({ state: "visible" });

  await byTestId("sov-recent-choice").nth(1).click();
  await waitForChosenSov(app, "s-cedar-ridge");
  assert.equal(await byTestId("sov-card-title").innerText(), "Cedar Ridge Apartments LP");
});
