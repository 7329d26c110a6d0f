// The mapping step of a file card: which attribute each of the user's columns is sent as (or that it is not sent),
// which row holds the headers, and remembering the choices for files with the same headers.
import * as api from "../api.js";
import { h } from "../dom.js";

export const DONT_SEND = "-";
const UNDECIDED = new Set(["suggested", "unknown"]);

let attributeList = null;
// The attributes a column can be sent as, fetched once.
export async function attributes() {
  if (!attributeList) attributeList = await api.listAttributes();
  return attributeList;
}

// The list fetched so far (empty before the first file that needs it was checked).
export function cachedAttributes() {
  return attributeList || [];
}

// True when the card needs the mapping step: a column is not an attribute name.
export function needsMapping(report) {
  return (report.columns || []).some((column) => column.status !== "attribute" && column.status !== "blank");
}

export function hasUndecidedColumns(report) {
  return (report.columns || []).some((column) => UNDECIDED.has(column.status));
}

// What the reports show decided, as the job sends it: header → attribute, or "-" for a column not sent.
export function chosenMapping(files) {
  const mapping = {};
  for (const entry of files) {
    for (const column of entry.report.columns || []) {
      if (column.status === "mapped" && column.attribute) mapping[column.header.trim()] = column.attribute;
      if (column.status === "dont_send") mapping[column.header.trim()] = DONT_SEND;
    }
  }
  return mapping;
}

// The header row the user picked per file (a row found by looking is found again).
export function chosenHeaderRows(files) {
  return Object.fromEntries(
    files
      .filter((entry) => entry.report.header_row_detected === false && entry.report.header_row)
      .map((entry) => [entry.path, entry.report.header_row]),
  );
}

// The mapping of one file's columns as decided now (for "Remember for files like this").
export function fileMapping(report) {
  return chosenMapping([{ report }]);
}

// actions: {onChoose(header, attribute), onAccept(choices), onHeaderRow(row), onRemember(), onUndo()}
export function mappingStep(report, ids, actions, list) {
  if (!needsMapping(report)) return null;
  const titleId = `mapping-title-${ids}`;
  const undecided = hasUndecidedColumns(report);
  const selects = [];
  const rows = (report.columns || [])
    .filter((column) => column.status !== "blank")
    .map((column, index) => {
      const selectId = `mapping-${ids}-${index}`;
      const select = columnSelect(column, selectId, list, actions);
      selects.push({ column, select });
      return h(
        "li",
        { class: "mapping-row", testid: "mapping-row", "data-header": column.header },
        h("label", { for: selectId, class: "mapping-header" }, `${column.header}`, h("span", { class: "visually-hidden" }, ` (column ${column.letter})`)),
        h("span", { class: "mapping-arrow", "aria-hidden": "true" }, "→"),
        select,
        h("span", { class: "mapping-state hint", testid: "mapping-state" }, stateText(column)),
      );
    });
  const headerRowInput = h("input", {
    type: "number",
    min: "1",
    id: `header-row-${ids}`,
    testid: "header-row-input",
    value: String(report.header_row || 1),
    class: "header-row-input",
  });
  const headerRowForm = h(
    "div",
    { class: "header-row-form", testid: "header-row-form", hidden: true },
    h("label", { for: `header-row-${ids}` }, "Row with the column names"),
    headerRowInput,
    h("button", {
      type: "button",
      class: "button button-small",
      testid: "header-row-apply",
      text: "Read this row",
      onclick: () => {
        const row = Number.parseInt(headerRowInput.value, 10);
        if (Number.isInteger(row) && row >= 1) actions.onHeaderRow(row);
      },
    }),
  );
  return h(
    "section",
    { class: "mapping-step", testid: "mapping-step", "aria-labelledby": titleId },
    h("h4", { id: titleId }, `What each column of ${report.file_name} holds`),
    report.header_row
      ? h(
          "p",
          { class: "hint", testid: "header-row" },
          `The column names were read from row ${report.header_row}. `,
          h("button", {
            type: "button",
            class: "button-link",
            testid: "header-row-change",
            "aria-expanded": "false",
            text: "Use another row as headers",
            onclick: (event) => {
              headerRowForm.hidden = !headerRowForm.hidden;
              event.currentTarget.setAttribute("aria-expanded", String(!headerRowForm.hidden));
              if (!headerRowForm.hidden) headerRowInput.focus();
            },
          }),
        )
      : null,
    headerRowForm,
    report.remembered_mapping
      ? h(
          "p",
          { class: "mapping-remembered", testid: "mapping-remembered" },
          "These columns were set as you confirmed before for a file with the same headers. ",
          h("button", { type: "button", class: "button-link", testid: "mapping-undo", text: "Undo", onclick: actions.onUndo }),
        )
      : null,
    h("ul", { class: "mapping-list", testid: "mapping-list" }, ...rows),
    h(
      "div",
      { class: "mapping-actions" },
      undecided
        ? h("button", {
            type: "button",
            class: "button button-primary button-small",
            testid: "mapping-accept",
            text: "Use these columns",
            onclick: () => actions.onAccept(Object.fromEntries(selects.filter(({ select }) => select.value).map(({ column, select }) => [column.header, select.value]))),
          })
        : null,
      !undecided && !report.remembered_mapping
        ? h("button", {
            type: "button",
            class: "button button-small",
            testid: "mapping-remember",
            text: "Remember for files like this",
            onclick: actions.onRemember,
          })
        : null,
    ),
    undecided
      ? h("p", { class: "hint", testid: "mapping-pending" }, "Start stays off until every column has an attribute or is skipped.")
      : null,
  );
}

function columnSelect(column, id, list, actions) {
  const current = column.status === "dont_send" ? DONT_SEND : column.attribute || "";
  const options = [
    h("option", { value: "", selected: current === "" }, "Choose what this column holds…"),
    h("option", { value: DONT_SEND, selected: current === DONT_SEND }, "Skip this column (don't send it)"),
    ...list.map((attribute) => h("option", { value: attribute.name, selected: attribute.name === current }, `${attribute.label} (${attribute.name})`)),
  ];
  return h(
    "select",
    {
      id,
      class: "mapping-select",
      testid: "mapping-select",
      onchange: (event) => {
        if (event.target.value) actions.onChoose(column.header, event.target.value);
      },
    },
    ...options,
  );
}

function stateText(column) {
  switch (column.status) {
    case "suggested":
      return "Suggested: confirm it";
    case "unknown":
      return "Choose one";
    case "dont_send":
      return "Not sent";
    default:
      return "Sent";
  }
}
