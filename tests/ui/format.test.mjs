// The page's number words, without a browser: money with thousands separators, and the list of money attributes
// kept equal to the attribute list's data file (sov-attributes), which the corrections workbook formats from.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { MONEY_ATTRIBUTES, groupedNumber, valueWords } from "../../ui/js/format.js";

const ATTRIBUTES_CSV = new URL("../../src-tauri/crates/sov-attributes/data/attributes.csv", import.meta.url);

test("a plain amount gets thousands separators, every digit kept; anything else is left as it is", () => {
  assert.equal(groupedNumber("200000"), "200,000");
  assert.equal(groupedNumber("1234567.5"), "1,234,567.5");
  assert.equal(groupedNumber("12345678901234567890"), "12,345,678,901,234,567,890");
  assert.equal(groupedNumber("-2500"), "-2,500");
  assert.equal(groupedNumber("999"), "999");
  assert.equal(groupedNumber("$1,200,000"), "$1,200,000");
  assert.equal(groupedNumber("about 2m"), "about 2m");
  assert.equal(groupedNumber(""), "");
});

test("money attributes get separators, years and other values never do", () => {
  assert.equal(valueWords("limits__building_value", "250000"), "250,000");
  assert.equal(valueWords("limits__bi_limit", "1500000"), "1,500,000");
  assert.equal(valueWords("const__bldg_year_built", "1972"), "1972");
  assert.equal(valueWords("const__num_stories", "12"), "12");
  assert.equal(valueWords("address__zip", "02139"), "02139");
});

test("the money attributes are exactly the attribute list's currency ones", async () => {
  const rows = (await readFile(ATTRIBUTES_CSV, "utf8")).trim().split("\n").slice(1).map((line) => line.split(","));
  const currency = rows.filter((columns) => columns[3] === "currency").map((columns) => columns[0]);
  assert.ok(currency.length > 0);
  assert.deepEqual([...MONEY_ATTRIBUTES].sort(), currency.sort());
});
