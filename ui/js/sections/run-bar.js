// The run bar: while an update runs, its phase and Cancel stay at the bottom of the window, wherever the page is
// scrolled and in Recent updates too. It hides while step 5's own Cancel is in view, so Cancel is never doubled.
import { h } from "../dom.js";
import { percent } from "../format.js";
import { jobIsRunning, store } from "../store.js";
import { phaseText } from "./run-progress.js";
import { cancelRun } from "./run.js";

export function mountRunBar({ onShowUpdateView }) {
  const phase = h("p", { class: "run-bar-phase", testid: "run-bar-phase" });
  const progress = h("span", { class: "run-bar-percent", testid: "run-bar-percent" });
  const show = h("button", {
    type: "button",
    class: "button button-small button-quiet",
    testid: "run-bar-show",
    text: "Show progress",
    onclick: () => showProgress(onShowUpdateView),
  });
  const cancel = h("button", {
    type: "button",
    class: "button button-small button-danger-quiet",
    testid: "run-bar-cancel",
    text: "Cancel…",
    onclick: () => cancelRun(),
  });
  const bar = h(
    "div",
    { class: "run-bar", role: "region", "aria-label": "Update in progress", testid: "run-bar", hidden: true },
    h("span", { class: "spinner", "aria-hidden": "true" }),
    h("div", { class: "run-bar-text" }, phase, progress),
    h("div", { class: "run-bar-actions" }, show, cancel),
  );
  document.getElementById("main").append(bar);

  let stepCancelInView = false;
  const refresh = () => {
    const job = store.get().job;
    const running = jobIsRunning(job);
    bar.hidden = !running || stepCancelInView;
    if (!running) return;
    phase.textContent = phaseText(job);
    progress.textContent = `${percent(job.overall_progress || 0)} complete`;
  };
  // A Cancel in a hidden view or scrolled out of the window does not count as in view.
  const stepCancel = document.querySelector('[data-testid="cancel"]');
  if (stepCancel && "IntersectionObserver" in window) {
    new IntersectionObserver((entries) => {
      stepCancelInView = entries.at(-1).isIntersecting;
      refresh();
    }).observe(stepCancel);
  }
  store.subscribe(refresh);
}

function showProgress(onShowUpdateView) {
  onShowUpdateView();
  const phase = document.querySelector('[data-testid="run-phase"]');
  if (!phase) return;
  phase.setAttribute("tabindex", "-1");
  phase.scrollIntoView({ block: "center" });
  phase.focus({ preventScroll: true });
}
