// A newer SOV Updater: one line in the window (from the check at start) and one in About (checked on opening).
// The app decides what to say (sov-release); this module only shows it and offers "Install and restart".
import * as api from "../api.js";
import { byId, h } from "../dom.js";

// Renders `notice` ({line, version, can_install}) into `container`; `prefix` keeps the two places' test ids apart.
function showNotice(container, notice, prefix) {
  const text = h("span", { testid: `${prefix}-text` }, notice.line);
  const parts = [text];
  if (notice.can_install) {
    const error = h("span", { class: "update-error", role: "alert", testid: `${prefix}-error` });
    const install = h(
      "button",
      {
        type: "button",
        class: "button button-primary",
        testid: `${prefix}-install`,
        onClick: async () => {
          install.disabled = true;
          install.textContent = "Downloading the new version…";
          error.textContent = "";
          try {
            // On success the app restarts into the new version; nothing after this runs.
            await api.installUpdate();
          } catch (failure) {
            error.textContent = failure.message;
            install.disabled = false;
            install.textContent = "Install and restart";
          }
        },
      },
      "Install and restart",
    );
    parts.push(" ", install, " ", error);
  }
  container.replaceChildren(...parts);
  container.hidden = false;
}

// At start: silent unless a newer version is offered (the app says nothing for no update or no server).
export async function checkAtStart() {
  try {
    const notice = await api.checkForUpdate(false);
    if (notice) showNotice(byId("update-line"), notice, "update");
  } catch {
    // A failed check at start is not worth the user's attention; About checks again on request.
  } finally {
    // A signal for tests (and support) that the start-up check has been answered.
    document.body.dataset.updateChecked = "true";
  }
}

// From About: always says something, "Checking…" first.
export async function checkFromAbout() {
  const container = byId("about-update");
  container.replaceChildren(h("span", { testid: "about-update-text" }, "Checking for a newer version…"));
  container.hidden = false;
  try {
    const notice = await api.checkForUpdate(true);
    if (notice) showNotice(container, notice, "about-update");
    else container.hidden = true;
  } catch (failure) {
    container.replaceChildren(h("span", { testid: "about-update-text" }, failure.message));
  }
}
