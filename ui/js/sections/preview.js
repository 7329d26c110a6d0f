// Step 3's preview: what each added file will change in the chosen SOV, per building (name and address), old → new,
// before anything is sent. Rows that match no building block Start; a value SOV Fixer changed too since the
// workbook was made shows its three values and waits for the user's choice; Start says how much it will send.
import * as api from "../api.js";
import { announce } from "../announcer.js";
import { h } from "../dom.js";
import { errorBox } from "../error-box.js";
import { MONEY_ATTRIBUTES, plainNames, plural, valueWords } from "../format.js";
import { isConnected, sovIdIsValid, store } from "../store.js";

const KEEP_CHOICES = [
  ["yours", "Yours", (cell) => cell.yours],
  ["server_now", "On SOV Fixer now", (cell) => cell.server_now],
  ["made_from", "When the workbook was made", (cell) => cell.made_from],
];

export const IDLE_PREVIEWS = { key: "", status: "idle", list: [], error: null };

// A stale cell's choice is remembered under its building and attribute, across re-checks of the same file.
export const staleKey = (cell) => `${cell.item_key}|${cell.attribute}`;

function previewKey(state) {
  return `${state.sovId}|${state.files.map((entry) => entry.path).join("\n")}`;
}

function wanted(state) {
  return state.files.length > 0 && !state.checkingFiles && sovIdIsValid(state.sovId) && isConnected(state);
}

// Why Start must wait for the preview, or null. Checked after the file check's own reasons.
export function previewBlocker(state) {
  if (state.files.length === 0 || state.sendAsIs) return null;
  const previews = state.previews || IDLE_PREVIEWS;
  if (previews.status === "error") return "The preview of your changes could not be made. Use “Try again” in step 3, or send the files as they are (Advanced, step 3).";
  if (previews.status !== "loaded" || previews.key !== previewKey(state)) {
    return "Please wait while your files are compared with the SOV's current data (step 3).";
  }
  const blocked = previews.list.filter((preview) => preview.blocked).map((preview) => preview.file_name);
  if (blocked.length > 0) {
    return `Rows in ${blocked.join(", ")} match no building in this SOV. Correct or remove them in the file and add it again (step 3).`;
  }
  const undecided = previews.list.flatMap((preview) => preview.stale).filter((cell) => !state.staleChoices[staleKey(cell)]).length;
  if (undecided > 0) {
    return `Choose which value to keep for ${plural(undecided, "value", "values")} that SOV Fixer changed since your workbook was made (step 3).`;
  }
  if (previews.list.every((preview) => preview.sent_as === "changes_only") && valuesToSend(state) === 0) {
    return "Nothing to send: every value in your files is already on SOV Fixer. Change a value, save the file, and add it again (step 3).";
  }
  return null;
}

// The values Start sends from the workbooks sent as their changes: each change, less the stale ones where the user
// keeps SOV Fixer's value (or an empty one from when the workbook was made).
function valuesToSend(state) {
  return (state.previews?.list || [])
    .filter((preview) => preview.sent_as === "changes_only")
    .reduce((sum, preview) => {
      const kept = preview.stale.filter((cell) => {
        const keep = state.staleChoices[staleKey(cell)];
        return keep === "server_now" || (keep === "made_from" && cell.made_from === null);
      }).length;
      return sum + preview.change_count - kept;
    }, 0);
}

// What Start will send, in words: "3 changed values will be sent", "corrections.csv will be sent as it is".
export function sendWords(state) {
  const list = state.previews?.list || [];
  if (state.sendAsIs) return "your files will be sent exactly as they are";
  if (list.length === 0) return "";
  const asIs = list.filter((preview) => preview.sent_as === "as_is").map((preview) => preview.file_name);
  const asTheyAre = `as ${asIs.length === 1 ? "it is" : "they are"}`;
  if (!list.some((preview) => preview.sent_as === "changes_only")) return `${asIs.join(", ")} will be sent ${asTheyAre}`;
  const values = `${plural(valuesToSend(state), "changed value", "changed values")} will be sent`;
  return asIs.length > 0 ? `${values}, and ${asIs.join(", ")} ${asTheyAre}` : values;
}

// The Start button's words: how many changes it sends, when that is known.
export function startLabel(state) {
  const list = state.previews?.list || [];
  if (state.sendAsIs || list.length === 0 || list.some((preview) => preview.sent_as !== "changes_only")) return "Start the update";
  return `Start: send ${plural(valuesToSend(state), "change", "changes")}`;
}

// The stale choices Start carries, for the cells the previews show.
export function chosenStale(state) {
  return (state.previews?.list || [])
    .flatMap((preview) => preview.stale)
    .filter((cell) => state.staleChoices[staleKey(cell)])
    .map((cell) => ({ itemKey: cell.item_key, attribute: cell.attribute, keep: state.staleChoices[staleKey(cell)] }));
}

export function mountPreview(container) {
  const panel = h("div", { class: "change-preview-panel", testid: "preview-panel", "aria-live": "off" });
  const sendAsIs = h("input", { type: "checkbox", id: "send-as-is", testid: "send-as-is", "aria-describedby": "send-as-is-hint" });
  sendAsIs.addEventListener("change", () => {
    store.set({ sendAsIs: sendAsIs.checked });
    announce(sendAsIs.checked ? "Your files will be sent exactly as they are." : "Only the changes shown in the preview will be sent.");
  });
  const advanced = h(
    "details",
    { class: "advanced", testid: "preview-advanced", hidden: true },
    h("summary", { testid: "preview-advanced-toggle" }, "Advanced"),
    h("div", { class: "toggle-row" }, sendAsIs, h("label", { for: "send-as-is" }, "Send the files exactly as they are")),
    h(
      "p",
      { class: "hint", id: "send-as-is-hint" },
      "Every row and column of your files is sent, not only the changes above: the way SOV Updater worked before. Rows that match no building are then left to SOV Fixer, which does not apply them.",
    ),
  );
  container.append(panel, advanced);

  let requested = "";
  let rendered = null;

  const load = async (key) => {
    const state = store.get();
    const paths = state.files.map((entry) => entry.path);
    store.set({ previews: { key, status: "loading", list: [], error: null } });
    try {
      const list = await api.previewFiles(state.sovId, paths);
      if (requested !== key) return;
      store.set({ previews: { key, status: "loaded", list, error: null } });
      announce(list.map((preview) => `${preview.file_name}: ${preview.unreadable ? "no preview" : preview.summary}`).join(" "));
    } catch (error) {
      if (requested !== key) return;
      store.set({ previews: { key, status: "error", list: [], error } });
    }
  };
  const retry = () => {
    requested = previewKey(store.get());
    load(requested);
  };

  store.subscribe((state) => {
    advanced.hidden = state.files.length === 0;
    sendAsIs.checked = Boolean(state.sendAsIs);
    if (wanted(state)) {
      const key = previewKey(state);
      if (key !== requested) {
        requested = key;
        // Not from inside this notification: the other sections see this state first.
        queueMicrotask(() => load(key));
      }
    } else if (state.files.length === 0 && state.previews.status !== "idle") {
      requested = "";
      queueMicrotask(() => store.set({ previews: IDLE_PREVIEWS }));
    }
    // Only a new preview redraws the panel: a stale-value choice keeps its radio, and the focus on it.
    if (rendered !== state.previews) {
      rendered = state.previews;
      panel.replaceChildren(...render(state.previews, retry));
    }
  });
}

function render(previews, retry) {
  if (previews.status === "loading") {
    return [h("p", { class: "hint", role: "status", testid: "preview-loading" }, "Comparing your files with the SOV's current data…")];
  }
  if (previews.status === "error") {
    const again = h("button", { type: "button", class: "button button-small", testid: "preview-retry", text: "Try again", onclick: retry });
    return [errorBox(previews.error, { testid: "preview-error", actions: [again] })];
  }
  return previews.list.map(filePreview);
}

let previewCounter = 0;

function filePreview(preview) {
  previewCounter += 1;
  const headingId = `preview-title-${previewCounter}`;
  const section = h(
    "section",
    { class: "card change-preview", testid: "preview", "data-file": preview.file_name, "aria-labelledby": headingId },
    h("h3", { id: headingId }, `What ${preview.file_name} will change`),
  );
  if (preview.unreadable) {
    section.append(
      h("p", { class: "notice notice-info", testid: "preview-unreadable" }, `${plainNames(preview.unreadable)} No preview can be shown; the check above says what SOV Fixer will get.`),
    );
    return section;
  }
  section.append(
    h("p", { class: "change-summary", testid: "preview-summary" }, preview.summary),
    h(
      "p",
      { class: "hint", testid: "preview-sent-as" },
      preview.sent_as === "changes_only"
        ? "Only the changed values are sent, with the columns that say which building they belong to."
        : "This file is sent as it is, every row and column; values equal to SOV Fixer's change nothing.",
    ),
  );
  if (preview.stale_base) section.append(staleBaseNotice(preview));
  if (preview.unmatched.length > 0) section.append(unmatchedNotice(preview));
  if (preview.stale.length > 0) section.append(...preview.stale.map((cell, index) => staleChoice(preview, cell, index)));
  if (preview.flags.length > 0) {
    section.append(notesList("Worth a second look (sent as you typed them)", preview.flags, "preview-flags", "preview-flag", "notice-warning"));
  }
  if (preview.cleared.length > 0) {
    section.append(notesList("Emptied cells are not sent", preview.cleared, "preview-cleared", "preview-cleared-cell", "notice-info"));
  }
  if (preview.warnings.length > 0) {
    section.append(
      h("div", { class: "notice notice-info", testid: "preview-warnings" }, h("ul", {}, ...preview.warnings.map((text) => h("li", { testid: "preview-warning" }, plainNames(text))))),
    );
  }
  if (preview.buildings.length > 0) section.append(changesTable(preview));
  return section;
}

function staleBaseNotice(preview) {
  const made = preview.made_from_revision ?? "an earlier one";
  const what =
    preview.stale.length > 0
      ? ` ${plural(preview.stale.length, "value you changed was", "values you changed were")} changed on SOV Fixer too: choose which to keep for each below.`
      : " None of the values you changed were changed there since, so your changes apply as shown.";
  return h(
    "p",
    { class: "notice notice-warning", testid: "preview-stale-base" },
    `SOV Fixer has a newer revision of this SOV (revision ${preview.revision}) than the one this workbook was made from (revision ${made}).${what}`,
  );
}

function unmatchedNotice(preview) {
  return h(
    "div",
    { class: "notice notice-error", role: "alert", testid: "preview-unmatched" },
    h("p", { class: "notice-title" }, `${plural(preview.unmatched.length, "row matches", "rows match")} no building in this SOV`),
    h("ul", {}, ...preview.unmatched.map((row) => h("li", { testid: "preview-unmatched-row", "data-reason": row.reason }, `Row ${row.file_row}: ${plainNames(row.message)}`))),
    h("p", {}, "Nothing is sent while they are in the file. Correct or remove these rows, save the file, and add it again."),
  );
}

function staleChoice(preview, cell, index) {
  const name = `stale-${preview.file_name}-${index}`;
  const chosen = store.get().staleChoices[staleKey(cell)] || null;
  const options = KEEP_CHOICES.map(([value, label, valueOf]) => {
    const id = `${name}-${value}`;
    const shown = valueOf(cell);
    const input = h("input", { type: "radio", name, id, value, testid: `stale-keep-${value}`, checked: chosen === value });
    input.addEventListener("change", () => {
      store.set({ staleChoices: { ...store.get().staleChoices, [staleKey(cell)]: value } });
      announce(`${cell.label} of ${cell.building}: ${label.toLowerCase()} is kept.`);
    });
    return h("div", { class: "toggle-row" }, input, h("label", { for: id }, `${label}: `, h("strong", {}, shown === null || shown === "" ? "(empty)" : shownValue(cell.attribute, shown))));
  });
  return h(
    "fieldset",
    { class: "stale-cell", testid: "stale-cell", "data-attribute": cell.attribute },
    h("legend", {}, `${cell.building}: ${cell.label} (row ${cell.file_row}). Which value should SOV Fixer keep?`),
    ...options,
  );
}

function notesList(title, notes, testid, itemTestid, kind) {
  return h(
    "div",
    { class: `notice ${kind}`, testid },
    h("p", { class: "notice-title" }, title),
    h("ul", {}, ...notes.map((note) => h("li", { testid: itemTestid, "data-kind": note.kind }, `Row ${note.file_row}, ${note.label}: ${plainNames(note.message)}`))),
  );
}

// The changes grouped by building, with a filter by attribute and a search; a plain table a screen reader can walk.
function changesTable(preview) {
  const flagged = new Map(preview.flags.map((flag) => [`${flag.item_key}|${flag.attribute}`, flag.message]));
  const staleCells = new Set(preview.stale.map(staleKey));
  const labels = [...new Set(preview.buildings.flatMap((building) => building.changes.map((change) => change.label)))].sort();
  previewCounter += 1;
  const filterId = `preview-filter-${previewCounter}`;
  const searchId = `preview-search-${previewCounter}`;
  const filter = h(
    "select",
    { id: filterId, testid: "preview-filter" },
    h("option", { value: "" }, "All attributes"),
    ...labels.map((label) => h("option", { value: label }, label)),
  );
  const search = h("input", { type: "search", id: searchId, testid: "preview-search", autocomplete: "off" });
  const groups = preview.buildings.map((building) => {
    const rows = building.changes.map((change) => {
      const key = `${building.item_key}|${change.attribute}`;
      const marks = [];
      if (flagged.has(key)) marks.push(h("span", { class: "badge badge-warning", title: flagged.get(key) }, "Check"));
      if (staleCells.has(key)) marks.push(h("span", { class: "badge badge-info" }, "Changed on SOV Fixer too"));
      const row = h(
        "tr",
        { testid: "preview-change", "data-attribute": change.attribute },
        h("th", { scope: "row" }, change.label),
        h("td", { class: "change-old", testid: "preview-old" }, change.old === null || change.old === undefined ? "(empty)" : shownValue(change.attribute, change.old)),
        h("td", { class: "change-arrow", "aria-hidden": "true" }, "→"),
        h("td", { class: "change-new", testid: "preview-new" }, shownValue(change.attribute, change.new), ...marks.map((mark) => [" ", mark])),
      );
      // Found by the amount as typed ("250000") and as shown ("250,000").
      row.dataset.search = [building.building, change.label, change.old || "", change.new, valueWords(change.attribute, change.old), valueWords(change.attribute, change.new)]
        .join(" ")
        .toLowerCase();
      row.dataset.label = change.label;
      return row;
    });
    return h(
      "tbody",
      { testid: "preview-building", "data-item-key": building.item_key },
      h(
        "tr",
        {},
        h(
          "th",
          { scope: "rowgroup", colspan: "4", class: "change-building" },
          building.building,
          h("span", { class: "hint" }, ` (${building.sheet_name}, row ${building.sheet_row_number})`),
        ),
      ),
      ...rows,
    );
  });
  const noMatch = h("p", { class: "hint", testid: "preview-no-match", role: "status", hidden: true }, "No change matches. Clear the search or choose “All attributes”.");
  const apply = () => {
    const words = search.value.trim().toLowerCase();
    let shown = 0;
    for (const group of groups) {
      let inGroup = 0;
      for (const row of group.querySelectorAll("[data-testid=preview-change]")) {
        const visible = (!filter.value || row.dataset.label === filter.value) && (!words || row.dataset.search.includes(words));
        row.hidden = !visible;
        if (visible) inGroup += 1;
      }
      group.hidden = inGroup === 0;
      shown += inGroup;
    }
    noMatch.hidden = shown > 0;
  };
  filter.addEventListener("change", apply);
  search.addEventListener("input", apply);
  return h(
    "div",
    { class: "change-list" },
    h(
      "div",
      { class: "change-tools" },
      h("div", { class: "field" }, h("label", { for: filterId }, "Show"), filter),
      h("div", { class: "field" }, h("label", { for: searchId }, "Search buildings and values"), search),
    ),
    h(
      "div",
      { class: "table-scroll", role: "region", tabindex: "0", testid: "preview-table-scroll", "aria-label": `Changes in ${preview.file_name}` },
      h(
        "table",
        { class: "change-table", testid: "preview-table" },
        h("caption", { class: "visually-hidden" }, `What ${preview.file_name} changes, grouped by building`),
        h(
          "thead",
          {},
          h("tr", {}, h("th", { scope: "col" }, "Attribute"), h("th", { scope: "col" }, "On SOV Fixer now"), h("td", { "aria-hidden": "true" }), h("th", { scope: "col" }, "Yours")),
        ),
        ...groups,
      ),
    ),
    noMatch,
  );
}

// A money value with thousands separators, as the workbook shows it; the exact amount stays in the element's value
// and title. Other values (a year above all) are shown exactly as they are.
function shownValue(attribute, value) {
  const words = valueWords(attribute, value);
  if (!MONEY_ATTRIBUTES.has(attribute) || words === String(value)) return words;
  return h("data", { value: String(value), title: String(value), testid: "preview-amount" }, words);
}
