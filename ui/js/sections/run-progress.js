// Draws a JobSnapshot: the step list, the overall bar, elapsed time and the stalled notice.
import { h } from "../dom.js";
import { elapsed, percent } from "../format.js";

const STEP_ICON = { done: "✓", failed: "✗", skipped: "–", pending: "", active: "" };
const STEP_STATUS_TEXT = {
  done: "done",
  failed: "failed",
  skipped: "skipped",
  pending: "not started yet",
  active: "in progress",
};

export const PHASE_TEXT = {
  validating: "Checking your files…",
  initiating: "Creating the update on SOV Fixer…",
  uploading: "Uploading your corrections…",
  starting: "Starting the update…",
  queued: "Waiting in the queue at SOV Fixer…",
  processing: "SOV Fixer is working on the update…",
  downloading: "Downloading your new files…",
  done: "Done. Your new files are ready.",
  failed: "The update did not finish.",
  cancelled: "The update was cancelled.",
};

// The headline for a job: a finished update in which SOV Fixer did not apply every row is never plain "Done".
export function phaseText(job) {
  const rows = job?.rows_not_applied;
  if (job?.phase === "done" && rows) {
    const sent = job.rows_sent;
    const of = typeof sent === "number" && sent >= rows.count ? ` of ${sent}` : "";
    const matched = of ? ` ${sent - rows.count}${of} rows were applied.` : "";
    return `Finished, but SOV Fixer did not apply ${rows.count}${of} ${rows.count === 1 && !of ? "row" : "rows"}.${matched}`;
  }
  const notApplied = job?.changes?.not_applied || 0;
  if (job?.phase === "done" && notApplied > 0) {
    return `Finished, but SOV Fixer did not apply ${notApplied} of your changes.`;
  }
  return PHASE_TEXT[job?.phase] || job?.phase || "";
}

// `outcome` (the error or cancelled notice) sits right under the phase line, where the eye lands.
export function progressView(outcome) {
  const phase = h("p", { class: "run-phase", testid: "run-phase" });
  const overall = h("progress", { id: "overall-progress", max: "1", value: "0", testid: "overall-progress" });
  const overallText = h("span", { class: "run-percent", testid: "overall-percent" });
  const clock = h("span", { class: "run-elapsed", testid: "elapsed" });
  const stalled = h(
    "p",
    { class: "notice notice-info", testid: "stalled-notice", hidden: true },
    "The server has not reported progress for a while. This can be normal for large SOVs.",
  );
  const steps = h("ol", { class: "step-list", testid: "step-list", "aria-label": "Progress, step by step" });
  const root = h(
    "div",
    { class: "run-progress", testid: "run-progress" },
    phase,
    outcome,
    h(
      "div",
      { class: "overall" },
      h("label", { for: "overall-progress", class: "overall-label" }, "Overall progress"),
      overall,
      h("div", { class: "overall-meta" }, overallText, clock),
    ),
    stalled,
    steps,
  );

  let base = { ms: 0, at: 0, running: false };
  const tick = () => {
    const ms = base.running ? base.ms + (Date.now() - base.at) : base.ms;
    clock.textContent = base.running ? `Time so far: ${elapsed(ms)}` : `Took ${elapsed(ms)}`;
  };
  window.setInterval(tick, 1000);

  function update(snapshot) {
    phase.textContent = phaseText(snapshot);
    phase.classList.toggle(
      "run-phase-warning",
      Boolean(snapshot.phase === "done" && (snapshot.rows_not_applied || snapshot.changes?.not_applied > 0)),
    );
    const fraction = snapshot.phase === "done" ? 1 : snapshot.overall_progress || 0;
    overall.value = fraction;
    overall.setAttribute("aria-valuetext", percent(fraction));
    overallText.textContent = `${percent(fraction)} complete`;
    base = {
      ms: snapshot.elapsed_ms || 0,
      at: Date.now(),
      running: !["done", "failed", "cancelled"].includes(snapshot.phase),
    };
    tick();
    stalled.hidden = !snapshot.stalled;
    steps.replaceChildren(...(snapshot.steps || []).map((step) => stepItem(step, snapshot)));
  }

  return { root, update };
}

function stepItem(step, snapshot) {
  const showBar = step.status === "active" && typeof step.progress === "number";
  const health = step.key === "processing" && step.status === "active" ? snapshot.processing?.health : null;
  const detail = [step.detail, health].filter(Boolean).join(" · ");
  const labelId = `step-label-${step.key}`;
  return h(
    "li",
    { class: `run-step run-step-${step.status}`, testid: "run-step", "data-key": step.key, "data-status": step.status },
    h(
      "span",
      { class: "run-step-icon", "aria-hidden": "true" },
      step.status === "active" ? h("span", { class: "spinner" }) : STEP_ICON[step.status] || "",
    ),
    h(
      "div",
      { class: "run-step-text" },
      h(
        "p",
        { class: "run-step-label", id: labelId },
        step.label,
        h("span", { class: "visually-hidden" }, `: ${STEP_STATUS_TEXT[step.status] || step.status}`),
      ),
      detail ? h("p", { class: "hint", testid: "run-step-detail" }, detail) : null,
      showBar
        ? h("progress", {
            max: "1",
            value: String(step.progress),
            "aria-labelledby": labelId,
            "aria-valuetext": percent(step.progress),
          })
        : null,
    ),
  );
}
