// Closing the window while an update runs: explain that nothing is lost before letting it close.
import * as api from "../api.js";
import { askInDialog } from "../confirm-dialog.js";
import { byId } from "../dom.js";
import { store } from "../store.js";

const ON_SERVER =
  "If you close SOV Updater now, SOV Fixer keeps working on the update. The next time you open SOV Updater it picks " +
  "the update up again and downloads the new files. Nothing is sent twice.";
// The demo's practice server runs inside SOV Updater: closing stops it, and the update with it.
const IN_DEMO =
  "This is the demo: its practice server runs inside SOV Updater and stops when you close it, so this update " +
  "stops too and its files will not be made. Nothing is sent anywhere. To try again later, open Recent updates " +
  "and use Retry, which sends the same files to the practice server as a new update.";

export function mountCloseGuard() {
  api.onCloseRequested(async () => {
    const demo = store.get().settings?.environment === "demo";
    byId("close-explanation").textContent = demo ? IN_DEMO : ON_SERVER;
    byId("close-confirm").textContent = demo ? "Close and stop the demo update" : "Close anyway";
    const close = await askInDialog({ dialogId: "close-dialog", confirmId: "close-confirm", keepId: "close-keep" });
    // If closing fails the window simply stays open, which loses nothing.
    if (close) await api.confirmClose().catch(() => {});
  });
}
