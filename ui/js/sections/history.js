// "Recent updates": every update run on this computer, and the details of one.
import * as api from "../api.js";
import { announce } from "../announcer.js";
import { byId, h } from "../dom.js";
import { errorBox, showError } from "../error-box.js";
import { dateTime, time } from "../format.js";
import { store } from "../store.js";
import { outputFolder, outputList } from "./output-list.js";
import { changesBox } from "./changes-summary.js";
import { followJob, placeholderJob, rowsNotAppliedBox } from "./run.js";

const STATUS_TEXT = {
  running: "Running",
  done: "Finished",
  failed: "Failed",
  cancelled: "Cancelled",
  interrupted: "Interrupted",
};
// Updates that did not finish; Retry picks them up (or sends them again) even after SOV Updater was restarted.
const RETRYABLE = new Set(["failed", "interrupted", "cancelled"]);
const STEP_STATUS_TEXT = { done: "Done", failed: "Failed", skipped: "Skipped", pending: "Not started", active: "In progress" };

let showUpdateView = () => {};

export function mountHistory({ onShowUpdateView }) {
  showUpdateView = onShowUpdateView;
  byId("view-history").append(
    h("h1", { class: "view-title", id: "history-title", tabindex: "-1" }, "Recent updates"),
    h("p", { class: "view-lead" }, "Every update run from this computer. Open one to see its steps and files."),
    h("div", { id: "history-list", testid: "history-list" }),
    h("div", { id: "history-detail", testid: "history-detail", hidden: true }),
  );
}

export async function showHistoryList() {
  const list = byId("history-list");
  const detail = byId("history-detail");
  detail.hidden = true;
  list.hidden = false;
  list.replaceChildren(h("p", { class: "hint", role: "status" }, "Loading your recent updates…"));
  try {
    const entries = await api.listHistory();
    list.replaceChildren(entries.length === 0 ? emptyState() : historyTable(entries));
  } catch (error) {
    const retry = h("button", {
      type: "button",
      class: "button button-small",
      testid: "history-retry",
      text: "Retry",
      onclick: () => showHistoryList(),
    });
    list.replaceChildren(errorBox(error, { actions: [retry], testid: "history-error" }));
  }
}

function emptyState() {
  return h(
    "div",
    { class: "empty-state", testid: "history-empty" },
    h("p", {}, "No updates yet. When you run one, it appears here."),
  );
}

function historyTable(entries) {
  return h(
    "div",
    { class: "table-scroll card", tabindex: "0", role: "region", testid: "history-table", "aria-labelledby": "history-title" },
    h(
      "table",
      { class: "history-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["Date", "SOV", "Files", "Output files", "Status"].map((name) => h("th", { scope: "col" }, name)),
          h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")),
        ),
      ),
      h(
        "tbody",
        {},
        ...entries.map((entry) =>
          h(
            "tr",
            { testid: "history-row", "data-id": entry.id },
            h("td", {}, dateTime(entry.started_at)),
            h("td", { class: "mono" }, entry.sov_id),
            h("td", {}, (entry.files || []).join(", ")),
            h("td", {}, (entry.formats || []).join(", ")),
            h("td", {}, statusBadge(entry)),
            h(
              "td",
              {},
              h("button", {
                type: "button",
                class: "button button-small",
                testid: "history-open",
                "aria-label": `Details of the update of ${entry.sov_id} on ${dateTime(entry.started_at)}`,
                text: "Details",
                onclick: () => showHistoryDetail(entry.id),
              }),
            ),
          ),
        ),
      ),
    ),
  );
}

function statusBadge(entry) {
  const { status } = entry;
  const rows = entry.rows_not_applied;
  if (status === "done" && rows) {
    const text = `Finished, ${rows.count} ${rows.count === 1 ? "row" : "rows"} not applied`;
    return h("span", { class: "badge badge-warning", testid: "history-status" }, text);
  }
  const notApplied = entry.changes?.not_applied || 0;
  if (status === "done" && notApplied > 0) {
    const text = `Finished, ${notApplied} ${notApplied === 1 ? "change" : "changes"} not applied`;
    return h("span", { class: "badge badge-warning", testid: "history-status" }, text);
  }
  const tone = { done: "ok", failed: "error", interrupted: "warning", cancelled: "neutral", running: "info" }[status] || "neutral";
  return h("span", { class: `badge badge-${tone}`, testid: "history-status" }, STATUS_TEXT[status] || status);
}

export async function showHistoryDetail(id) {
  const list = byId("history-list");
  const detail = byId("history-detail");
  list.hidden = true;
  detail.hidden = false;
  const back = h("button", {
    type: "button",
    class: "button button-quiet",
    testid: "history-back",
    text: "← Back to recent updates",
    onclick: async () => {
      await showHistoryList();
      document.querySelector(`[data-testid="history-row"][data-id="${CSS.escape(id)}"] button`)?.focus();
    },
  });
  detail.replaceChildren(back, h("p", { class: "hint", role: "status" }, "Loading…"));
  try {
    const entry = await api.getHistory(id);
    detail.replaceChildren(back, detailCard(entry));
    const heading = byId("history-detail-title");
    heading.focus();
  } catch (error) {
    detail.replaceChildren(back, errorBox(error, { testid: "history-detail-error" }));
  }
}

function detailCard(entry) {
  // Beside the button that failed, so the error is seen where the user clicked.
  const retryErrorArea = h("div", { class: "error-area" });
  const redownloadErrorArea = h("div", { class: "error-area" });
  const copy = h("button", {
    type: "button",
    class: "button button-small",
    testid: "copy-update-id",
    "aria-label": "Copy the update ID",
    text: "Copy",
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(entry.update_id || "");
        copy.textContent = "Copied";
        announce("Update ID copied.");
      } catch {
        announce("Could not copy. Select the update ID and press Ctrl+C.");
      }
    },
  });
  const redownloadButton = h("button", {
    type: "button",
    class: "button",
    testid: "redownload",
    text: "Download again",
    onclick: () => downloadAgain(entry.id, redownloadErrorArea),
  });
  const retryButton = h("button", {
    type: "button",
    class: "button button-primary",
    testid: "history-retry-job",
    text: "Retry",
    onclick: () => retryUpdate(entry, retryErrorArea),
  });
  return h(
    "article",
    { class: "card history-detail", "aria-labelledby": "history-detail-title" },
    h("h2", { id: "history-detail-title", tabindex: "-1" }, `Update of ${entry.sov_id}`),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Started"),
      h("dd", {}, dateTime(entry.started_at)),
      h("dt", {}, "Status"),
      h("dd", {}, statusBadge(entry)),
      h("dt", {}, "Update ID"),
      h(
        "dd",
        { class: "with-action" },
        h("span", { class: "mono", testid: "history-update-id" }, entry.update_id || "Not created yet"),
        entry.update_id ? copy : null,
      ),
      h("dt", {}, "Files sent"),
      h("dd", {}, (entry.files || []).join(", ") || "None"),
      h("dt", {}, "Output files"),
      h("dd", {}, (entry.formats || []).join(", ") || "None"),
    ),
    entry.error ? errorBox(entry.error, { testid: "history-job-error" }) : null,
    entry.status === "done" && entry.rows_not_applied
      ? rowsNotAppliedBox(entry.rows_not_applied, { testid: "history-rows-not-applied" })
      : null,
    entry.status === "done" && entry.changes ? changesBox(entry.changes, { testid: "history-what-changed" }) : null,
    h("h3", {}, "Steps"),
    h(
      "ol",
      { class: "history-steps", testid: "history-steps" },
      ...(entry.steps || []).map((step) =>
        h(
          "li",
          { class: `history-step history-step-${step.status}`, testid: "history-step" },
          h("span", { class: "history-step-time" }, time(step.at)),
          h("span", {}, step.label),
          h("span", { class: "hint" }, STEP_STATUS_TEXT[step.status] || step.status || ""),
        ),
      ),
    ),
    h("h3", {}, "Files"),
    (entry.outputs || []).length > 0 ? outputFolder(entry.output_folder) : null,
    (entry.outputs || []).length > 0
      ? outputList(entry.outputs)
      : h("p", { class: "hint" }, "No files were downloaded for this update."),
    RETRYABLE.has(entry.status)
      ? h(
          "div",
          { class: "actions" },
          retryButton,
          h(
            "p",
            { class: "hint" },
            "Picks up where it stopped without sending anything twice. If nothing had reached SOV Fixer, the same files are sent again as a new update.",
          ),
        )
      : null,
    retryErrorArea,
    entry.update_id && entry.status === "done"
      ? h(
          "div",
          { class: "actions" },
          redownloadButton,
          h("p", { class: "hint" }, "Fetches the files from SOV Fixer again, for example if you deleted them."),
        )
      : null,
    redownloadErrorArea,
  );
}

async function downloadAgain(id, errorArea) {
  errorArea.replaceChildren();
  try {
    await api.redownload(id, followJob());
    showRunView();
  } catch (error) {
    showError(errorArea, error, { testid: "redownload-error" });
  }
}

async function retryUpdate(entry, errorArea) {
  errorArea.replaceChildren();
  const follow = followJob();
  let heard = false;
  try {
    const { job_id: jobId } = await api.retryJob(entry.id, (snapshot) => {
      heard = true;
      follow(snapshot);
    });
    // The run view follows the new job from now on, even before its first progress arrives.
    if (!heard) store.set({ job: placeholderJob(jobId, { sovId: entry.sov_id }) });
    store.set({ sovId: entry.sov_id });
    announce("Trying the update again.");
    showRunView();
  } catch (error) {
    showError(errorArea, error, { testid: "history-retry-error" });
  }
}

function showRunView() {
  showUpdateView();
  const heading = byId("step-run-title");
  heading.setAttribute("tabindex", "-1");
  heading.focus();
  heading.scrollIntoView({ block: "start" });
}
