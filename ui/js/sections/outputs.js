// Step 4: which output files to make, the policy details that name them, and where to save them.
import * as api from "../api.js";
import { announce } from "../announcer.js";
import { byId, h } from "../dom.js";
import { errorBox, revealBox } from "../error-box.js";
import { isConnected, sovIdIsValid, store } from "../store.js";

const FORMATS_DELAY_MS = 400;

// One sentence per output file kind SOV Fixer offers, so nobody has to guess; unknown kinds get a sentence from
// their file type.
const FORMAT_HELP = {
  JSON: "The updated SOV with every building and attribute, for other software to read.",
  CSV: "The updated SOV as a table: one row per building, opens in Excel.",
  DEBUGJSON: "For SOV Fixer's support team when they look into a problem; you do not need it otherwise.",
  CARRIER_BORDEREAU: "A bordereau of the buildings laid out for a carrier.",
};

function formatHelp(format) {
  const known = FORMAT_HELP[String(format.output_format).toUpperCase()];
  if (known) return known;
  const extension = String(format.output_extension || "").replace(/^\./, "").toLowerCase();
  if (extension === "xlsx" || extension === "xls") return "The updated SOV as an Excel workbook.";
  if (extension === "csv") return "The updated SOV as a table that opens in Excel.";
  return extension ? `A .${extension} file made by SOV Fixer from the updated SOV.` : "A file made by SOV Fixer from the updated SOV.";
}

// An optional date is typed as YYYY-MM-DD in one field: one tab stop, and nothing shows until the user types.
export function dateProblem(label, value) {
  if (!value) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match && new Date(`${value}T00:00:00Z`);
  if (!match || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    return `Type the ${label} as YYYY-MM-DD, for example 2027-01-31, or leave it empty (step 4).`;
  }
  return null;
}

const EXTRA_FIELDS = [
  ["insured_name", "Insured name", "text", "Recommended: the new files are named after it and the month, for example “Acme Corp 2026-12.csv” for the CSV file."],
  ["inception_date", "Inception date (optional)", "text", "As YYYY-MM-DD, for example 2027-01-31."],
  ["expiration_date", "Expiration date (optional)", "text", "As YYYY-MM-DD, for example 2028-01-31."],
  ["sov_description", "Description (optional)", "text", "A short note carried into the files."],
];

// Insured name is filled in from the chosen SOV (SOV Fixer knows its insured), so the new files and their folder are
// named after the insured, as the corrections workbook is, even when nobody types it. A name the user typed is
// theirs: choosing another SOV replaces only a filled-in one. The hint beside it says where it came from.
function insuredSource(input, id) {
  const source = h("p", { class: "hint", id: `${id}-source`, testid: `${id}-source`, hidden: true }, "Filled in from SOV Fixer's record of this SOV. Change it if the files should carry another name.");
  input.setAttribute("aria-describedby", `${id}-hint ${id}-source`);
  let seen = "";
  store.subscribe((state) => {
    const label = state.sovLabel && state.sovLabel.id === state.sovId ? state.sovLabel : null;
    const key = label ? `${label.id}|${label.insured || ""}` : "";
    if (key && key !== seen) {
      seen = key;
      if (state.insuredNameFrom !== "user") {
        const insured = label.insured || "";
        // Not from inside this notification: the other sections see this state first.
        queueMicrotask(() => {
          if (store.get().insuredNameFrom === "user") return;
          store.set({ extraData: { ...store.get().extraData, insured_name: insured }, insuredNameFrom: insured ? "sov" : "" });
        });
      }
    }
    if (input.value.trim() !== state.extraData.insured_name) input.value = state.extraData.insured_name;
    source.hidden = state.insuredNameFrom !== "sov";
  });
  return source;
}

export function mountOutputs() {
  const formatsArea = h("div", { class: "formats-area", id: "formats-area", testid: "formats-area" });
  const extraFields = EXTRA_FIELDS.map(([key, label, type, hint]) => {
    const id = `extra-${key.replaceAll("_", "-")}`;
    const isDate = key.endsWith("_date");
    const input = h("input", {
      id,
      type,
      autocomplete: "off",
      testid: id,
      inputmode: isDate ? "numeric" : null,
      maxlength: isDate ? "10" : null,
      "aria-describedby": hint ? `${id}-hint` : null,
    });
    const problem = isDate ? h("p", { class: "field-problem", id: `${id}-problem`, testid: `${id}-problem` }) : null;
    if (problem) input.setAttribute("aria-describedby", `${id}-hint ${id}-problem`);
    const source = key === "insured_name" ? insuredSource(input, id) : null;
    input.addEventListener("input", () => {
      const value = input.value.trim();
      const typed = key === "insured_name" ? { insuredNameFrom: value ? "user" : "" } : {};
      store.set({ extraData: { ...store.get().extraData, [key]: value }, ...typed });
    });
    // Said beside the field once the user leaves it, not while they are still typing.
    input.addEventListener("change", () => {
      if (problem) problem.textContent = dateProblem(label.replace(" (optional)", "").toLowerCase(), input.value.trim()) || "";
    });
    return h(
      "div",
      { class: `field ${key === "insured_name" || key === "sov_description" ? "field-wide" : ""}` },
      h("label", { for: id }, label),
      input,
      hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
      source,
      problem,
    );
  });
  const folderPath = h("p", { class: "folder-path", testid: "download-dir" });
  const folderError = h("div", { class: "error-area" });

  byId("outputs-body").append(
    h(
      "fieldset",
      { class: "fieldset" },
      h("legend", {}, "Output files"),
      h("p", { class: "hint" }, "Tick every kind of file you want SOV Fixer to make. Your last choice is remembered."),
      formatsArea,
    ),
    h(
      "fieldset",
      { class: "fieldset" },
      h("legend", {}, "Policy details"),
      h("div", { class: "field-grid" }, ...extraFields),
    ),
    h(
      "div",
      { class: "field" },
      h("p", { class: "label", id: "download-dir-label" }, "Save the new files in"),
      h(
        "div",
        { class: "folder-row" },
        folderPath,
        h("button", {
          type: "button",
          class: "button button-small",
          testid: "change-folder",
          "aria-describedby": "download-dir-label",
          text: "Change…",
          onclick: () => changeFolder(folderError),
        }),
      ),
      folderError,
    ),
  );

  let renderedKey = "";
  let pendingLoad = null;
  store.subscribe((state) => {
    folderPath.textContent = state.settings?.download_dir || "Your Downloads folder";
    const wanted = isConnected(state) && sovIdIsValid(state.sovId) ? state.sovId : "";
    if (wanted && state.formats.sovId !== wanted && pendingLoad?.sovId !== wanted) {
      // Wait until typing pauses, so "s-a", "s-ac", … do not each ask the server.
      window.clearTimeout(pendingLoad?.timer);
      pendingLoad = {
        sovId: wanted,
        timer: window.setTimeout(() => {
          pendingLoad = null;
          if (store.get().sovId === wanted) loadFormats(wanted);
        }, FORMATS_DELAY_MS),
      };
    }
    const key = `${state.formats.status}|${state.formats.sovId}|${state.formats.list.length}`;
    if (key !== renderedKey) {
      renderedKey = key;
      renderFormats(formatsArea, state);
    }
    const count = state.selectedFormats.length;
    byId("outputs-summary").textContent =
      count === 0 ? "Pick the kinds of file you want back." : `${count} kind${count === 1 ? "" : "s"} of file chosen`;
  });
}

async function loadFormats(sovId) {
  store.set({ formats: { status: "loading", list: [], error: null, sovId } });
  try {
    const list = await api.listOutputFormats(sovId);
    const remembered = store.get().settings?.last_formats || [];
    const available = new Set(list.map((format) => format.output_format));
    const kept = store.get().selectedFormats.filter((name) => available.has(name));
    const selectedFormats = kept.length > 0 ? kept : remembered.filter((name) => available.has(name));
    store.set({ formats: { status: "loaded", list, error: null, sovId }, selectedFormats });
  } catch (error) {
    store.set({ formats: { status: "error", list: [], error, sovId } });
  }
}

// Under step 2's SOV field; made here so the SOV step's own code need not know about output formats.
function sovProblemSlot() {
  let slot = document.getElementById("sov-problem-slot");
  if (!slot) {
    slot = h("div", { class: "error-area step-problem", id: "sov-problem-slot" });
    byId("step-sov").append(slot);
  }
  return slot;
}

function renderFormats(area, state) {
  const { formats } = state;
  if (formats.status !== "error" || formats.error?.code !== "not_found") document.getElementById("sov-problem-slot")?.replaceChildren();
  if (formats.status === "idle") {
    area.replaceChildren(h("p", { class: "hint" }, "Choose the SOV in step 2 to see the available files."));
    return;
  }
  if (formats.status === "loading") {
    area.replaceChildren(h("p", { class: "hint", role: "status" }, "Loading the kinds of file available for this SOV…"));
    return;
  }
  if (formats.status === "error") {
    const retry = h("button", {
      type: "button",
      class: "button button-small",
      testid: "formats-retry",
      text: "Retry",
      onclick: () => {
        loadFormats(formats.sovId);
        announce("Loading the list of files again.");
      },
    });
    // An SOV that does not exist is a problem with step 2's field: said there, beside it, not here far below it.
    if (formats.error?.code === "not_found") {
      sovProblemSlot().replaceChildren(errorBox(formats.error, { actions: [retry], testid: "sov-problem" }));
      revealBox(sovProblemSlot(), { focus: false });
      area.replaceChildren(
        h("p", { class: "hint", testid: "formats-wait-sov" }, "Choose an SOV that exists (see step 2) to see the files it can give back."),
      );
      return;
    }
    area.replaceChildren(errorBox(formats.error, { actions: [retry], testid: "formats-error" }));
    return;
  }
  if (formats.list.length === 0) {
    area.replaceChildren(
      h("p", { class: "hint" }, "No output files are enabled for your account. Ask your SOV Fixer contact to enable some."),
    );
    return;
  }
  area.replaceChildren(
    h(
      "div",
      { class: "format-grid" },
      ...formats.list.map((format) => {
        const id = `format-${format.output_format}`.replace(/[^a-zA-Z0-9_-]/g, "-");
        const box = h("input", {
          type: "checkbox",
          id,
          value: format.output_format,
          testid: "format-option",
          "data-format": format.output_format,
          checked: state.selectedFormats.includes(format.output_format),
        });
        box.addEventListener("change", () => toggleFormat(format.output_format, box.checked));
        return h(
          "label",
          { class: "check-card", for: id },
          box,
          h("span", { class: "check-card-label" }, format.label),
          h("span", { class: "check-card-type" }, fileType(format.output_extension)),
          h("span", { class: "check-card-help hint", testid: "format-help" }, formatHelp(format)),
        );
      }),
    ),
  );
}

function fileType(extension) {
  if (!extension) return "";
  return `.${String(extension).replace(/^\./, "")} file`;
}

async function toggleFormat(name, checked) {
  const current = store.get().selectedFormats.filter((item) => item !== name);
  const selectedFormats = checked ? [...current, name] : current;
  store.set({ selectedFormats });
  try {
    const settings = await api.savePreferences({ lastFormats: selectedFormats });
    store.set({ settings });
  } catch {
    // Remembering the choice is a convenience; the choice itself still applies.
  }
}

async function changeFolder(errorArea) {
  errorArea.replaceChildren();
  try {
    const folder = await api.pickFolder();
    if (!folder) return;
    const settings = await api.savePreferences({ downloadDir: folder });
    store.set({ settings });
    announce(`New files will be saved in ${folder}.`);
  } catch (error) {
    errorArea.replaceChildren(errorBox(error, { testid: "folder-error" }));
  }
}
