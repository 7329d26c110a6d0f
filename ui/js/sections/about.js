// The About box: version and build, for support conversations.
import * as api from "../api.js";
import { byId, h } from "../dom.js";
import { checkFromAbout } from "./updates.js";

export function mountAbout() {
  const dialog = byId("about-dialog");
  byId("about-open").addEventListener("click", async () => {
    const facts = byId("about-facts");
    try {
      const info = await api.appInfo();
      facts.replaceChildren(
        h("dt", {}, "Version"),
        h("dd", { testid: "about-version" }, info.version),
        h("dt", {}, "Build"),
        h("dd", { testid: "about-commit" }, info.commit),
      );
    } catch (error) {
      facts.replaceChildren(h("dt", {}, "Version"), h("dd", {}, error.message));
    }
    dialog.showModal();
    byId("about-close").focus();
    // Not awaited: the box is usable while the update server answers.
    checkFromAbout();
  });
  byId("about-close").addEventListener("click", () => dialog.close());
}
