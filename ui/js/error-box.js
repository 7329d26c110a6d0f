// The one way an error is shown: plain message, "Show details" with the raw text
// (copyable for support), and optional actions such as Retry.
import { h } from "./dom.js";
import { plainNames } from "./format.js";

let detailsCounter = 0;

export function errorBox(error, { actions = [], testid = "error" } = {}) {
  detailsCounter += 1;
  const detailsId = `error-details-${detailsCounter}`;
  const detailText = [error.detail || "No further details were given.", `Error code: ${error.code}`].join("\n\n");
  const pre = h("pre", { class: "error-detail-text", tabindex: "0", testid: `${testid}-detail-text` }, detailText);
  const copyButton = h("button", {
    type: "button",
    class: "button button-small",
    testid: `${testid}-copy`,
    text: "Copy details",
    onclick: () => copyText(detailText, copyButton),
  });
  const details = h("div", { class: "error-detail", id: detailsId, hidden: true }, pre, copyButton);
  const toggle = h("button", {
    type: "button",
    class: "button button-small button-quiet",
    "aria-expanded": "false",
    "aria-controls": detailsId,
    testid: `${testid}-show-details`,
    text: "Show details",
    onclick: () => {
      const open = details.hidden;
      details.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "Hide details" : "Show details";
    },
  });
  return h(
    "div",
    { class: "error-box", role: "alert", testid, "data-code": error.code },
    h("p", { class: "error-message", testid: `${testid}-message` }, plainNames(error.message)),
    h("div", { class: "error-actions" }, ...actions, toggle),
    details,
  );
}

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    // Clipboard access can be refused; selecting the text lets the user copy by hand.
    const pre = button.previousElementSibling;
    const range = document.createRange();
    range.selectNodeContents(pre);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    button.textContent = "Selected: press Ctrl+C to copy";
  }
}

// Shows an error in `area` and brings it to the user: scrolled into view (it may have appeared below the fold) and,
// unless `focus` is false (the user is typing elsewhere), focused, so the keyboard goes on from the error.
export function showError(area, error, { focus = true, ...options } = {}) {
  const box = errorBox(error, options);
  area.replaceChildren(box);
  revealBox(box, { focus });
  return box;
}

export function revealBox(box, { focus = true } = {}) {
  box.scrollIntoView({ block: "nearest" });
  if (!focus) return;
  box.setAttribute("tabindex", "-1");
  box.focus({ preventScroll: true });
}
