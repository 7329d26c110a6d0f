// Step 3: add corrections files (drop or choose), check them, fix them, remove them.
import * as api from "../api.js";
import { announce } from "../announcer.js";
import { byId, h } from "../dom.js";
import { errorBox } from "../error-box.js";
import { plural } from "../format.js";
import { jobIsRunning, pickedSheets, store } from "../store.js";
import { fileCard } from "./file-card.js";
import { attributes, chosenHeaderRows, chosenMapping, fileMapping, needsMapping } from "./mapping.js";
import { mountPreview } from "./preview.js";
import { demoWorkbookOffer } from "./workbook.js";

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
  dropZone.append(sampleButton, demoWorkbookOffer());
  const status = h("p", { class: "hint", role: "status", id: "files-status", testid: "files-status" });
  const errorArea = h("div", { class: "error-area", id: "files-error" });
  const list = h("div", { class: "file-list", id: "file-list", testid: "file-list" });
  byId("files-body").append(dropZone, status, errorArea, list);
  window.addEventListener("focus", () => noticeChangedFiles());
  mountPreview(byId("files-body"));

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
            mapping: {
              onChoose: (header, attribute) => chooseColumns(entry, { [header]: attribute }),
              onAccept: (choices) => chooseColumns(entry, choices),
              onHeaderRow: (row) => pickHeaderRow(entry, row),
              onRemember: () => rememberColumns(entry),
              onUndo: () => undoRemembered(entry),
            },
            onSaveList: (finding) => saveList(entry, finding),
            onLoadRows: (finding, offset, limit) => api.listProblemRows(problemOf(entry, finding), fileChoices(), offset, limit),
            onRecheck: () => checkAgain(entry),
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
// Header rows picked and the user's own column choices (`columnChoices`) are kept the same way.
async function check(paths, { quiet = false, sheets = {}, headerRows = {} } = {}) {
  store.set({ checkingFiles: true });
  showError(null);
  const forThese = (byPath) => Object.fromEntries(Object.entries(byPath).filter(([path]) => paths.includes(path)));
  const picked = forThese({ ...pickedSheets(store.get().files), ...sheets });
  const rows = forThese({ ...chosenHeaderRows(store.get().files), ...headerRows });
  const mapping = store.get().columnChoices || {};
  try {
    const reports = paths.length > 0 ? await api.checkFiles(paths, picked, { headerRows: rows, mapping }) : [];
    // The mapping step's choice list is loaded before the cards that need it are drawn.
    if (reports.some(needsMapping)) await attributes();
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

// A column choice (or several, "Use these columns") applies to every file with that header; all files are checked again.
async function chooseColumns(entry, choices) {
  store.set({ columnChoices: { ...(store.get().columnChoices || {}), ...choices } });
  const rechecked = await check(store.get().files.map((item) => item.path), { quiet: true });
  if (!rechecked) return;
  const report = store.get().files.find((item) => item.path === entry.path)?.report;
  if (report) {
    announce(
      report.blocking
        ? `Saved your column choices for ${report.file_name}. Some problems still need you.`
        : `Saved your column choices. ${report.file_name} is ready.`,
    );
  }
  focusCard(entry.report.file_name, '[data-testid="mapping-step"] h4');
}

async function pickHeaderRow(entry, row) {
  const rechecked = await check(store.get().files.map((item) => item.path), { quiet: true, headerRows: { [entry.path]: row } });
  if (rechecked) announce(`Read the column names of ${entry.report.file_name} from row ${row}.`);
  focusCard(entry.report.file_name, '[data-testid="header-row-change"]');
}

async function rememberColumns(entry) {
  showError(null);
  try {
    await api.rememberMapping(entry.report.preview?.header || [], fileMapping(entry.report));
    announce(`SOV Updater will use these columns for the next file with the same headers as ${entry.report.file_name}.`);
    const note = document.querySelector(`[data-testid="file-card"][data-file="${CSS.escape(entry.report.file_name)}"] [data-testid="mapping-remember"]`);
    if (note) {
      note.textContent = "Remembered for files like this";
      note.disabled = true;
    }
  } catch (error) {
    showError(error);
  }
}

// The undo of a remembered mapping: forgotten, and the file's columns asked about again.
async function undoRemembered(entry) {
  showError(null);
  try {
    await api.forgetMapping(entry.report.preview?.header || []);
  } catch (error) {
    showError(error);
    return;
  }
  const headers = new Set((entry.report.columns || []).map((column) => column.header.trim()));
  const kept = Object.fromEntries(Object.entries(store.get().columnChoices || {}).filter(([header]) => !headers.has(header)));
  store.set({ columnChoices: kept });
  const rechecked = await check(store.get().files.map((item) => item.path), { quiet: true });
  if (rechecked) announce(`The remembered columns were undone. Choose what each column of ${entry.report.file_name} holds.`);
  focusCard(entry.report.file_name, '[data-testid="mapping-step"] h4');
}

// "Check again" after the user changed the file outside the app: the whole set is checked again (a building
// repeated across files is only found that way), and what the file is like now is said.
async function checkAgain(entry) {
  const rechecked = await check(store.get().files.map((item) => item.path), { quiet: true });
  const report = store.get().files.find((item) => item.path === entry.path)?.report;
  if (rechecked && report) {
    announce(
      report.blocking
        ? `Checked ${report.file_name} again. It has problems to fix.`
        : `Checked ${report.file_name} again. It looks ready.`,
    );
  }
  focusCard(entry.report.file_name, '[data-testid="file-recheck"]');
}

// Back in the window after editing a file in Excel: the files changed (or gone) since their check are found by their
// stamps and the whole set is checked again, as "Check again" does; the user is told which changed.
async function noticeChangedFiles() {
  const state = store.get();
  if (state.checkingFiles || jobIsRunning(state.job)) return;
  const stamped = state.files.filter((entry) => entry.report.stamp);
  if (stamped.length === 0) return;
  let changed;
  try {
    changed = await api.changedFiles(Object.fromEntries(stamped.map((entry) => [entry.path, entry.report.stamp])));
  } catch {
    // Nothing to tell: Start compares the stamps again and refuses a file changed into a blocked one.
    return;
  }
  const names = stamped.filter((entry) => changed.includes(entry.path)).map((entry) => entry.report.file_name);
  if (names.length === 0) return;
  const rechecked = await check(store.get().files.map((item) => item.path), { quiet: true });
  if (rechecked) {
    announce(
      names.length === 1
        ? `${names[0]} changed since it was checked, so it was checked again.`
        : `${names.join(", ")} changed since they were checked, so they were checked again.`,
    );
  }
}

// Every file checked again, quietly (Start found a file changed since its check).
export async function recheckFiles() {
  const paths = store.get().files.map((item) => item.path);
  if (paths.length > 0) await check(paths, { quiet: true });
}

// The choices the cards show, as the row list and "Save the list" read the file with them.
function fileChoices() {
  const files = store.get().files;
  return { sheets: pickedSheets(files), headerRows: chosenHeaderRows(files), mapping: chosenMapping(files) };
}

function problemOf(entry, finding) {
  return { path: entry.path, code: finding.code, column: finding.column ?? null };
}

// "Save the list": every row of one kind of problem, as a CSV file where the user chooses.
async function saveList(entry, finding) {
  showError(null);
  const stem = entry.report.file_name.replace(/\.[^.]+$/, "");
  try {
    const saved = await api.saveProblemList(problemOf(entry, finding), fileChoices(), `${stem} - rows to check.csv`);
    if (saved) announce(`Saved the list of ${plural(finding.row_count || finding.rows?.length || 0, "row", "rows")} to ${saved}.`);
  } catch (error) {
    showError(error);
  }
}

function focusCard(fileName, selector) {
  const card = document.querySelector(`[data-testid="file-card"][data-file="${CSS.escape(fileName)}"]`);
  const target = card?.querySelector(selector);
  if (!target) return;
  if (target.tagName === "H4") target.setAttribute("tabindex", "-1");
  target.focus();
}

function showError(error) {
  byId("files-error").replaceChildren(error ? errorBox(error, { testid: "files-error" }) : "");
}
