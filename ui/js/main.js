// Starts the page: loads settings, mounts each step, and re-attaches to a running job.
import * as api from "./api.js";
import { byId, h } from "./dom.js";
import { errorBox } from "./error-box.js";
import { mountDropTarget } from "./drop-target.js";
import { mountLocks } from "./locks.js";
import { mountAbout } from "./sections/about.js";
import { checkAtStart } from "./sections/updates.js";
import { mountCloseGuard } from "./sections/close-dialog.js";
import { enterDemo, mountConnect } from "./sections/connect.js";
import { addFiles, mountFiles } from "./sections/files.js";
import { mountDownloads } from "./sections/downloads.js";
import { mountHistory, showHistoryList } from "./sections/history.js";
import { mountOutputs } from "./sections/outputs.js";
import { followJob, followResumedJob, mountRun } from "./sections/run.js";
import { mountRunBar } from "./sections/run-bar.js";
import { mountSov } from "./sections/sov.js";
import { isConnected, sovIdIsValid, store } from "./store.js";

function showView(name) {
  byId("view-update").hidden = name !== "update";
  byId("view-history").hidden = name !== "history";
  for (const tab of document.querySelectorAll(".nav-tab")) {
    if (tab.dataset.view === name) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  if (name === "history") showHistoryList();
}

const onDemoStarted = (sovId) => {
  store.set({ sovId });
  // The chosen SOV's card: "Change" is where the keyboard goes on from.
  document.getElementById("sov-change")?.focus();
};

async function boot() {
  mountConnect({ onDemoStarted });
  mountSov();
  mountFiles();
  mountOutputs();
  mountRun();
  mountRunBar({ onShowUpdateView: () => showView("update") });
  mountDownloads();
  mountHistory({ onShowUpdateView: () => showView("update") });
  mountAbout();
  mountCloseGuard();
  mountLocks();
  mountDropTarget({
    canAccept: () => {
      const state = store.get();
      return isConnected(state) && sovIdIsValid(state.sovId) && !state.job;
    },
    onFiles: (paths) => addFiles(paths),
  });
  for (const tab of document.querySelectorAll(".nav-tab")) {
    tab.addEventListener("click", () => showView(tab.dataset.view));
  }

  try {
    const settings = await api.getSettings();
    store.set({ settings });
    showNotices(settings.notices || []);
    // Opened in demo mode (no account configured yet): have the demo SOV and its sample file ready, but leave
    // the window at its top, so the first thing seen is the title and the demo banner, not a scrolled form.
    if (settings.environment === "demo") await enterDemo((sovId) => store.set({ sovId })).catch(() => {});
  } catch (error) {
    byId("connect-error").replaceChildren(errorBox(error, { testid: "settings-error" }));
    store.set({});
  }
  // Listen first, then attach: a job resumed before the attach is returned by it, one resumed after is announced.
  await api.onJobResumed(followResumedJob);
  let snapshot = null;
  try {
    snapshot = await api.attachJob(followJob());
    if (snapshot) store.set({ job: snapshot, sovId: snapshot.sov_id || store.get().sovId });
  } catch {
    // Nothing to re-attach to is the normal case; a real failure will show on the next action.
  }
  if (new URLSearchParams(window.location.search).get("restored") === "1") showRestored(snapshot);
  document.body.dataset.ready = "true";
  // In the background: the window is usable while the update server answers (or does not).
  checkAtStart();
}

// The app reloaded this page because its web process had ended (see the shell's web_process.rs).
function showRestored(snapshot) {
  window.history.replaceState(null, "", window.location.pathname);
  const text = snapshot
    ? "The window stopped working and was restored. Your update kept running; its progress is shown below."
    : "The window stopped working and was restored. Nothing that was sent is lost; add your corrections files again to go on.";
  const notice = h("p", { class: "notice notice-info", role: "status", tabindex: "-1", testid: "window-restored" }, text);
  // Next to the run's progress when a job is followed, so the message and what it speaks of are seen together.
  (snapshot ? byId("run-body") : byId("app-notices")).prepend(notice);
  notice.focus();
}

// Things the user should know once, such as a damaged history that was set aside and replaced.
function showNotices(notices) {
  byId("app-notices").replaceChildren(
    ...notices.map((text) => h("p", { class: "notice notice-info", role: "status", testid: "app-notice" }, text)),
  );
}

boot();
