import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandError, useBrowser, waitForChosenSov } from "./support/app.mjs";
import * as fixtures from "./support/fixtures.mjs";

const { openApp } = useBrowser();

test("without a keychain the user is told the key lasts only this session", async () => {
  const app = await openApp({ settings: { keychain_available: false } });
  assert.match(await app.page.locator("#api-key-hint").innerText(), /kept only until you close the app/);
});

test("a key from the environment or .pingintel.ini is described, not shown", async () => {
  for (const [source, text] of [
    ["env", /SOVFIXER_AUTH_TOKEN/],
    ["ini", /\.pingintel\.ini/],
    ["session", /this session only/],
  ]) {
    const app = await openApp({ settings: { has_key: true, key_source: source } });
    assert.match(await app.byTestId("key-saved").innerText(), text);
    await app.page.close();
  }
});

test("saving a key when the keychain fails shows the plain message", async () => {
  const app = await openApp({
    handlers: {
      set_api_key: () => {
        throw new CommandError(fixtures.appError("keychain_unavailable"));
      },
    },
  });
  await app.byTestId("api-key").fill("k");
  await app.byTestId("key-save").click();
  await app.byTestId("connect-error").waitFor();
  assert.equal(await app.byTestId("connect-error-message").innerText(), fixtures.ERROR_CODES.keychain_unavailable);
  // The typed key stays so the user need not paste it again after fixing the keychain.
  assert.equal(await app.byTestId("api-key").inputValue(), "k");
});

test("without a keychain the key can be used for this session only", async () => {
  const app = await openApp({
    handlers: {
      set_api_key: ({ sessionOnly }) => {
        if (!sessionOnly) throw new CommandError(fixtures.appError("keychain_unavailable"));
        return fixtures.settings({ has_key: true, key_source: "session", keychain_available: false });
      },
    },
  });
  await app.byTestId("api-key").fill("k-123");
  await app.byTestId("key-save").click();
  await app.byTestId("use-key-this-session").click();
  await app.byTestId("key-saved").waitFor();
  assert.match(await app.byTestId("key-saved").innerText(), /this session only/);
  assert.deepEqual(app.callsOf("set_api_key").map((c) => c.args.sessionOnly), [false, true]);
  assert.equal(await app.byTestId("connect-error").count(), 0);
});

test("an empty custom address is refused with a hint instead of being saved", async () => {
  const app = await openApp();
  await app.byTestId("connect-advanced-toggle").click();
  await app.byTestId("custom-url-save").click();
  await app.byTestId("connect-error").waitFor();
  assert.match(await app.byTestId("connect-error-message").innerText(), /Type the custom server address first/);
  assert.equal(app.callsOf("save_connection").length, 0);
});

test("the demo failing to start is explained and the button works again", async () => {
  const app = await openApp({
    handlers: {
      start_demo: () => {
        throw new CommandError(fixtures.appError("internal"));
      },
    },
  });
  await app.byTestId("try-demo").click();
  await app.byTestId("connect-error").waitFor();
  assert.equal(await app.byTestId("try-demo").isEnabled(), true);
  assert.equal(await app.byTestId("demo-banner").isHidden(), true);
});

test("settings that cannot be loaded are reported on the first screen", async () => {
  const app = await openApp({
    handlers: {
      get_settings: () => {
        throw new CommandError(fixtures.appError("internal"));
      },
    },
  });
  await app.byTestId("settings-error").waitFor();
  assert.equal(await app.byTestId("settings-error").getAttribute("role"), "alert");
});

test("choosing an SOV asks the server for its formats; typing a search does not", async () => {
  const app = await openApp({ settings: { has_key: true, key_source: "keychain" } });
  await app.byTestId("sov-search").pressSequentially("acme", { delay: 20 });
  await app.page.locator('[data-testid="sov-result"][data-sov-id="s-acme-2025"]').click();
  await waitForChosenSov(app, "s-acme-2025");
  await app.byTestId("format-option").first().waitFor();
  assert.deepEqual(app.callsOf("list_output_formats").map((call) => call.args.sovId), ["s-acme-2025"]);
  // A different SOV can have different formats: choosing another loads them again.
  await app.byTestId("sov-change").click();
  await app.page.locator('[data-testid="sov-result"][data-sov-id="s-acme-logistics"]').click();
  await app.waitForCall("list_output_formats", 2);
  assert.equal(app.callsOf("list_output_formats")[1].args.sovId, "s-acme-logistics");
});

test("opening in demo mode (no account yet) has the demo SOV and its sample file ready", async () => {
  const app = await openApp({ settings: { environment: "demo", has_key: true, key_source: "session" } });
  await waitForChosenSov(app, "s-demo-sample");
  assert.equal(app.callsOf("start_demo").length, 1);
  await app.byTestId("use-demo-sample").waitFor({ state: "visible" });
  assert.equal(await app.byTestId("demo-banner").isVisible(), true);
  // The window stays at its top: the title and the demo banner are what a newcomer sees first.
  assert.equal(await app.page.evaluate(() => window.scrollY), 0);
  assert.equal(await app.byTestId("demo-banner").evaluate((banner) => banner.getBoundingClientRect().top >= 0), true);
});

test("a key SOV Fixer refused is never shown with a tick, and step 1 does not read Ready", async () => {
  const app = await openApp({
    settings: { has_key: true, key_source: "session", keychain_available: false },
    handlers: {
      test_connection: () => {
        throw new CommandError(fixtures.appError("credentials_rejected"));
      },
    },
  });
  const { page, byTestId } = app;
  const keyArea = page.locator(".key-saved");
  assert.equal(await keyArea.locator(".status-ok").count(), 0, "a tick before the key was tested");
  await byTestId("test-connection").click();
  await byTestId("connect-error").waitFor();
  assert.equal(await keyArea.locator(".status-ok").count(), 0);
  assert.match(await byTestId("key-saved").innerText(), /did not succeed/);
  assert.doesNotMatch(await page.locator("#connect-summary").innerText(), /Ready|Connected to/);
});

test("an address that is not a web address is refused, kept as typed, and says what to fix", async () => {
  const app = await openApp({ settings: { environment: "custom", custom_url: "https://old.example.com/api/v1", has_key: true, key_source: "keychain" } });
  const { byTestId } = app;
  await byTestId("custom-url").fill("sovfixer.example.com");
  await byTestId("custom-url-save").click();
  await byTestId("connect-error").waitFor();
  assert.match(await byTestId("connect-error-message").innerText(), /“sovfixer\.example\.com” is not a web address[\s\S]*https:\/\//);
  assert.equal(await byTestId("custom-url").inputValue(), "sovfixer.example.com");
  assert.equal(app.callsOf("save_connection").length, 0);
});

test("the API key field says where a key comes from", async () => {
  const app = await openApp();
  assert.match(await app.page.locator("#api-key-hint").innerText(), /Where to get one: sign in at auth\.pingintel\.com[\s\S]*API keys/);
});
