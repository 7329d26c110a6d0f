// Steps unlock as the user goes. Once a job exists, steps 1–4 fold down to their
// one-line summaries: the inputs are fixed, and the progress is what matters.
import { byId } from "./dom.js";
import { isConnected, sovIdIsValid, store } from "./store.js";

const INPUT_STEPS = ["step-connect", "step-sov", "step-files", "step-outputs"];

export function mountLocks() {
  store.subscribe((state) => {
    const connected = isConnected(state);
    const haveSov = connected && sovIdIsValid(state.sovId);
    const locked = { "step-connect": false, "step-sov": !connected, "step-files": !haveSov, "step-outputs": !haveSov };
    const folded = Boolean(state.job);
    for (const id of INPUT_STEPS) {
      const section = byId(id);
      section.classList.toggle("is-locked", locked[id]);
      section.classList.toggle("is-folded", folded && !locked[id]);
      const hint = section.querySelector("[data-locked-hint]");
      if (hint) hint.hidden = !locked[id] || folded;
      section.querySelector(".step-body").hidden = locked[id] || folded;
    }
  });
}
