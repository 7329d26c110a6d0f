// Asks before cancelling, and says plainly what cancelling can and cannot undo.
import { askInDialog } from "../confirm-dialog.js";
import { byId } from "../dom.js";

const BEFORE_SERVER_STARTED = ["validating", "initiating", "uploading"];

export function confirmCancel(phase) {
  byId("cancel-explanation").textContent = BEFORE_SERVER_STARTED.includes(phase)
    ? "SOV Fixer has not started working on this update yet. Cancelling stops the upload, and the SOV is not changed."
    : "SOV Fixer has already started working on this update. Cancelling stops SOV Updater from waiting for it: the server may still finish the update and change the SOV, but nothing more will be downloaded to this computer.";
  return askInDialog({ dialogId: "cancel-dialog", confirmId: "cancel-confirm", keepId: "cancel-keep" });
}
