// Step 3: add corrections files (drop or choose), check them, fix them, remove them.
import * as api from "../api.js";
import { announce } from "../announcer.js";
import { byId, h } from "../dom.js";
import { errorBox } from "../error-box.js";
import { plural } from "../format.js";
import { pickedSheets, store } from "../store.js";
import { fileCard } from "./file-card.js";

export function mountFiles() {
  const chooseButton = h("button", {
    type: "button",
    class: "button button-primary",
    testid: "choose-files",
    text: "Choose files…",
    title: "Choose files… (Ctrl+O)",
    "aria-keyshortcuts": "Control+O",
    onclick: () => chooseFiles(),
  });
  // Ctrl+O (⌘O on a Mac) adds files from anywhere on the New update page, as in Excel.
  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.key.toLowerCase() !== "o") return;
    event.preventDefault();
    if (chooseButton.offsetParent !== null && !chooseButton.disabled) chooseButton.click();
  });
  const dropZone = h(
    "div",
    { class: "drop-zone", id: "drop-zone", testid: "drop-zone" },
    h("span", { class: "drop-zone-icon", "aria-hidden": "true" }, "⬇"),
    h("p", {}, "Drag your corrections files (CSV or Excel) anywhere onto this window, or"),
    chooseButton,
  );
  const sampleButton = h("button", {
    type: "button",
    class: "button",
    testid: "use-demo-sample",
    text: "Use the demo's sample file",
    hidden: true,
    onclick: () => addFiles(store.get().demoSampleFiles),
  });
  dropZone.append(sampleButton);
  const status = h("p", { class: "hint", role: "status", id: "files-status", testid: "files-status" });
  const errorArea = h("div", { class: "error-area", id: "files-error" });
  const list = h("div", { class: "file-list", id: "file-list", testid: "file-list" });
  byId("files-body").append(dropZone, status, errorArea, list);

  let rendered = null;
  store.subscribe((state) => {
    sampleButton.hidden = !(state.settings?.environment === "demo" && state.demoSampleFiles.length > 0 && state.files.length === 0);
    status.textContent = state.checkingFiles ? "Checking your files…" : "";
    if (rendered !== state.files) {
      rendered = state.files;
      list.replaceChildren(
        ...state.files.map((entry) =>
          fileCard(entry, {
            onFix: () => fixFile(entry),
            onRemove: () => removeFile(entry),
            onSheet: (sheet) => pickSheet(entry, sheet),
          }),
        ),
      );
    }
    const blocking = state.files.filter((entry) => entry.report.blocking).length;
    byId("files-summary").textContent =
      state.files.length === 0
        ? "The CSV or Excel files with your corrected building details."
        : blocking > 0
          ? `${plural(state.files.length, "file", "files")}, ${blocking} with problems to fix`
          : `${plural(state.files.length, "file", "files")}, ready`;
  });
}

async function chooseFiles() {
  try {
    const paths = await api.pickFiles();
    if (paths && paths.length > 0) await addFiles(paths);
  } catch (error) {
    showError(error);
  }
}

export async function addFiles(paths) {
  const existing = store.get().files.map((entry) => entry.report.path);
  const all = [...new Set([...existing, ...paths])];
  if (all.length === existing.length) {
    announce("Those files are already in the list.");
    return;
  }
  // All files are checked together so rows repeated across files are caught.
  await check(all);
}

// Checks `paths` together and shows the reports; false when the check itself failed (the error is shown).
// Workbooks keep the sheet they are read from now unless `sheets` picks another.
async function check(paths, { quiet = false, sheets = {} } = {}) {
  store.set({ checkingFiles: true });
  showError(null);
  const picked = Object.fromEntries(
    Object.entries({ ...pickedSheets(store.get().files), ...sheets }).filter(([path]) => paths.includes(path)),
  );
  try {
    const reports = paths.length > 0 ? await api.checkFiles(paths, picked) : [];
    const files = reports.map((report) => ({ path: report.path, report }));
    store.set({ files, checkingFiles: false });
    const blocking = files.filter((entry) => entry.report.blocking).length;
    if (!quiet) {
      announce(
        blocking > 0
          ? `Checked ${plural(files.length, "file", "files")}. ${plural(blocking, "file has", "files have")} problems to fix.`
          : `Checked ${plural(files.length, "file", "files")}. Everything looks ready.`,
      );
    }
    return true;
  } catch (error) {
    store.set({ checkingFiles: false });
    showError(error);
    return false;
  }
}

async function fixFile(entry) {
  showError(null);
  let result;
  try {
    result = await api.applyFixes(entry.path, pickedSheets([entry])[entry.path] || null);
  } catch (error) {
    showError(error);
    return;
  }
  // The fixed copy replaces the original, and the whole set is checked again: a building repeated across files
  // is only found when the files are checked together, so the fixed file's own report would hide it.
  const paths = store.get().files.map((item) => (item.path === entry.path ? result.fixed_path : item.path));
  const rechecked = await check(paths, { quiet: true });
  if (!rechecked) {
    const files = store.get().files.map((item) =>
      item.path === entry.path ? { path: result.fixed_path, report: result.report } : item,
    );
    store.set({ files });
  }
  const report = store.get().files.find((item) => item.path === result.fixed_path)?.report || result.report;
  announce(
    report.blocking
      ? `Fixed what could be fixed automatically in ${report.file_name}. Some problems still need you.`
      : `Fixed. ${report.file_name} is ready.`,
  );
  const card = document.querySelector(`[data-testid="file-card"][data-file="${CSS.escape(report.file_name)}"]`);
  card?.querySelector("h3")?.setAttribute("tabindex", "-1");
  card?.querySelector("h3")?.focus();
}

// Reads another sheet of a workbook. The whole set is checked again, as a building repeated across files is only
// found that way; focus goes back to the sheet list, which the new card replaces.
async function pickSheet(entry, sheet) {
  const paths = store.get().files.map((item) => item.path);
  const rechecked = await check(paths, { quiet: true, sheets: { [entry.path]: sheet } });
  if (!rechecked) {
    // The cards are redrawn so the list shows the sheet their findings are about again.
    store.set({ files: [...store.get().files] });
    return;
  }
  const report = store.get().files.find((item) => item.path === entry.path)?.report;
  if (report) {
    announce(
      report.blocking
        ? `Checked the sheet “${sheet}” of ${report.file_name}. It has problems to fix.`
        : `Checked the sheet “${sheet}” of ${report.file_name}. It looks ready.`,
    );
  }
  const card = document.querySelector(`[data-testid="file-card"][data-file="${CSS.escape(entry.report.file_name)}"]`);
  card?.querySelector('[data-testid="sheet-select"]')?.focus();
}

async function removeFile(entry) {
  const remaining = store.get().files.filter((item) => item !== entry);
  store.set({ files: remaining });
  announce(`Removed ${entry.report.file_name}.`);
  if (remaining.length > 0) {
    // Re-check the rest: a duplicate-row warning may have involved the removed file.
    await check(remaining.map((item) => item.path));
  }
  // Never onto the next card's Remove: a second Enter would delete a good file.
  document.querySelector('[data-testid="choose-files"]')?.focus();
}

function showError(error) {
  byId("files-error").replaceChildren(error ? errorBox(error, { testid: "files-error" }) : "");
}
