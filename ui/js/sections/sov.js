// Step 2: which SOV to update, how, and an optional reference.
import { byId, h } from "../dom.js";
import { sovIdIsValid, store } from "../store.js";

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
  const sovId = h("input", {
    id: "sov-id",
    type: "text",
    autocomplete: "off",
    spellcheck: "false",
    list: "sov-id-suggestions",
    placeholder: "s-…",
    testid: "sov-id",
    "aria-describedby": "sov-id-hint sov-id-problem",
  });
  const suggestions = h("datalist", { id: "sov-id-suggestions" });
  const problem = h("p", { class: "field-problem", id: "sov-id-problem", testid: "sov-id-problem" });
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
  const checkShape = (final) => {
    const id = sovId.value.trim();
    const looksWrong = id !== "" && !sovIdIsValid(id);
    // While typing, only speak up once the text clearly cannot become valid.
    const show = looksWrong && (final || /[^a-z0-9-]/.test(id) || !/^(s|s-.*)$/.test(id));
    problem.textContent = show
      ? "SOV IDs start with “s-” followed by lower-case letters, digits and dashes, like s-acme-2026. Copy it from SOV Fixer."
      : "";
    sovId.setAttribute("aria-invalid", String(show));
    if (id !== store.get().sovId) store.set({ sovId: id });
  };
  sovId.addEventListener("input", () => checkShape(false));
  sovId.addEventListener("change", () => {
    sovId.value = sovId.value.trim();
    checkShape(true);
  });
  updateType.addEventListener("change", () => {
    showDescription();
    store.set({ updateType: updateType.value });
  });
  clientRef.addEventListener("input", () => store.set({ clientRef: clientRef.value.trim() }));
  callbackUrl.addEventListener("input", () => store.set({ callbackUrl: callbackUrl.value.trim() }));
  showDescription();

  byId("sov-body").append(
    h(
      "div",
      { class: "field" },
      h("label", { for: "sov-id" }, "SOV ID"),
      sovId,
      suggestions,
      h("p", { class: "hint", id: "sov-id-hint" }, "The ID of the SOV you are correcting, as shown in SOV Fixer."),
      problem,
    ),
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

  let suggestionKey = "";
  store.subscribe((state) => {
    if (state.sovId !== sovId.value.trim() && document.activeElement !== sovId) {
      sovId.value = state.sovId;
      checkShape(true);
    }
    const recent = state.settings ? state.settings.recent_sov_ids || [] : [];
    const ids = [...new Set([...state.demoSovs.map((sov) => sov.id), ...recent])];
    const key = ids.join(",");
    if (key !== suggestionKey) {
      suggestionKey = key;
      const labels = new Map(state.demoSovs.map((sov) => [sov.id, sov.description]));
      suggestions.replaceChildren(...ids.map((id) => h("option", { value: id, label: labels.get(id) || null })));
    }
    byId("sov-summary").textContent = sovIdIsValid(state.sovId)
      ? `${state.sovId}, ${UPDATE_TYPES.find(([value]) => value === state.updateType)?.[1] || state.updateType}`
      : "Which SOV are you correcting?";
  });
}
