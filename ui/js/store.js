// The page's single source of truth. Sections read it and write patches;
// every change notifies all sections so locking and the Start button stay in step.
const state = {
  settings: null,
  demoSovs: [],
  demoSampleFiles: [], // corrections files the demo ships with, if start_demo offers them
  sovId: "",
  // The chosen SOV in words ({id, text, insured}: text is its insured or file name, for step 2's one-line summary;
  // insured is SOV Fixer's name for the insured, or null when it has none).
  sovLabel: null,
  updateType: "API",
  clientRef: "",
  callbackUrl: "",
  files: [], // [{path, report}]
  checkingFiles: false,
  formats: { status: "idle", list: [], error: null, sovId: "" },
  selectedFormats: [],
  extraData: { insured_name: "", inception_date: "", expiration_date: "", sov_description: "" },
  // Where extraData.insured_name came from: "sov" (filled in from the chosen SOV, replaced when another SOV is
  // chosen) or "user" (typed, never replaced). Empty while the field is.
  insuredNameFrom: "",
  job: null, // latest JobSnapshot
  // What "Test connection" found for the current server and key: null (not tested), "ok", or "failed".
  connectionCheck: null,
  // The preview of what the files change in the SOV (preview.js): {key, status, list: [FilePreview], error}, the
  // value kept per stale cell ("item_key|attribute" → "yours" | "server_now" | "made_from"), and "send as is".
  previews: { key: "", status: "idle", list: [], error: null },
  staleChoices: {},
  sendAsIs: false,
};

const listeners = new Set();

export const store = {
  get: () => state,
  set(patch) {
    Object.assign(state, patch);
    for (const listener of listeners) listener(state);
  },
  subscribe(listener) {
    listeners.add(listener);
  },
};

export const SOV_ID_SHAPE = /^s-[a-z0-9-]+$/;

export function sovIdIsValid(id) {
  return SOV_ID_SHAPE.test(id);
}

export function isConnected(s) {
  return Boolean(s.settings && (s.settings.has_key || s.settings.environment === "demo"));
}

// The sheet read in each workbook that has several, by path: what the user sees in the card is what is sent.
export function pickedSheets(files) {
  return Object.fromEntries(
    files
      .filter((entry) => (entry.report.sheets || []).length > 1 && entry.report.sheet)
      .map((entry) => [entry.path, entry.report.sheet]),
  );
}

export function jobIsRunning(job) {
  return Boolean(job && !["done", "failed", "cancelled"].includes(job.phase));
}
