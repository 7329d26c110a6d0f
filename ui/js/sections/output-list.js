// A list of downloaded files with Open and Show in folder; shared by Downloads and History.
import * as api from "../api.js";
import { h } from "../dom.js";
import { showError } from "../error-box.js";
import { fileSize } from "../format.js";

// An action's error is shown under the file it was about (one error at a time in the list), in view: the button
// clicked is where the user looks, and an error at the end of a long list looked like the click did nothing.
export function outputList(outputs, { extraActions = () => [] } = {}) {
  const list = h("ul", { class: "output-list", testid: "output-list" });
  const act = (fn, errorSlot) => async () => {
    for (const slot of list.querySelectorAll(".output-error-area")) slot.replaceChildren();
    try {
      await fn();
    } catch (error) {
      showError(errorSlot, error, { testid: "output-error" });
    }
  };
  list.append(
    ...outputs.map((output) => {
      const missing = output.exists === false;
      const errorSlot = h("div", { class: "error-area output-error-area" });
      return h(
        "li",
        { class: "output-item", testid: "output-item", "data-file": output.filename },
        h("span", { class: "file-icon", "aria-hidden": "true" }, extension(output.filename)),
        h(
          "div",
          { class: "output-text" },
          h("p", { class: "output-name", testid: "output-name" }, output.filename),
          h(
            "p",
            { class: "hint", testid: "output-meta" },
            [output.description, fileSize(output.size), missing ? "no longer on this computer" : null]
              .filter(Boolean)
              .join(" · "),
          ),
        ),
        h(
          "div",
          { class: "output-actions" },
          missing
            ? null
            : h("button", {
                type: "button",
                class: "button button-small button-primary",
                testid: "output-open",
                "aria-label": `Open ${output.filename}`,
                text: "Open",
                onclick: act(() => api.openPath(output.path), errorSlot),
              }),
          missing
            ? null
            : h("button", {
                type: "button",
                class: "button button-small",
                testid: "output-reveal",
                "aria-label": `Show in folder: ${output.filename}`,
                text: "Show in folder",
                onclick: act(() => api.revealPath(output.path), errorSlot),
              }),
          ...extraActions(output),
        ),
        errorSlot,
      );
    }),
  );
  return list;
}

function extension(filename) {
  const match = /\.([a-z0-9]{1,5})$/i.exec(filename || "");
  return match ? match[1].toUpperCase() : "FILE";
}

// The run's own folder (named after the insured or SOV and the time), with "Open folder": one click to all of a
// run's files, told apart from other runs' by the folder's name.
export function outputFolder(folder) {
  if (!folder) return null;
  const errorSlot = h("div", { class: "error-area" });
  const name = folder.split(/[\\/]/).filter(Boolean).pop() || folder;
  return h(
    "div",
    { class: "output-folder", testid: "output-folder" },
    h(
      "div",
      { class: "folder-row" },
      h(
        "div",
        { class: "output-text" },
        h("p", {}, "Saved in the folder ", h("strong", { testid: "output-folder-name" }, name)),
        h("p", { class: "folder-path", testid: "output-folder-path" }, folder),
      ),
      h("button", {
        type: "button",
        class: "button button-small button-primary",
        testid: "open-output-folder",
        text: "Open folder",
        onclick: async () => {
          errorSlot.replaceChildren();
          try {
            await api.openPath(folder);
          } catch (error) {
            showError(errorSlot, error, { testid: "output-folder-error" });
          }
        },
      }),
    ),
    errorSlot,
  );
}
