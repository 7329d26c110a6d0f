// One corrections file and its pre-flight result: what is wrong, where, how to fix it.
import { h } from "../dom.js";
import { plainNames, plural } from "../format.js";
import { cachedAttributes, mappingStep } from "./mapping.js";
import { problemRows, rowCount } from "./problem-rows.js";

const SEVERITY_TEXT = { error: "Must fix", warning: "Check", info: "Note" };

export function fileCard(entry, { onFix, onRemove, onSheet, mapping, onSaveList, onLoadRows, onRecheck }) {
  const { report } = entry;
  const summary = report.summary || {};
  const findings = report.findings || [];
  const errors = summary.errors ?? findings.filter((f) => f.severity === "error").length;
  const warnings = summary.warnings ?? findings.filter((f) => f.severity === "warning").length;
  const titleId = `file-title-${cssSafe(report.path)}`;

  return h(
    "article",
    {
      class: `file-card ${report.blocking ? "is-blocking" : "is-ready"}`,
      testid: "file-card",
      "data-file": report.file_name,
      "aria-labelledby": titleId,
    },
    h(
      "header",
      { class: "file-card-header" },
      h("span", { class: "file-icon", "aria-hidden": "true" }, (report.kind || "csv").toUpperCase()),
      h(
        "div",
        { class: "file-card-title" },
        h("h3", { id: titleId }, report.file_name),
        h(
          "p",
          { class: "hint", testid: "file-rows" },
          `${plural(summary.rows ?? 0, "row", "rows")} of corrections, ${plural(summary.columns ?? 0, "column", "columns")}`,
        ),
      ),
      statusBadge(report.blocking, errors, warnings),
    ),
    sheetPicker(report, titleId, onSheet),
    notices(report.notices || []),
    mapping ? mappingStep(report, cssSafe(report.path), mapping, cachedAttributes()) : null,
    findingsList(findings, report, onSaveList, onLoadRows),
    fixes(report, onFix),
    preview(report),
    h(
      "div",
      { class: "file-card-actions" },
      onRecheck
        ? h("button", {
            type: "button",
            class: "button button-small",
            testid: "file-recheck",
            "aria-label": `Check again: ${report.file_name}`,
            title: "After you changed the file in Excel or another program",
            text: "Check again",
            onclick: onRecheck,
          })
        : null,
      h("button", {
        type: "button",
        class: "button button-small button-quiet",
        testid: "file-remove",
        "aria-label": `Remove ${report.file_name}`,
        text: "Remove",
        onclick: onRemove,
      }),
    ),
  );
}

function statusBadge(blocking, errors, warnings) {
  if (blocking) {
    return h("span", { class: "badge badge-error", testid: "file-status" }, `✗ ${plural(errors, "problem", "problems")} to fix`);
  }
  if (warnings > 0) {
    return h("span", { class: "badge badge-warning", testid: "file-status" }, `✓ Ready, ${plural(warnings, "thing", "things")} to check`);
  }
  return h("span", { class: "badge badge-ok", testid: "file-status" }, "✓ Ready");
}

// Only a workbook with a choice to make gets the list; a one-sheet workbook's notice names its sheet.
function sheetPicker(report, titleId, onSheet) {
  const sheets = report.sheets || [];
  if (sheets.length < 2) return null;
  const selectId = `sheet-${cssSafe(report.path)}`;
  return h(
    "div",
    { class: "field sheet-picker" },
    h("label", { for: selectId }, "Sheet"),
    h(
      "select",
      {
        id: selectId,
        testid: "sheet-select",
        "aria-describedby": titleId,
        onchange: (event) => onSheet(event.target.value),
      },
      ...sheets.map((name) => h("option", { value: name, selected: name === report.sheet }, name)),
    ),
  );
}

function notices(list) {
  if (list.length === 0) return null;
  return h("ul", { class: "notices" }, ...list.map((text) => h("li", {}, plainNames(text))));
}

// Each kind of problem once, its count said once: a list of several rows has "Show all N rows" (every row, a page
// at a time) and "Save the list"; "appears N more times" is left for a kind without rows to list.
function findingsList(findings, report, onSaveList, onLoadRows) {
  if (findings.length === 0) return null;
  return h(
    "ul",
    { class: "findings", testid: "findings" },
    ...findings.map((finding) => {
      const listed = rowCount(finding) > 1;
      return h(
        "li",
        { class: `finding finding-${finding.severity}`, testid: "finding", "data-severity": finding.severity },
        h("span", { class: "finding-severity" }, SEVERITY_TEXT[finding.severity] || "Note"),
        h(
          "div",
          { class: "finding-text" },
          where(finding) ? h("p", { class: "finding-where", testid: "finding-where" }, where(finding)) : null,
          h("p", { testid: "finding-message" }, plainNames(finding.message)),
          finding.suggestion ? h("p", { class: "finding-suggestion" }, `What to do: ${plainNames(finding.suggestion)}`) : null,
          finding.more_count > 0 && !listed
            ? h(
                "p",
                { class: "hint", testid: "finding-more" },
                `The same problem appears ${plural(finding.more_count, "more time", "more times")} in this file.`,
              )
            : null,
          listed && onLoadRows ? problemRows(finding, report.file_name, (offset, limit) => onLoadRows(finding, offset, limit)) : null,
          listed && onSaveList
            ? h("button", {
                type: "button",
                class: "button button-small button-quiet",
                testid: "finding-save-list",
                "aria-label": `Save the list of rows as CSV: ${plainNames(finding.message)} (${report.file_name})`,
                text: "Save the list",
                onclick: () => onSaveList(finding),
              })
            : null,
        ),
      );
    }),
  );
}

function where(finding) {
  const parts = [];
  if (finding.row !== null && finding.row !== undefined) parts.push(`Row ${finding.row}`);
  if (finding.column) parts.push(`column “${finding.column}”`);
  return parts.join(", ");
}

// Only fixes that remove a problem: a format conversion (encoding, workbook to CSV) happens on sending anyway.
function fixes(report, onFix) {
  const list = (report.fixes || []).filter((fix) => fix.fixes_a_problem);
  if (list.length === 0) return null;
  return h(
    "div",
    { class: "fixes" },
    h("p", { class: "fixes-title" }, "SOV Updater can fix this for you:"),
    h("ul", {}, ...list.map((fix) => h("li", {}, plainNames(fix.label)))),
    h("p", { class: "hint" }, "Your original file is not changed; a corrected copy is saved next to it."),
    h("button", {
      type: "button",
      class: "button button-primary button-small",
      testid: "file-fix",
      "aria-label": `Fix it: ${report.file_name}`,
      text: "Fix it",
      onclick: onFix,
    }),
  );
}

function preview(report) {
  const table = report.preview;
  if (!table || !table.header || table.header.length === 0) return null;
  return h(
    "details",
    { class: "preview", testid: "file-preview" },
    h("summary", { testid: "file-preview-toggle" }, "Preview the first rows"),
    h(
      "div",
      {
        class: "table-scroll",
        tabindex: "0",
        role: "region",
        testid: "file-preview-table",
        "aria-label": `First rows of ${report.file_name}`,
      },
      h(
        "table",
        { class: "preview-table" },
        h("thead", {}, h("tr", {}, ...table.header.map((name) => h("th", { scope: "col" }, name)))),
        h("tbody", {}, ...table.rows.map((row) => h("tr", {}, ...row.map((cell) => h("td", {}, cell))))),
      ),
    ),
  );
}

function cssSafe(text) {
  let hash = 0;
  for (const char of String(text)) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash.toString(36);
}
