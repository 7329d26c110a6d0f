// Turns raw numbers and dates into the words an underwriter reads.
export function fileSize(bytes) {
  if (typeof bytes !== "number" || !Number.isFinite(bytes)) return "";
  if (bytes < 1000) return `${bytes} bytes`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function elapsed(ms) {
  const total = Math.max(0, Math.floor((ms || 0) / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  if (minutes === 0) return `${seconds} s`;
  return `${minutes} min ${String(seconds).padStart(2, "0")} s`;
}

export function dateTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function time(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function percent(fraction) {
  const value = Math.round(Math.min(1, Math.max(0, fraction || 0)) * 100);
  return `${value}%`;
}

export function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

// Messages from the checks and the server name columns and values between `backticks`, a programmer's habit;
// people read quotation marks.
export function plainNames(text) {
  return String(text ?? "").replace(/`([^`\n]*)`/g, "“$1”");
}

// The attributes that hold money: sov-attributes' "currency" ones, which the corrections workbook formats as
// "#,##0". tests/ui/words.test.mjs checks this list against the attribute list's data file.
export const MONEY_ATTRIBUTES = new Set([
  "limits__building_limit",
  "limits__building_value",
  "limits__total_rp_and_bpp",
  "limits__total_limit",
  "limits__total_value",
  "limits__bpp_limit",
  "limits__bi_limit",
  "limits__signs_and_other_limit",
]);

// A plain number written with thousands separators ("1234567.5" → "1,234,567.5"); anything else (text typed
// into a money cell, an amount already written with symbols) is left as it is. Done on the digits, not through
// a float, so no digit of the exact amount is lost or rounded.
export function groupedNumber(text) {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(String(text ?? "").trim());
  if (!match) return String(text ?? "");
  const [, sign, whole, fraction = ""] = match;
  return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${fraction}`;
}

// An attribute's value as a person reads it: money with thousands separators, every other value (years, codes,
// counts) exactly as SOV Fixer holds it.
export function valueWords(attribute, value) {
  return MONEY_ATTRIBUTES.has(attribute) ? groupedNumber(value) : String(value ?? "");
}
