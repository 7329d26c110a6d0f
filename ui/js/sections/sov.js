// Step 2: which SOV to update (found by name, see find-sov.js), how, and an optional reference.
import { byId, h } from "../dom.js";
import { sovIdIsValid, store } from "../store.js";
import { mountFindSov } from "./find-sov.js";
import { workbookBox } from "./workbook.js";

export const UPDATE_TYPES = [
  ["API", "API reoutput", "Apply your corrections and make new output files. The usual choice."],
  ["SCRUB", "Scrubber reoutput (SCRUB)", "Apply your corrections and send the SOV back through SOV Fixer's data clean-up (the scrubber)."],
  ["AIR", "AIR exports", "Apply your corrections and make files for the AIR catastrophe model."],
  ["RMS", "RMS exports", "Apply your corrections and make files for the RMS catastrophe model."],
  ["RMS_ANALYSIS", "RMS analysis", "Apply your corrections and prepare the SOV for an RMS analysis."],
  ["COMPLETE", "Scrubbing complete", "Apply your corrections and mark the SOV's clean-up as finished."],
  ["PINGREADY", "Ping Ready", "Apply your corrections and mark the SOV as ready to use in Ping."],
];

export function mountSov() {
  const updateType = h(
    "select",
    { id: "update-type", testid: "update-type", "aria-describedby": "update-type-description" },
    ...UPDATE_TYPES.map(([value, label]) => h("option", { value }, label)),
  );
  const description = h("p", { class: "hint", id: "update-type-description", testid: "update-type-description" });
  // Every choice with its sentence, not only the selected one's, so the list can be understood before choosing.
  const allTypes = h(
    "details",
    { class: "type-help", testid: "update-type-help" },
    h("summary", { testid: "update-type-help-toggle" }, "What do these choices mean?"),
    h(
      "dl",
      { class: "facts" },
      ...UPDATE_TYPES.flatMap(([, label, sentence]) => [h("dt", {}, label), h("dd", {}, sentence)]),
    ),
  );
  const clientRef = h("input", {
    id: "client-ref",
    type: "text",
    autocomplete: "off",
    testid: "client-ref",
    "aria-describedby": "client-ref-hint",
  });
  const callbackUrl = h("input", {
    id: "callback-url",
    type: "url",
    autocomplete: "off",
    testid: "callback-url",
    "aria-describedby": "callback-url-hint",
  });

  const showDescription = () => {
    const entry = UPDATE_TYPES.find(([value]) => value === updateType.value);
    description.textContent = entry ? entry[2] : "";
  };
  updateType.addEventListener("change", () => {
    showDescription();
    store.set({ updateType: updateType.value });
  });
  clientRef.addEventListener("input", () => store.set({ clientRef: clientRef.value.trim() }));
  callbackUrl.addEventListener("input", () => store.set({ callbackUrl: callbackUrl.value.trim() }));
  showDescription();

  const finder = h("div", { class: "field" });
  mountFindSov(finder);
  byId("sov-body").append(
    finder,
    workbookBox(),
    h("div", { class: "field" }, h("label", { for: "update-type" }, "What should SOV Fixer do?"), updateType, description, allTypes),
    h(
      "div",
      { class: "field" },
      h("label", { for: "client-ref" }, "Your reference (optional)"),
      clientRef,
      h("p", { class: "hint", id: "client-ref-hint" }, "For example a policy or ticket number. It is saved with the update so you can find it later."),
    ),
    h(
      "details",
      { class: "advanced", testid: "sov-advanced" },
      h("summary", { testid: "sov-advanced-toggle" }, "Advanced"),
      h("label", { for: "callback-url" }, "Notify a web address when done (callback URL)"),
      callbackUrl,
      h("p", { class: "hint", id: "callback-url-hint" }, "For IT teams connecting other systems. Leave it empty if you are not sure."),
    ),
  );

  store.subscribe((state) => {
    const chosen = state.sovLabel && state.sovLabel.id === state.sovId ? state.sovLabel.text : state.sovId;
    byId("sov-summary").textContent = sovIdIsValid(state.sovId)
      ? `${chosen}, ${UPDATE_TYPES.find(([value]) => value === state.updateType)?.[1] || state.updateType}`
      : "Which SOV are you correcting?";
  });
}
