// The full row list of one kind of problem: "Show all N rows" opens a scrollable table of every row with it
// (row, column, value, what to do), fetched a page at a time so a 10,000-row list never puts 10,000 rows in the
// page: "Show more rows" adds the next page.
import { errorBox } from "../error-box.js";
import { h } from "../dom.js";
import { plainNames } from "../format.js";

export const ROWS_PER_PAGE = 100;

let listCounter = 0;

// `loadRows(offset, limit)` resolves to `{offset, total, rows: [{row, column, value, problem, what_to_do}]}`.
export function problemRows(finding, fileName, loadRows) {
  listCounter += 1;
  const regionId = `problem-rows-${listCounter}`;
  const count = number(rowCount(finding));
  const label = `Rows with this problem in ${fileName}: ${plainNames(finding.message)}`;
  const body = h("tbody", {});
  const table = h(
    "table",
    { class: "problem-rows-table", testid: "finding-rows-table" },
    h("caption", { class: "visually-hidden" }, label),
    h(
      "thead",
      {},
      h("tr", {}, ...["Row", "Column", "Value", "What to do"].map((name) => h("th", { scope: "col" }, name))),
    ),
    body,
  );
  const status = h("p", { class: "hint", role: "status", testid: "finding-rows-status" });
  const errorArea = h("div", { class: "error-area" });
  const more = h("button", {
    type: "button",
    class: "button button-small",
    testid: "finding-rows-more",
    hidden: true,
    text: `Show ${ROWS_PER_PAGE} more rows`,
    onclick: () => loadPage(),
  });
  const region = h(
    "div",
    { class: "problem-rows", id: regionId, hidden: true, testid: "finding-rows" },
    h("div", { class: "problem-rows-scroll", role: "region", tabindex: "0", testid: "finding-rows-scroll", "aria-label": label }, table),
    status,
    errorArea,
    more,
  );
  const toggle = h("button", {
    type: "button",
    class: "button-link",
    testid: "finding-rows-toggle",
    "aria-expanded": "false",
    "aria-controls": regionId,
    text: `Show all ${count} rows`,
    onclick: () => {
      const open = region.hidden;
      region.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "Hide the rows" : `Show all ${count} rows`;
      if (open && shown === 0 && !loading) loadPage();
    },
  });

  let shown = 0;
  let loading = false;
  async function loadPage() {
    loading = true;
    more.disabled = true;
    errorArea.replaceChildren();
    status.textContent = "Loading the rows…";
    try {
      const page = await loadRows(shown, ROWS_PER_PAGE);
      const added = page.rows.map((row) => rowLine(row));
      body.append(...added);
      const first = shown === 0;
      shown += added.length;
      const rest = Math.max(0, page.total - shown);
      more.hidden = rest === 0 || added.length === 0;
      more.textContent = `Show ${Math.min(ROWS_PER_PAGE, rest)} more rows`;
      status.textContent = rest > 0 ? `Showing the first ${number(shown)}.` : "";
      // After "Show more", the first new row takes focus, so a keyboard user reads on from there.
      if (!first && added[0]) {
        const cell = added[0].firstChild;
        cell.setAttribute("tabindex", "-1");
        cell.focus();
      }
    } catch (error) {
      status.textContent = "";
      errorArea.replaceChildren(errorBox(error, { testid: "finding-rows-error" }));
      more.hidden = shown === 0;
    } finally {
      loading = false;
      more.disabled = false;
    }
  }

  return h("div", { class: "problem-rows-disclosure" }, toggle, region);
}

function rowLine(row) {
  return h(
    "tr",
    { testid: "finding-row" },
    h("th", { scope: "row" }, row.row ?? ""),
    h("td", {}, row.column ?? ""),
    h("td", { class: "problem-rows-value" }, row.value ?? ""),
    h("td", {}, plainNames(row.what_to_do)),
  );
}

export function rowCount(finding) {
  return finding.row_count ?? (finding.rows || []).length;
}

function number(count) {
  return count.toLocaleString("en-US");
}
