// Closing the window while an update runs: explain that nothing is lost before letting it close.
import * as api from "../api.js";
import { askInDialog } from "../confirm-dialog.js";

export function mountCloseGuard() {
  api.onCloseRequested(async () => {
    const close = await askInDialog({ dialogId: "close-dialog", confirmId: "close-confirm", keepId: "close-keep" });
    // If closing fails the window simply stays open, which loses nothing.
    if (close) await api.confirmClose().catch(() => {});
  });
}
