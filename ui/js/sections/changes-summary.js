// "What changed": a finished update checked against SOV Fixer's new data (the job snapshot's `changes`): the
// counts in plain words, each change SOV Fixer did not take, and the change report saved beside the new files.
import * as api from "../api.js";
import { errorBox } from "../error-box.js";
import { h } from "../dom.js";

function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

export function changesBox(changes, { testid = "what-changed" } = {}) {
  const lines = [
    h("li", { testid: "changes-confirmed" }, `${plural(changes.confirmed, "change you asked for is", "changes you asked for are")} confirmed in SOV Fixer's new data.`),
  ];
  if (changes.not_applied > 0) {
    lines.push(
      h("li", { testid: "changes-not-applied" }, `${plural(changes.not_applied, "change was", "changes were")} not applied: SOV Fixer kept its own value.`),
    );
  }
  if (changes.derived > 0) {
    lines.push(h("li", { testid: "changes-derived" }, `SOV Fixer changed ${plural(changes.derived, "other value", "other values")} on its own, such as an address line worked out from yours.`));
  }
  // "0 buildings were left untouched" says nothing worth reading; the counts above do not say whether every
  // building changed, so nothing is claimed about the rest.
  if (changes.untouched_buildings > 0) {
    lines.push(h("li", { testid: "changes-untouched" }, `${plural(changes.untouched_buildings, "building was", "buildings were")} left untouched.`));
  }
  const notApplied = (changes.not_applied_changes || []).map((text) => h("li", {}, text));
  const problem = h("div", { class: "error-area" });
  // A job's snapshot names `report`; a Recent updates entry names `report_path` and whether it is still there.
  const reportPath = changes.report || (changes.report_exists ? changes.report_path : null);
  const moved = !reportPath && changes.report_path
    ? h("p", { testid: "change-report-moved" }, `The change report was saved as “${changes.report_path.split(/[\\/]/).pop()}”; it is no longer in that folder.`)
    : null;
  const report = reportPath
    ? h("button", {
        type: "button",
        class: "button button-small",
        testid: "open-change-report",
        text: "Open the change report",
        onclick: async () => {
          try {
            await api.openPath(reportPath);
          } catch (error) {
            problem.replaceChildren(errorBox(error));
          }
        },
      })
    : null;
  return h(
    "div",
    { class: `notice ${changes.not_applied > 0 ? "notice-warning" : "notice-info"}`, role: "status", testid },
    h("p", { class: "notice-title" }, `What changed (revision ${changes.from_revision} → ${changes.to_revision})`),
    h("ul", {}, ...lines),
    notApplied.length > 0 ? h("ul", { class: "changes-not-applied-list", testid: "changes-not-applied-list" }, ...notApplied) : null,
    changes.not_applied > 0
      ? h("p", {}, "What to do: check those values, then send only them again in a new update, or ask SOV Fixer support.")
      : null,
    report ? h("p", {}, "The change report, saved beside your new files, lists every change. ", report) : null,
    moved,
    problem,
  );
}
