// Shows a modal <dialog> with a "keep" and a "confirm" button and resolves to the user's answer.
// Escape or closing the dialog counts as "keep": the safe choice.
import { byId } from "./dom.js";

export function askInDialog({ dialogId, confirmId, keepId }) {
  const dialog = byId(dialogId);
  return new Promise((resolve) => {
    const finish = (answer) => {
      byId(confirmId).removeEventListener("click", onConfirm);
      byId(keepId).removeEventListener("click", onKeep);
      dialog.removeEventListener("close", onClose);
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    const onConfirm = () => finish(true);
    const onKeep = () => finish(false);
    // A "close" event is queued, not immediate: one left over from the previous time the dialog closed can arrive
    // after it was opened again, so only a close that left the dialog closed counts.
    const onClose = () => {
      if (!dialog.open) finish(false);
    };
    byId(confirmId).addEventListener("click", onConfirm);
    byId(keepId).addEventListener("click", onKeep);
    dialog.addEventListener("close", onClose);
    dialog.showModal();
    byId(keepId).focus();
  });
}
