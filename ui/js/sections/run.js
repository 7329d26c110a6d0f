// Step 5: Start, the live progress of the job, Cancel, and Retry after a failure.
import * as api from "../api.js";
import { announce } from "../announcer.js";
import { byId, h } from "../dom.js";
import { errorBox, revealBox, showError } from "../error-box.js";
import { isConnected, jobIsRunning, pickedSheets, sovIdIsValid, store } from "../store.js";
import { recheckFiles } from "./files.js";
import { chosenHeaderRows, chosenMapping, hasUndecidedColumns } from "./mapping.js";
import { confirmCancel } from "./cancel-dialog.js";
import { changesBox } from "./changes-summary.js";
import { dateProblem } from "./outputs.js";
import { phaseText, progressView } from "./run-progress.js";
import { chosenStale, previewBlocker, sendWords, startLabel } from "./preview.js";

let channelToken = 0;

// Each job gets its own channel handler; snapshots from an older channel are ignored
// so a retry or redownload never flickers back to a previous job's state.
export function followJob() {
  channelToken += 1;
  const token = channelToken;
  return (snapshot) => {
    if (token === channelToken) store.set({ job: withRowsSent(snapshot) });
  };
}

// Rows sent, from the checked files of this run, so a partial result can say "N of M".
function withRowsSent(snapshot) {
  const files = store.get().files || [];
  const rows = files.reduce((sum, entry) => sum + (entry.report?.summary?.rows || 0), 0);
  return rows > 0 && snapshot.rows_not_applied ? { ...snapshot, rows_sent: rows } : snapshot;
}

// Shown until a job's first snapshot arrives, so the run view appears at once.
export function placeholderJob(jobId, { phase = "starting", sovId = null } = {}) {
  return { job_id: jobId, sov_id: sovId, phase, steps: [], overall_progress: 0, elapsed_ms: 0 };
}

// The app resumed a job from its last session: show it, unless the user is watching a run of their own.
export async function followResumedJob(resumed) {
  if (jobIsRunning(store.get().job) || !resumed.job_id) return;
  try {
    const snapshot = await api.attachJob(followJob());
    const job = snapshot || placeholderJob(resumed.job_id, { phase: resumed.phase || "processing", sovId: resumed.sov_id });
    store.set({ job, sovId: job.sov_id || store.get().sovId });
    announce("An update from your last session is continuing.");
  } catch {
    // The next reload attaches to it; nothing the user can act on now.
  }
}

export function startBlocker(state) {
  if (!isConnected(state)) return "Connect to SOV Fixer first (step 1), or try the demo.";
  if (!sovIdIsValid(state.sovId)) return "Choose the SOV first (step 2).";
  if (state.checkingFiles) return "Please wait while your files are checked.";
  if (state.files.length === 0) return "Add at least one corrections file first (step 3).";
  const blocking = state.files.filter((entry) => entry.report.blocking);
  const names = blocking.map((entry) => entry.report.file_name).join(", ");
  // "Fix it" only where a fix for a problem exists; a format conversion fixes nothing.
  const fixable = blocking.some((entry) => (entry.report.fixes || []).some((fix) => fix.fixes_a_problem));
  if (fixable) return `Fix the problems in ${names} first (step 3). Try “Fix it”, or correct the file and add it again.`;
  const unmapped = state.files.filter((entry) => hasUndecidedColumns(entry.report)).map((entry) => entry.report.file_name);
  if (unmapped.length > 0) return `Choose what each column of ${unmapped.join(", ")} holds first (step 3).`;
  if (blocking.length > 0) return `Fix the problems in ${names} first (step 3): correct the file, then add it again.`;
  const previewProblem = previewBlocker(state);
  if (previewProblem) return previewProblem;
  if (state.formats.status === "error") return "The list of output files could not be loaded. Use Retry in step 4.";
  if (state.formats.status !== "loaded" || state.formats.sovId !== state.sovId) {
    return "Please wait while the list of output files loads (step 4).";
  }
  if (state.selectedFormats.length === 0) return "Tick at least one kind of output file (step 4).";
  const dates = state.extraData || {};
  const badDate = dateProblem("inception date", dates.inception_date) || dateProblem("expiration date", dates.expiration_date);
  if (badDate) return badDate;
  return null;
}

export function mountRun() {
  const startButton = h("button", {
    type: "button",
    class: "button button-primary button-large",
    testid: "start",
    "aria-describedby": "start-reason",
    text: "Start the update",
    title: "Start the update (Ctrl+Enter)",
    "aria-keyshortcuts": "Control+Enter",
    onclick: () => start(),
  });
  // Ctrl+Enter starts from anywhere on the page once everything is ready, as in many forms.
  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.key !== "Enter") return;
    if (startButton.offsetParent === null || startButton.disabled) return;
    event.preventDefault();
    startButton.click();
  });
  const reason = h("p", { class: "start-reason", id: "start-reason", testid: "start-reason" });
  const notify = h("input", { type: "checkbox", id: "notify-toggle", testid: "notify-toggle", "aria-describedby": "notify-hint" });
  notify.addEventListener("change", () => saveNotifications(notify));
  const startPanel = h(
    "div",
    { class: "start-panel", testid: "start-panel" },
    h("div", { class: "start-row" }, startButton, reason),
    h(
      "div",
      { class: "toggle-row" },
      notify,
      h("label", { for: "notify-toggle" }, "Notify me when an update finishes"),
    ),
    h("p", { class: "hint", id: "notify-hint" }, "A message appears on your desktop if SOV Updater is in the background."),
  );

  const outcome = h("div", { class: "run-outcome", id: "run-outcome" });
  const progress = progressView(outcome);
  const cancelButton = h("button", {
    type: "button",
    class: "button button-danger-quiet",
    testid: "cancel",
    text: "Cancel…",
    onclick: () => cancelRun(),
  });
  const runAgain = h("button", {
    type: "button",
    class: "button button-primary",
    testid: "run-again",
    text: "Run again with the same files and settings",
    onclick: () => runAgainWithSameSetup(),
  });
  const newUpdate = h("button", {
    type: "button",
    class: "button",
    testid: "new-update",
    text: "Start a new update",
    title: "Back to the form; the files and settings you set up stay in place",
    onclick: () => resetForNewUpdate(),
  });
  const runPanel = h(
    "div",
    { class: "run-panel", testid: "run-panel", hidden: true },
    progress.root,
    h("div", { class: "actions" }, cancelButton, runAgain, newUpdate),
  );
  const startError = h("div", { class: "error-area", id: "start-error" });
  byId("run-body").append(startPanel, startError, runPanel);

  let lastPhase = null;
  let lastOutcomeKey = "";
  store.subscribe((state) => {
    notify.checked = Boolean(state.settings?.notifications);
    const job = state.job;
    const running = jobIsRunning(job);
    startPanel.hidden = Boolean(job);
    runPanel.hidden = !job;
    const blocker = startBlocker(state);
    startButton.disabled = Boolean(blocker);
    const sending = sendWords(state);
    reason.textContent = blocker || `Everything is ready${sending ? `: ${sending}` : ""}. This usually takes a few minutes.`;
    startButton.textContent = startLabel(state);
    reason.classList.toggle("is-ready", !blocker);
    byId("run-summary").textContent = job ? phaseText(job) : blocker ? "Not ready yet" : "Ready to start";
    if (!job) {
      lastPhase = null;
      lastOutcomeKey = "";
      return;
    }
    progress.update(job);
    cancelButton.hidden = !running;
    newUpdate.hidden = running;
    // Offered on every finished, failed or cancelled job while its files are still set up in the form.
    runAgain.hidden = running || state.files.length === 0 || Boolean(startBlocker({ ...state, job: null }));
    if (job.phase !== lastPhase) {
      lastPhase = job.phase;
      announce(phaseText(job));
    }
    const outcomeKey = `${job.job_id}|${job.phase}|${job.error?.code || ""}|${job.rows_not_applied?.count ?? ""}|${job.changes ? "changes" : ""}`;
    if (outcomeKey !== lastOutcomeKey) {
      lastOutcomeKey = outcomeKey;
      renderOutcome(outcome, job);
    }
  });
}

function renderOutcome(area, job) {
  if (job.phase === "failed" && job.error) {
    const retryButton = h("button", {
      type: "button",
      class: "button button-primary button-small",
      testid: "retry",
      text: "Retry",
      onclick: () => retry(job.job_id),
    });
    area.replaceChildren(errorBox(job.error, { actions: [retryButton], testid: "job-error" }));
    // The run may have been left scrolled away; bring its error into view without taking the focus from where the
    // user is (the error box is a live alert, so it is read out too).
    revealBox(area, { focus: false });
    return;
  }
  if (job.phase === "done") {
    // The changes arrive in one last snapshot, once SOV Fixer's new data has been checked.
    area.replaceChildren(
      ...[job.rows_not_applied ? rowsNotAppliedBox(job.rows_not_applied) : null, job.changes ? changesBox(job.changes) : null].filter(Boolean),
    );
    return;
  }
  if (job.phase === "cancelled") {
    area.replaceChildren(
      h(
        "p",
        { class: "notice notice-info", testid: "cancelled-notice" },
        "The update was cancelled. Nothing more will be downloaded. If SOV Fixer had already started, it may still finish the update on its side.",
      ),
    );
    return;
  }
  area.replaceChildren();
}

// Which rows SOV Fixer did not apply, where the list was saved, and what to do about them.
export function rowsNotAppliedBox(rows, { testid = "rows-not-applied" } = {}) {
  const unnamed = rows.count - (rows.named || []).length;
  const items = (rows.named || []).map((name) => h("li", {}, name));
  if (unnamed > 0) items.push(h("li", {}, `and ${unnamed} more that SOV Fixer did not name`));
  const saved = rows.saved_to
    ? h(
        "p",
        {},
        "This list is saved beside your new files as ",
        h("strong", { testid: "rows-not-applied-file" }, rows.saved_to.split(/[\\/]/).pop()),
        ".",
      )
    : null;
  return h(
    "div",
    { class: "notice notice-warning", role: "status", testid },
    h("p", { class: "notice-title" }, `${rows.count} ${rows.count === 1 ? "row was" : "rows were"} not applied`),
    h("p", {}, "SOV Fixer finished the update, but these rows of your corrections matched no building, so your new files do not include their changes:"),
    h("ul", { class: "rows-not-applied-list", testid: "rows-not-applied-list" }, ...items),
    saved,
    h(
      "p",
      {},
      "What to do: check item_key, or sheet_name and sheet_row_number, in those rows against the SOV, correct them, and send only those rows in a new update.",
    ),
    h("details", {}, h("summary", { testid: `${testid}-server-words` }, "What SOV Fixer said"), h("p", {}, rows.server_message)),
  );
}

function buildRequest(state) {
  const extraData = Object.fromEntries(Object.entries(state.extraData).filter(([, value]) => value !== ""));
  return {
    sovId: state.sovId,
    updateType: state.updateType,
    clientRef: state.clientRef || null,
    callbackUrl: state.callbackUrl || null,
    files: state.files.map((entry) => entry.path),
    outputFormats: state.selectedFormats,
    extraData,
    downloadDir: state.settings?.download_dir || null,
    sheets: pickedSheets(state.files),
    ...columnChoices(state.files),
    ...checkedStamps(state.files),
    ...previewChoices(state),
  };
}

// What the preview asked: the value kept for each cell SOV Fixer changed too, and "send as is"; only when set.
function previewChoices(state) {
  const staleChoices = chosenStale(state);
  return {
    ...(staleChoices.length > 0 ? { staleChoices } : {}),
    ...(state.sendAsIs ? { sendAsIs: true } : {}),
  };
}

// Each file's size and change time as checked, so the app notices a file edited since and checks it again.
function checkedStamps(files) {
  const checked = Object.fromEntries(files.filter((entry) => entry.report.stamp).map((entry) => [entry.path, entry.report.stamp]));
  return Object.keys(checked).length > 0 ? { checked } : {};
}

// The header rows and column choices the cards show, sent only when there are any.
function columnChoices(files) {
  const headerRows = chosenHeaderRows(files);
  const mapping = chosenMapping(files);
  return {
    ...(Object.keys(headerRows).length > 0 ? { headerRows } : {}),
    ...(Object.keys(mapping).length > 0 ? { mapping } : {}),
  };
}

async function start() {
  const state = store.get();
  if (startBlocker(state)) return;
  const errorArea = byId("start-error");
  errorArea.replaceChildren();
  const startButton = document.querySelector('[data-testid="start"]');
  startButton.disabled = true;
  try {
    const onSnapshot = followJob();
    const { job_id: jobId } = await api.startJob(buildRequest(state), onSnapshot);
    if (!store.get().job) {
      // Show the run panel at once, even before the first snapshot arrives.
      store.set({ job: placeholderJob(jobId, { phase: "validating" }) });
    }
    document.querySelector('[data-testid="run-phase"]')?.setAttribute("tabindex", "-1");
    document.querySelector('[data-testid="run-phase"]')?.focus();
  } catch (error) {
    showError(errorArea, error, { testid: "start-error" });
    store.set({});
    // A file changed since its check and now blocked: its card shows what it is like now.
    if (error?.code === "preflight_blocked") await recheckFiles();
  }
}

async function retry(jobId) {
  try {
    await api.retryJob(jobId, followJob());
    announce("Trying again from the step that failed.");
  } catch (error) {
    showError(byId("run-outcome"), error, { testid: "retry-error" });
  }
}

// Cancel, asked first; step 5 and the run bar share it.
export async function cancelRun() {
  const job = store.get().job;
  if (!job || !jobIsRunning(job)) return;
  const confirmed = await confirmCancel(job.phase);
  if (!confirmed) return;
  try {
    await api.cancelJob(job.job_id);
    announce("Cancelling the update…");
  } catch (error) {
    showError(byId("run-outcome"), error, { testid: "cancel-error" });
  }
}

// Back to the form. Nothing the user set up is discarded: files, SOV, formats and details stay, to be kept or
// removed one by one.
function resetForNewUpdate() {
  channelToken += 1;
  store.set({ job: null });
  if (store.get().files.length > 0) announce("Your files and settings are still set up. Remove or add files for the new update.");
  byId("start-error").replaceChildren();
  const heading = byId("step-files-title");
  heading.setAttribute("tabindex", "-1");
  heading.focus();
  heading.scrollIntoView({ block: "start" });
}

async function runAgainWithSameSetup() {
  channelToken += 1;
  store.set({ job: null });
  await start();
}

async function saveNotifications(box) {
  try {
    const settings = await api.savePreferences({ notifications: box.checked });
    store.set({ settings });
    announce(box.checked ? "You will be notified when an update finishes." : "Notifications are off.");
  } catch (error) {
    box.checked = !box.checked;
    showError(byId("start-error"), error, { testid: "notify-error" });
  }
}
