// The whole window accepts dropped files through Tauri's native drag-and-drop,
// and the page itself never lets a dropped link or file navigate it away.
import * as api from "./api.js";
import { announce } from "./announcer.js";
import { byId } from "./dom.js";

export function mountDropTarget({ canAccept, onFiles }) {
  for (const type of ["dragover", "drop"]) {
    window.addEventListener(type, (event) => event.preventDefault());
  }
  const overlay = byId("drop-overlay");
  const message = overlay.querySelector(".drop-overlay-card span:last-child");

  api.onFileDrop((payload) => {
    switch (payload.type) {
      case "enter":
      case "over":
        message.textContent = canAccept()
          ? "Drop your corrections files to add them"
          : "Choose the SOV first (step 2), then drop your files";
        overlay.hidden = false;
        document.body.classList.add("is-dragging");
        break;
      case "drop":
        hide(overlay);
        if (!canAccept()) {
          announce("Choose the SOV first (step 2), then add your files.");
        } else if (payload.paths && payload.paths.length > 0) {
          onFiles(payload.paths);
        }
        break;
      default:
        hide(overlay);
    }
  });
}

function hide(overlay) {
  overlay.hidden = true;
  document.body.classList.remove("is-dragging");
}
