// Words a user can act on: every choice explained, who a file kind is for, names in quotation marks, and optional
// dates that show nothing until typed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandError, prepareDemoUpdate, useBrowser } from "./support/app.mjs";
import * as fixtures from "./support/fixtures.mjs";

const { openApp } = useBrowser();

test("every kind of update is explained in a sentence, not only the selected one", async () => {
  const app = await openApp();
  const { byTestId } = app;
  await prepareDemoUpdate(app);
  const help = byTestId("update-type-help");
  await help.locator("summary").click();
  const text = await help.innerText();
  for (const label of ["API reoutput", "Scrubber reoutput (SCRUB)", "AIR exports", "RMS exports", "RMS analysis", "Scrubbing complete", "Ping Ready"]) {
    assert.match(text, new RegExp(`${label.replace(/[()]/g, "\\$&")}\\s*\\n\\s*Apply your corrections`), `${label} has no sentence`);
  }
});

test("each output file kind says what it is, DEBUGJSON whom it is for, and the insured-name hint names a file that exists", async () => {
  const app = await openApp({
    handlers: {
      list_output_formats: () => [
        { output_format: "JSON", label: "JSON", output_extension: "json", is_public: true },
        { output_format: "DEBUGJSON", label: "Debug JSON", output_extension: "json", is_public: false },
        { output_format: "CSV", label: "CSV", output_extension: "csv", is_public: true },
      ],
    },
  });
  const { page, byTestId } = app;
  await prepareDemoUpdate(app);
  const helps = await byTestId("format-help").allInnerTexts();
  assert.equal(helps.length, 3);
  assert.match(helps[1], /support team/);
  assert.ok(helps.every((text) => text.length > 20), helps.join(" | "));
  const hint = await page.locator("#extra-insured-name-hint").innerText();
  assert.doesNotMatch(hint, /\.xlsx/, "no Excel output is offered");
  assert.match(hint, /Acme Corp 2026-12\.csv/);
});

test("optional dates are empty until typed, one tab stop each, and a wrong date is said beside it and stops Start", async () => {
  const app = await openApp();
  const { page, byTestId } = app;
  await prepareDemoUpdate(app);
  const inception = byTestId("extra-inception-date");
  assert.equal(await inception.inputValue(), "");
  assert.equal(await inception.getAttribute("type"), "text");
  await inception.focus();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "extra-expiration-date");
  await inception.fill("31/01/2027");
  await inception.blur();
  assert.match(await byTestId("extra-inception-date-problem").innerText(), /YYYY-MM-DD/);
  assert.equal(await byTestId("start").isDisabled(), true);
  assert.match(await byTestId("start-reason").innerText(), /inception date as YYYY-MM-DD/);
  await inception.fill("2027-01-31");
  await inception.blur();
  assert.equal(await byTestId("extra-inception-date-problem").innerText(), "");
  await page.waitForFunction(() => !document.querySelector('[data-testid="start"]').disabled);
});

test("names in messages appear in quotation marks, not between backticks", async () => {
  const app = await openApp({
    handlers: {
      start_job: () => {
        throw new CommandError({ ...fixtures.appError("invalid_input"), message: "The column `sheet_row_numbah` is not known." });
      },
    },
  });
  const { byTestId } = app;
  await prepareDemoUpdate(app);
  await byTestId("start").click();
  const message = byTestId("start-error-message");
  await message.waitFor();
  assert.equal(await message.innerText(), "The column “sheet_row_numbah” is not known.");
});
