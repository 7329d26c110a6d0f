// "See its buildings", under the chosen SOV's card: what the SOV holds now (its latest revision, read through the
// app with progress words and Cancel), a searchable list in pages, and one building's values with their labels,
// where SOV Fixer got each on demand. Shown for the SOV in `store.sovId`; choosing another resets it.
import * as api from "../api.js";
import { announce } from "../announcer.js";
import { h } from "../dom.js";
import { errorBox } from "../error-box.js";
import { plural } from "../format.js";
import { store } from "../store.js";

// Short enough to feel immediate, long enough not to ask on every key of a street name.
export const BUILDINGS_SEARCH_DELAY_MS = 200;

export function mountBuildings(container) {
  const open = h("button", { type: "button", class: "button", testid: "buildings-open", text: "See its buildings" });
  const progress = h("p", { class: "buildings-progress", role: "status", "aria-live": "polite", testid: "buildings-progress" });
  const cancel = h("button", { type: "button", class: "button button-small", testid: "buildings-cancel", text: "Cancel", hidden: true });
  const errorArea = h("div", { class: "error-area", testid: "buildings-error-area" });
  const heading = h("p", { class: "buildings-heading", testid: "buildings-heading" });
  const search = h("input", {
    id: "buildings-search",
    type: "search",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "For example Harbor Blvd, Miami or 42",
    testid: "buildings-search",
    "aria-describedby": "buildings-count",
  });
  const count = h("p", { class: "find-status", id: "buildings-count", testid: "buildings-count" });
  const list = h("ul", { class: "buildings-list", testid: "buildings-list", "aria-label": "Buildings" });
  const previous = h("button", { type: "button", class: "button button-small", testid: "buildings-page-previous", text: "Previous" });
  const next = h("button", { type: "button", class: "button button-small", testid: "buildings-page-next", text: "Next" });
  const pageWords = h("span", { class: "buildings-page", testid: "buildings-page" });
  const pager = h("div", { class: "find-pager", role: "group", "aria-label": "Pages of buildings" }, previous, pageWords, next);
  const browser = h(
    "div",
    { class: "buildings-browser", testid: "buildings-browser", hidden: true },
    heading,
    h("label", { for: "buildings-search" }, "Search its buildings by name, address, sheet or row"),
    search,
    count,
    list,
    pager,
  );
  const detail = h("div", { class: "buildings-detail", testid: "buildings-detail", hidden: true, tabindex: "-1" });
  const panel = h(
    "section",
    { class: "buildings", testid: "buildings", "aria-label": "What this SOV holds now" },
    h("div", { class: "actions" }, open, cancel),
    progress,
    errorArea,
    browser,
    detail,
  );
  container.append(panel);

  let sovId = "";
  let page = null;
  let seq = 0;
  let timer = null;

  const reset = () => {
    seq += 1;
    window.clearTimeout(timer);
    page = null;
    open.hidden = false;
    open.disabled = false;
    cancel.hidden = true;
    progress.textContent = "";
    errorArea.replaceChildren();
    browser.hidden = true;
    detail.hidden = true;
    detail.replaceChildren();
    search.value = "";
  };

  const showError = (error, retry) => {
    const again = h("button", { type: "button", class: "button button-small", testid: "buildings-retry", text: "Try again", onclick: retry });
    errorArea.replaceChildren(errorBox(error, { testid: "buildings-error", actions: [again] }));
  };

  const render = (shown) => {
    page = shown;
    const which = shown.revision === 0 ? "the original spreadsheet (revision 0)" : `revision ${shown.revision}`;
    heading.textContent = `${plural(shown.total, "building", "buildings")} in ${which}${shown.from_cache ? ", from the copy saved on this computer" : ""}.`;
    const text = search.value.trim();
    count.textContent =
      shown.matching === 0
        ? `No building matches “${text}”. Try part of a street, a city, or a row number.`
        : text
          ? `${plural(shown.matching, "building matches", "buildings match")} “${text}”.`
          : `${plural(shown.total, "building", "buildings")}, in the spreadsheet's order.`;
    list.replaceChildren(
      ...shown.buildings.map((row) =>
        h(
          "li",
          {},
          h(
            "button",
            { type: "button", class: "buildings-row", testid: "buildings-row", "data-key": row.key, onclick: () => showDetail(row) },
            h("span", { class: "buildings-row-name", testid: "buildings-row-name" }, row.name || "Unnamed building"),
            h("span", { class: "buildings-row-address", testid: "buildings-row-address" }, row.address || "No address"),
            h("span", { class: "buildings-row-place", testid: "buildings-row-place" }, placeOf(row)),
          ),
        ),
      ),
    );
    pageWords.textContent = shown.matching === 0 ? "" : `Page ${shown.page + 1} of ${shown.page_count}`;
    previous.disabled = shown.page === 0;
    next.disabled = shown.page + 1 >= shown.page_count;
    pager.hidden = shown.page_count <= 1;
    browser.hidden = false;
  };

  // Only the latest question's answer is shown; an SOV changed meanwhile drops it too.
  const ask = async (wanted) => {
    const mine = ++seq;
    const forSov = sovId;
    try {
      const shown = await api.currentBuildings({ sovId: forSov, search: search.value, page: wanted });
      if (mine !== seq || forSov !== sovId) return;
      errorArea.replaceChildren();
      render(shown);
      announce(count.textContent);
    } catch (error) {
      if (mine !== seq || forSov !== sovId) return;
      showError(error, () => ask(wanted));
    }
  };

  const load = async () => {
    const mine = ++seq;
    const forSov = sovId;
    open.disabled = true;
    cancel.hidden = false;
    errorArea.replaceChildren();
    detail.hidden = true;
    progress.textContent = "Asking SOV Fixer for the SOV's data…";
    try {
      const shown = await api.openBuildings(forSov, (words) => {
        if (mine === seq && forSov === sovId) progress.textContent = words;
      });
      if (mine !== seq || forSov !== sovId) return;
      progress.textContent = "";
      open.hidden = true;
      render(shown);
      announce(heading.textContent);
      search.focus();
    } catch (error) {
      if (mine !== seq || forSov !== sovId) return;
      progress.textContent = error.code === "cancelled" ? "Stopped. Nothing was read; “See its buildings” starts again." : "";
      if (error.code !== "cancelled") showError(error, load);
      open.disabled = false;
    } finally {
      if (mine === seq) cancel.hidden = true;
    }
  };

  const showDetail = async (row) => {
    const forSov = sovId;
    detail.replaceChildren(h("p", { class: "find-status" }, `Reading ${row.name || "the building"}…`));
    detail.hidden = false;
    browser.hidden = true;
    try {
      const found = await api.buildingDetail(forSov, row.key);
      if (forSov !== sovId) return;
      renderDetail(found);
    } catch (error) {
      if (forSov !== sovId) return;
      detail.replaceChildren(errorBox(error, { testid: "building-error" }), backButton());
    }
    detail.focus();
  };

  const backButton = () =>
    h("button", {
      type: "button",
      class: "button",
      testid: "building-back",
      text: "Back to the list",
      onclick: () => {
        detail.hidden = true;
        detail.replaceChildren();
        browser.hidden = false;
        search.focus();
      },
    });

  const renderDetail = (found) => {
    const { building } = found;
    const rows = found.attributes.map((attribute) => {
      const extra = [
        ["Where it came from", attribute.source],
        ["In the insured's spreadsheet", attribute.original],
        ["Confidence", attribute.confidence],
        ["Units", attribute.units],
        ["Comment", attribute.comment],
      ].filter(([, value]) => value);
      const value = attribute.value === "" ? h("span", { class: "buildings-empty" }, "(empty)") : attribute.value;
      const more =
        extra.length === 0
          ? null
          : h(
              "details",
              { class: "buildings-more", testid: "building-attribute-more" },
              // The label in the accessible name: a list of identical "Where it came from" says nothing on its own.
              h(
                "summary",
                { testid: "building-attribute-more-toggle", "aria-label": `Where it came from: ${attribute.label}` },
                "Where it came from",
              ),
              h("dl", {}, ...extra.flatMap(([term, text]) => [h("dt", {}, term), h("dd", {}, text)])),
            );
      return [
        h("dt", { title: attribute.name, testid: "building-attribute-label", "data-name": attribute.name }, attribute.label),
        h("dd", { testid: "building-attribute-value", "data-name": attribute.name }, value, more),
      ];
    });
    detail.replaceChildren(
      h("h4", { testid: "building-title" }, building.name || "Unnamed building"),
      h("p", { class: "hint", testid: "building-place" }, [building.address, placeOf(building)].filter(Boolean).join(" · ")),
      h("dl", { class: "facts buildings-values", testid: "building-attributes" }, ...rows.flat()),
      backButton(),
    );
  };

  open.addEventListener("click", load);
  cancel.addEventListener("click", () => {
    progress.textContent = "Stopping…";
    api.cancelBuildings().catch(() => {});
  });
  search.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => ask(0), BUILDINGS_SEARCH_DELAY_MS);
  });
  previous.addEventListener("click", () => page && ask(page.page - 1));
  next.addEventListener("click", () => page && ask(page.page + 1));

  store.subscribe((state) => {
    if (state.sovId === sovId) return;
    // Another SOV: whatever was being read for the previous one is of no use now.
    if (!cancel.hidden) api.cancelBuildings().catch(() => {});
    sovId = state.sovId || "";
    reset();
  });
}

function placeOf(row) {
  if (!row.sheet_name && row.sheet_row_number == null) return "";
  if (row.sheet_row_number == null) return `Sheet ${row.sheet_name}`;
  return row.sheet_name ? `Sheet ${row.sheet_name}, row ${row.sheet_row_number}` : `Row ${row.sheet_row_number}`;
}
