// The only module that touches Tauri. Everything else calls these functions,
// so the rest of the UI can be tested with a fake `window.__TAURI__`.

function tauri() {
  const bridge = window.__TAURI__;
  if (!bridge || !bridge.core) {
    throw {
      code: "internal",
      message: "SOV Updater could not reach its own engine. Close the app and open it again.",
      detail: "window.__TAURI__ is not available",
    };
  }
  return bridge;
}

// Every command rejects with {code, message, detail}; anything else (a string,
// an Error) is normalised so the UI always has something plain to show.
function asAppError(raw) {
  if (raw && typeof raw === "object" && typeof raw.code === "string") {
    return {
      code: raw.code,
      message: raw.message || "Something went wrong.",
      detail: raw.detail || "",
    };
  }
  return {
    code: "internal",
    message: "Something unexpected went wrong. Try again; if it keeps happening, copy the details for support.",
    detail: String(raw && raw.message ? raw.message : raw),
  };
}

async function call(command, args) {
  try {
    return await tauri().core.invoke(command, args);
  } catch (raw) {
    throw asAppError(raw);
  }
}

function channel(onSnapshot) {
  const ch = new (tauri().core.Channel)();
  ch.onmessage = onSnapshot;
  return ch;
}

export const appInfo = () => call("app_info");
export const checkForUpdate = (fromAbout) => call("check_for_update", { fromAbout });
export const installUpdate = () => call("install_update");
export const getSettings = () => call("get_settings");
export const saveConnection = (environment, customUrl) =>
  call("save_connection", { environment, customUrl });
export const setApiKey = (key, { sessionOnly = false } = {}) => call("set_api_key", { key, sessionOnly });
export const removeApiKey = () => call("remove_api_key");
export const testConnection = () => call("test_connection");
export const startDemo = () => call("start_demo");
export const listOutputFormats = (sovId) => call("list_output_formats", { sovId });
// One page of SOVs matching `search` (insured, file name or id), newest first; `after`/`before`: a page's cursors.
export const findSovs = ({ search = "", status = null, after = null, before = null } = {}) =>
  call("find_sovs", { query: { search, status, after, before } });
// The summary card of the SOV an id or a SOV Fixer web address names.
export const sovDetails = (reference) => call("sov_details", { reference });
// What an SOV holds now: reads its latest revision (progress words over the channel) and gives the first page.
export const openBuildings = (sovId, onProgress) => call("open_buildings", { sovId, onProgress: channel(onProgress) });
export const cancelBuildings = () => call("cancel_buildings");
// A page (from 0) of an opened SOV's buildings matching `search` (name, address, sheet, row).
export const currentBuildings = ({ sovId, search = "", page = 0 }) =>
  call("current_buildings", { query: { sovId, search, page } });
// Every attribute of one building; `key` is a BuildingRow's key.
export const buildingDetail = (sovId, key) => call("building_detail", { sovId, key });
// Revisions `from` and `to` of an SOV compared: counts, a plain summary and the first changes.
export const compareRevisions = (sovId, from, to) => call("compare_revisions", { sovId, from, to });
// Asks where to save (native dialog) and writes the comparison's report; resolves to the path, or null if cancelled.
export const saveRevisionReport = (sovId, from, to, suggestedName) =>
  call("save_revision_report", { sovId, from, to, suggestedName });
export const pickFiles = () => call("pick_files");
export const pickFolder = () => call("pick_folder");
// `sheets`: the sheet picked per workbook path; `headerRows`: the header row picked per path; `mapping`: the
// user's column choices (header → attribute, "-" = don't send). Each is left out when empty.
export const checkFiles = (paths, sheets = {}, { headerRows = {}, mapping = {} } = {}) =>
  call("check_files", nonEmpty({ paths, sheets, headerRows, mapping }));
function nonEmpty(args) {
  return Object.fromEntries(
    Object.entries(args).filter(([, value]) => Array.isArray(value) || Object.keys(value).length > 0),
  );
}
export const listAttributes = () => call("list_attributes");
export const rememberMapping = (header, mapping) => call("remember_mapping", { header, mapping });
export const forgetMapping = (header) => call("forget_mapping", { header });
// Asks where to save (native dialog) and writes every row of one problem; resolves to the path, or null if cancelled.
export const saveProblemList = (problem, choices, suggestedName) =>
  call("save_problem_list", { problem, choices, suggestedName });
// The paths of `checked` ({path: stamp}) whose file changed or went away since that check.
export const changedFiles = (checked) => call("changed_files", { checked });
// A page of one problem's rows (`limit` from `offset`) with their values: {offset, total, rows}.
export const listProblemRows = (problem, choices, offset, limit) =>
  call("list_problem_rows", { problem, choices, offset, limit });
export const applyFixes = (path, sheet = null) => call("apply_fixes", sheet ? { path, sheet } : { path });
export const savePreferences = (prefs) => call("save_preferences", prefs);
export const startJob = (request, onSnapshot) =>
  call("start_job", { request, onEvent: channel(onSnapshot) });
export const attachJob = (onSnapshot) => call("attach_job", { onEvent: channel(onSnapshot) });
export const cancelJob = (jobId) => call("cancel_job", { jobId });
export const retryJob = (jobId, onSnapshot) =>
  call("retry_job", { jobId, onEvent: channel(onSnapshot) });
export const openPath = (path) => call("open_path", { path });
export const revealPath = (path) => call("reveal_path", { path });
export const listHistory = () => call("list_history");
export const getHistory = (id) => call("get_history", { id });
export const redownload = (id, onSnapshot) => call("redownload", { id, onEvent: channel(onSnapshot) });

// The Excel round trip (issue 14): the chosen SOV's current data as a corrections workbook ("default" or "all"
// attributes), saved in the download folder; and what each added file will change in that SOV.
export const correctionsWorkbook = (sovId, columns = "default") => call("corrections_workbook", { sovId, columns });
export const previewFiles = (sovId, paths) => call("preview_files", { sovId, paths });

export const confirmClose = () => call("confirm_close");

// The app asks before its window closes while an update runs (see close-dialog.js).
export function onCloseRequested(callback) {
  const events = window.__TAURI__ && window.__TAURI__.event;
  if (!events || typeof events.listen !== "function") return;
  Promise.resolve(events.listen("close-requested", () => callback())).catch(() => {});
}

// A job the app picked up again at startup (it was running when the app last stopped). Resolves once listening,
// so the page can register before it first asks which job is running, and miss neither.
export async function onJobResumed(callback) {
  const events = window.__TAURI__ && window.__TAURI__.event;
  if (!events || typeof events.listen !== "function") return;
  try {
    await events.listen("job-resumed", (event) => callback((event && event.payload) || {}));
  } catch {
    // Without events, a resumed job still shows after a reload (attach_job).
  }
}

// Native drag-and-drop: the webview reports file paths, which a browser drop never does.
export function onFileDrop(callback) {
  const webview = window.__TAURI__ && window.__TAURI__.webview;
  if (!webview || typeof webview.getCurrentWebview !== "function") return;
  // onDragDropEvent returns a promise of the unlisten function; a failure only
  // means drag-and-drop is unavailable, and "Choose files…" still works.
  Promise.resolve(
    webview.getCurrentWebview().onDragDropEvent((event) => callback(event.payload || event)),
  ).catch(() => {});
}
