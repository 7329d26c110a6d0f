// A list of downloaded files with Open and Show in folder; shared by Downloads and History.
import * as api from "../api.js";
import { h } from "../dom.js";
import { errorBox } from "../error-box.js";
import { fileSize } from "../format.js";

export function outputList(outputs, { errorArea, extraActions = () => [] } = {}) {
  const act = (fn) => async () => {
    errorArea?.replaceChildren();
    try {
      await fn();
    } catch (error) {
      errorArea?.replaceChildren(errorBox(error, { testid: "output-error" }));
    }
  };
  return h(
    "ul",
    { class: "output-list", testid: "output-list" },
    ...outputs.map((output) => {
      const missing = output.exists === false;
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
                onclick: act(() => api.openPath(output.path)),
              }),
          missing
            ? null
            : h("button", {
                type: "button",
                class: "button button-small",
                testid: "output-reveal",
                "aria-label": `Show in folder: ${output.filename}`,
                text: "Show in folder",
                onclick: act(() => api.revealPath(output.path)),
              }),
          ...extraActions(output),
        ),
      );
    }),
  );
}

function extension(filename) {
  const match = /\.([a-z0-9]{1,5})$/i.exec(filename || "");
  return match ? match[1].toUpperCase() : "FILE";
}
