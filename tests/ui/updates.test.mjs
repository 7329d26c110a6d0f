// A newer SOV Updater: one line at start (only when one is offered), an answer in About, "Install and restart".
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandError, useBrowser } from "./support/app.mjs";

const { openApp } = useBrowser();

// sov-release's notice for an offer, as the app sends it.
const OFFER = { line: "SOV Updater 0.2.0 is available.", version: "0.2.0", can_install: true };

test("a newer version is announced in one line with Install and restart, which asks the app to install", async () => {
  const app = await openApp({ handlers: { check_for_update: ({ fromAbout }) => (fromAbout ? null : OFFER) } });
  const { byTestId } = app;
  await byTestId("update-line").waitFor();
  assert.equal((await app.waitForCall("check_for_update")).args.fromAbout, false);
  assert.equal(await byTestId("update-text").textContent(), "SOV Updater 0.2.0 is available.");
  await byTestId("update-install").click();
  await app.waitForCall("install_update");
});

test("nothing is said at start when no newer version is offered or the server cannot be reached", async () => {
  for (const answer of [() => null, () => { throw new CommandError({ code: "internal", message: "x", detail: "" }); }]) {
    const app = await openApp({ handlers: { check_for_update: answer } });
    await app.page.waitForSelector("body[data-update-checked='true']");
    assert.equal(await app.byTestId("update-line").isHidden(), true);
    await app.page.close();
  }
});

test("where the app cannot replace itself, the line says how to update and offers no install button", async () => {
  const line = "SOV Updater 0.2.0 is available. Install it the way you installed this copy.";
  const app = await openApp({ handlers: { check_for_update: () => ({ line, version: "0.2.0", can_install: false }) } });
  await app.byTestId("update-line").waitFor();
  assert.equal(await app.byTestId("update-text").textContent(), line);
  assert.equal(await app.byTestId("update-install").count(), 0);
});

test("installing during a running SOV update is refused with the app's words, and can be tried again", async () => {
  const running = "An SOV update is still running. Install the new version when it has finished; nothing was changed.";
  const app = await openApp({
    handlers: {
      check_for_update: () => OFFER,
      install_update: () => {
        throw new CommandError({ code: "invalid_input", message: running, detail: "an SOV update is running" });
      },
    },
  });
  const { byTestId } = app;
  await byTestId("update-install").click();
  await byTestId("update-error").filter({ hasText: running }).waitFor();
  assert.equal(await byTestId("update-install").isEnabled(), true);
  assert.equal(await byTestId("update-install").textContent(), "Install and restart");
});

test("About checks on opening and says the answer, offering Install and restart there too", async () => {
  let offered = false;
  const app = await openApp({
    handlers: { check_for_update: ({ fromAbout }) => (fromAbout && offered ? OFFER : fromAbout ? { line: "SOV Updater is up to date.", version: null, can_install: false } : null) },
  });
  const { byTestId } = app;
  await byTestId("about-open").click();
  await byTestId("about-update-text").filter({ hasText: "SOV Updater is up to date." }).waitFor();
  assert.equal((await app.waitForCall("check_for_update", 2)).args.fromAbout, true);
  assert.equal(await byTestId("about-update-install").count(), 0);
  await byTestId("about-close").click();

  offered = true;
  await byTestId("about-open").click();
  await byTestId("about-update-install").click();
  await app.waitForCall("install_update");
});
