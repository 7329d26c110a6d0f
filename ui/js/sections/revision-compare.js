// "Compare two revisions" on the SOV's summary card: choose from and to (by default the original and the
// latest), see what changed between them in the same plain words as after an update, and save the report.
import * as api from "../api.js";
import { announce } from "../announcer.js";
import { h } from "../dom.js";
import { errorBox } from "../error-box.js";
import { plural } from "../format.js";

// `revisions`: the card's list, newest first. Returns null when there is nothing to compare.
export function revisionCompare(sovId, revisions) {
  if (!Array.isArray(revisions) || revisions.length < 2) return null;
  const newestFirst = [...revisions].sort((a, b) => b.revision - a.revision);
  const picker = (id, testid, selected) =>
    h(
      "select",
      { id, testid },
      ...newestFirst.map((rev) =>
        h("option", { value: String(rev.revision), selected: rev.revision === selected }, revisionName(rev)),
      ),
    );
  const from = picker("compare-from", "compare-from", newestFirst.at(-1).revision);
  const to = picker("compare-to", "compare-to", newestFirst[0].revision);
  const result = h("div", { class: "compare-result", testid: "compare-result", "aria-live": "polite" });
  const run = h("button", {
    type: "button",
    class: "button",
    testid: "compare-run",
    text: "Compare",
    onclick: async () => {
      const [fromRev, toRev] = [Number(from.value), Number(to.value)];
      run.disabled = true;
      result.replaceChildren(h("p", { class: "hint", testid: "compare-status" }, "Getting both revisions from SOV Fixer…"));
      try {
        const comparison = await api.compareRevisions(sovId, fromRev, toRev);
        result.replaceChildren(comparisonBox(comparison));
        // The lines shown, not the app's one-sentence summary, so what is heard is what is read.
        const words = summaryLines(comparison).map(([, text]) => text).join(" ");
        announce(`What changed from revision ${comparison.from_revision} to ${comparison.to_revision}: ${words}`);
      } catch (error) {
        result.replaceChildren(errorBox(error, { testid: "compare-error" }));
      } finally {
        run.disabled = false;
      }
    },
  });
  return h(
    "details",
    { class: "sov-compare", testid: "sov-compare" },
    h("summary", { testid: "sov-compare-toggle" }, "Compare two revisions"),
    h("p", { class: "hint" }, "For example, what changed since the original spreadsheet."),
    h(
      "div",
      { class: "compare-choice" },
      h("label", { for: "compare-from" }, "From"),
      from,
      h("label", { for: "compare-to" }, "To"),
      to,
      run,
    ),
    result,
  );
}

function revisionName(rev) {
  return rev.revision === 0 ? `0: ${rev.kind}` : `${rev.revision}: ${rev.kind}${rev.client_ref ? ` (${rev.client_ref})` : ""}`;
}

// The counts in plain words, as [testid, sentence].
function summaryLines(comparison) {
  const lines = [
    [
      "compare-changed",
      comparison.changed_values === 0
        ? "No value changed."
        : `${plural(comparison.changed_values, "value", "values")} changed on ${plural(comparison.changed_buildings, "building", "buildings")}.`,
    ],
  ];
  if (comparison.added_buildings > 0) {
    lines.push(["compare-added", `${plural(comparison.added_buildings, "building was", "buildings were")} added.`]);
  }
  if (comparison.removed_buildings > 0) {
    lines.push(["compare-removed", `${plural(comparison.removed_buildings, "building was", "buildings were")} removed.`]);
  }
  const untouched = untouchedWords(comparison);
  if (untouched) lines.push(["compare-untouched", untouched]);
  return lines;
}

function comparisonBox(comparison) {
  const lines = summaryLines(comparison).map(([testid, text]) => h("li", { testid }, text));
  const listed = comparison.changes.length;
  const more = comparison.changed_values - listed;
  return h(
    "div",
    { class: "notice notice-info", role: "status", testid: "compare-summary" },
    h("p", { class: "notice-title", testid: "compare-title" }, `What changed (revision ${comparison.from_revision} → ${comparison.to_revision})`),
    h("ul", {}, ...lines),
    listed > 0 ? changesTable(comparison) : null,
    more > 0 ? h("p", { testid: "compare-more" }, `…and ${plural(more, "more value", "more values")}: the report lists every one.`) : null,
    saveReport(comparison),
  );
}

// The buildings in both revisions whose values are all the same. None of them: every building changed, when no
// building came or went (otherwise the lines above already say what happened to each kind), else nothing.
function untouchedWords(comparison) {
  if (comparison.untouched_buildings > 0) {
    return `${plural(comparison.untouched_buildings, "building was", "buildings were")} left untouched.`;
  }
  const cameOrWent = comparison.added_buildings > 0 || comparison.removed_buildings > 0;
  return comparison.changed_buildings > 0 && !cameOrWent ? "Every building changed." : null;
}

function changesTable(comparison) {
  return h(
    "div",
    {
      class: "table-scroll",
      tabindex: "0",
      role: "region",
      testid: "compare-changes",
      "aria-label": `Values changed from revision ${comparison.from_revision} to ${comparison.to_revision}`,
    },
    h(
      "table",
      { class: "preview-table" },
      h("thead", {}, h("tr", {}, ...["Building", "Row", "Value", "Before", "After"].map((name) => h("th", { scope: "col" }, name)))),
      h(
        "tbody",
        {},
        ...comparison.changes.map((change) =>
          h(
            "tr",
            { testid: "compare-change" },
            h("td", {}, change.building),
            h("td", {}, `${change.sheet_name} row ${change.sheet_row_number}`),
            h("td", {}, change.label),
            h("td", {}, change.before ?? "(empty)"),
            h("td", {}, change.after ?? "(empty)"),
          ),
        ),
      ),
    ),
  );
}

function saveReport(comparison) {
  const outcome = h("div", { class: "compare-saved", testid: "compare-saved-area" });
  const save = h("button", {
    type: "button",
    class: "button button-small",
    testid: "compare-save",
    text: "Save the report…",
    onclick: async () => {
      outcome.replaceChildren();
      try {
        const path = await api.saveRevisionReport(
          comparison.sov_id,
          comparison.from_revision,
          comparison.to_revision,
          comparison.suggested_report_name,
        );
        if (!path) return;
        const name = path.split(/[\\/]/).pop();
        outcome.replaceChildren(
          h(
            "p",
            { testid: "compare-saved" },
            `Saved as “${name}”. `,
            h("button", {
              type: "button",
              class: "button button-small",
              testid: "compare-report-open",
              text: "Open it",
              onclick: () => api.openPath(path).catch((error) => outcome.append(errorBox(error, { testid: "compare-open-error" }))),
            }),
          ),
        );
        announce(`The report was saved as ${name}.`);
      } catch (error) {
        outcome.replaceChildren(errorBox(error, { testid: "compare-save-error" }));
      }
    },
  });
  return h("div", {}, h("p", {}, "The report lists every value that changed, in a workbook you can filter. ", save), outcome);
}
