// Step 2's "Get a corrections workbook": the chosen SOV's current data as an Excel file to correct, saved in the
// download folder under a plain name and opened in the user's spreadsheet program.
import * as api from "../api.js";
import { announce } from "../announcer.js";
import { h } from "../dom.js";
import { errorBox } from "../error-box.js";
import { plural } from "../format.js";
import { isConnected, sovIdIsValid, store } from "../store.js";

const COLUMN_CHOICES = [
  ["default", "The usual ones: address, values and limits, construction, occupancy, year built, stories, area, roof"],
  ["all", "Every attribute of the SOV"],
];

// The box's own "Get a corrections workbook", for the demo's offer in step 3.
let getWorkbook = null;

export function workbookBox() {
  const radios = COLUMN_CHOICES.map(([value, label], index) => {
    const id = `workbook-columns-${value}`;
    const input = h("input", { type: "radio", name: "workbook-columns", id, value, testid: `workbook-columns-${value}`, checked: index === 0 });
    return h("div", { class: "toggle-row" }, input, h("label", { for: id }, label));
  });
  const getButton = h("button", {
    type: "button",
    class: "button",
    testid: "workbook-get",
    text: "Get a corrections workbook",
    "aria-describedby": "workbook-hint",
    onclick: () => makeWorkbook(),
  });
  const status = h("div", { class: "workbook-status", role: "status", testid: "workbook-status" });
  const errorArea = h("div", { class: "error-area" });
  const box = h(
    "div",
    { class: "field workbook", testid: "workbook", hidden: true },
    h("h3", {}, "Correct it in Excel"),
    h(
      "p",
      { class: "hint", id: "workbook-hint" },
      "Get this SOV's current data as an Excel workbook, one row per building. Change the values that are wrong, save it, and add it in step 3: you see every change before anything is sent.",
    ),
    h("fieldset", { class: "workbook-columns" }, h("legend", {}, "Columns in the workbook"), ...radios),
    h("div", { class: "actions" }, getButton),
    status,
    errorArea,
  );

  let shownFor = "";
  store.subscribe((state) => {
    const ready = isConnected(state) && sovIdIsValid(state.sovId);
    box.hidden = !ready;
    // What was saved for another SOV does not belong under this one.
    if (state.sovId !== shownFor) {
      shownFor = state.sovId;
      status.replaceChildren();
      errorArea.replaceChildren();
    }
  });

  async function makeWorkbook() {
    const sovId = store.get().sovId;
    const columns = radios.map((row) => row.querySelector("input")).find((input) => input.checked)?.value || "default";
    errorArea.replaceChildren();
    getButton.disabled = true;
    status.replaceChildren(h("p", { class: "hint" }, "Making the workbook from the SOV's current data…"));
    let saved;
    try {
      saved = await api.correctionsWorkbook(sovId, columns);
    } catch (error) {
      status.replaceChildren();
      errorArea.replaceChildren(errorBox(error, { testid: "workbook-error" }));
      return;
    } finally {
      getButton.disabled = false;
    }
    status.replaceChildren(savedNotice(saved));
    announce(`Saved ${saved.file_name} in your download folder. Opening it…`);
    await openWorkbook(saved.path);
  }

  async function openWorkbook(path) {
    errorArea.replaceChildren();
    try {
      await api.openPath(path);
    } catch (error) {
      errorArea.replaceChildren(errorBox(error, { testid: "workbook-open-error" }));
    }
  }

  async function reveal(path) {
    errorArea.replaceChildren();
    try {
      await api.revealPath(path);
    } catch (error) {
      errorArea.replaceChildren(errorBox(error, { testid: "workbook-open-error" }));
    }
  }

  function savedNotice(saved) {
    return h(
      "div",
      { class: "notice notice-info", testid: "workbook-saved" },
      h(
        "p",
        {},
        "Saved ",
        h("strong", { testid: "workbook-file-name" }, saved.file_name),
        ` in your download folder: ${plural(saved.buildings, "building", "buildings")}, as of revision ${saved.revision}. Change the values that are wrong, save the file, then add it in step 3. Leave its first columns (item key, sheet, row) as they are: they tell which building each row is.`,
      ),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "button button-small", testid: "workbook-open", text: "Open it again", onclick: () => openWorkbook(saved.path) }),
        h("button", { type: "button", class: "button button-small", testid: "workbook-reveal", text: "Show in folder", onclick: () => reveal(saved.path) }),
      ),
    );
  }

  getWorkbook = async () => {
    box.scrollIntoView({ block: "start" });
    await makeWorkbook();
    getButton.focus();
  };
  return box;
}

// In the demo, step 3 offers the demo SOV's corrections workbook beside its sample file: the way to try the whole
// round trip (change a few values in a spreadsheet program, add the file back, see the preview).
export function demoWorkbookOffer() {
  const offer = h(
    "p",
    { class: "hint demo-workbook-offer", testid: "demo-workbook-offer", hidden: true },
    "Or try it the Excel way: ",
    h("button", {
      type: "button",
      class: "button button-small",
      testid: "demo-workbook-get",
      text: "Get the demo SOV's corrections workbook",
      onclick: () => getWorkbook?.(),
    }),
    " change a few values in it, save it, and add it here to see what it will change.",
  );
  store.subscribe((state) => {
    offer.hidden = !(state.settings?.environment === "demo" && sovIdIsValid(state.sovId) && state.files.length === 0);
  });
  return offer;
}
