// Step 2's "Find your SOV": search as you type (insured, file name or id), pages of results newest first, a
// pasted id or SOV Fixer link, and the chosen SOV's summary card. Choosing sets `store.sovId`; an SOV set from
// elsewhere (the demo, a resumed job) gets its card too.
import * as api from "../api.js";
import { announce } from "../announcer.js";
import { h } from "../dom.js";
import { errorBox } from "../error-box.js";
import { dateTime, plural } from "../format.js";
import { isConnected, store } from "../store.js";
import { mountBuildings } from "./buildings.js";
import { revisionCompare } from "./revision-compare.js";

// The window's status filter: the API's statuses as a person names them ("processing" is any unfinished one).
export const STATUS_CHOICES = [
  ["", "All"],
  ["finished", "Finished"],
  ["processing", "Still being read"],
  ["failed", "Could not be read"],
];

// Reaching SOV Fixer failed (no answer at all), as opposed to SOV Fixer answering with a refusal.
const OFFLINE_CODES = ["network_unreachable", "timed_out"];
const REFUSAL_CODES = ["credentials_rejected", "rate_limited", "server_error", "invalid_input", "not_found"];

// Recent SOVs offered before typing: each is one question to SOV Fixer, so only the latest few.
const MAX_RECENT_SHOWN = 5;

// Long enough not to search on every key of a name being typed, short enough to feel immediate.
export const SEARCH_DELAY_MS = 250;

export function mountFindSov(container) {
  const search = h("input", {
    id: "sov-search",
    type: "search",
    autocomplete: "off",
    spellcheck: "false",
    role: "combobox",
    "aria-autocomplete": "list",
    "aria-expanded": "false",
    "aria-controls": "sov-results",
    "aria-describedby": "sov-search-hint",
    placeholder: "For example Acme",
    testid: "sov-search",
  });
  const statusFilter = h(
    "select",
    { id: "sov-status-filter", testid: "sov-status-filter" },
    ...STATUS_CHOICES.map(([value, label]) => h("option", { value }, label)),
  );
  // The SOVs this person last sent updates for, offered before anything is typed.
  const recentList = h("ul", { class: "find-recent-list" });
  const recent = h(
    "div",
    { class: "find-recent", testid: "sov-recent", hidden: true },
    h("h3", { id: "sov-recent-label", class: "find-recent-title" }, "Your recent SOVs"),
    recentList,
  );
  recentList.setAttribute("aria-labelledby", "sov-recent-label");
  const status = h("p", { class: "find-status", id: "sov-search-status", testid: "sov-search-status" });
  const errorArea = h("div", { class: "error-area", testid: "sov-search-error-area" });
  const caption = h("p", { class: "visually-hidden", id: "sov-results-label" }, "SOVs found, newest first");
  const list = h("ul", {
    class: "find-results",
    id: "sov-results",
    role: "listbox",
    "aria-labelledby": "sov-results-label",
    tabindex: "-1",
    testid: "sov-results",
  });
  const previous = h("button", { type: "button", class: "button button-small", testid: "sov-page-previous", text: "Previous" });
  const next = h("button", { type: "button", class: "button button-small", testid: "sov-page-next", text: "Next" });
  const pager = h("div", { class: "find-pager", role: "group", "aria-label": "Pages of results" }, previous, next);

  const pasted = h("input", {
    id: "sov-id",
    type: "text",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "s-… or https://…",
    testid: "sov-id",
    "aria-describedby": "sov-id-hint sov-id-problem",
  });
  const usePasted = h("button", { type: "button", class: "button", testid: "sov-id-use", text: "Use this SOV" });
  const problem = h("div", { class: "field-problem", id: "sov-id-problem", testid: "sov-id-problem" });
  const pasteBox = h(
    "details",
    { class: "find-paste", testid: "sov-paste" },
    h("summary", { testid: "sov-paste-toggle" }, "I have the id or link"),
    h("label", { for: "sov-id" }, "SOV id or SOV Fixer web address"),
    h("div", { class: "inline-field" }, pasted, usePasted),
    h("p", { class: "hint", id: "sov-id-hint" }, "Paste the id (like s-no-ping-hggcsk) or the address of the SOV's page in SOV Fixer."),
    problem,
  );
  const finder = h(
    "div",
    { class: "find-sov", testid: "sov-finder" },
    h("label", { for: "sov-search" }, "Search by insured, file name or id"),
    search,
    h("div", { class: "find-filter" }, h("label", { for: "sov-status-filter" }, "Status"), statusFilter),
    h("p", { class: "hint", id: "sov-search-hint" }, "Type part of the insured's name or of the spreadsheet's name. Use the arrow keys to move through the results and Enter to choose."),
    recent,
    status,
    errorArea,
    caption,
    list,
    pager,
    pasteBox,
  );
  // The card's body is redrawn when SOV Fixer's answer arrives; "Change" stays, so focus on it is kept.
  const cardBody = h("div", { class: "sov-card-body" });
  const change = h("button", {
    type: "button",
    class: "button",
    id: "sov-change",
    testid: "sov-change",
    text: "Change",
    "aria-label": "Change the SOV",
  });
  const buildingsArea = h("div", { class: "sov-buildings" });
  const card = h("div", { class: "card sov-card", testid: "sov-card", hidden: true }, cardBody, h("div", { class: "actions" }, change), buildingsArea);
  mountBuildings(buildingsArea);
  container.append(finder, card);

  let page = { results: [], next_cursor: null, previous_cursor: null, total: null };
  let active = -1;
  let searchSeq = 0;
  let timer = null;
  let lastQuery = null;
  let shownId = "";
  let connectionKey = "";
  let recentSeq = 0;
  let recentKey = "";

  // `reveal`: scroll the option into view (only when the keyboard moved it; a new page never scrolls the window).
  const setActive = (index, reveal = false) => {
    const options = [...list.querySelectorAll("[role=option]")];
    active = options.length === 0 ? -1 : Math.max(0, Math.min(index, options.length - 1));
    options.forEach((option, i) => {
      option.classList.toggle("is-active", i === active);
      option.setAttribute("aria-selected", String(i === active));
    });
    const current = options[active];
    if (current) {
      search.setAttribute("aria-activedescendant", current.id);
      if (reveal) current.scrollIntoView({ block: "nearest" });
    } else search.removeAttribute("aria-activedescendant");
  };

  const choose = (sov) => {
    if (sov.not_choosable_reason) {
      status.textContent = sov.not_choosable_reason;
      announce(sov.not_choosable_reason);
      return;
    }
    showCard({ sov, revisions: null, last_outputs: null });
    store.set({ sovId: sov.id, sovLabel: labelOf(sov) });
    announce(`Chosen: ${nameOf(sov)}.`);
    // The search box is hidden now: keep the keyboard where the choice is shown.
    change.focus();
    loadDetails(sov.id);
  };

  // Each recent id is asked about (its name, file and whether it can still be chosen); one SOV Fixer no longer
  // lists, or that cannot be asked about now, is left out rather than shown as a bare id.
  const loadRecent = async (ids) => {
    const seq = ++recentSeq;
    const answers = await Promise.allSettled(ids.slice(0, MAX_RECENT_SHOWN).map((id) => api.sovDetails(id)));
    if (seq !== recentSeq) return;
    const sovs = answers.filter((answer) => answer.status === "fulfilled" && !answer.value.sov.not_choosable_reason).map((answer) => answer.value.sov);
    recentList.replaceChildren(
      ...sovs.map((sov) =>
        h(
          "li",
          {},
          h("button", {
            type: "button",
            class: "button button-small find-recent-choice",
            testid: "sov-recent-choice",
            "data-sov-id": sov.id,
            text: [nameOf(sov), sov.file_name].filter(Boolean).join(" · "),
            onclick: () => choose(sov),
          }),
        ),
      ),
    );
    showRecent();
  };

  const showRecent = () => {
    recent.hidden = recentList.childElementCount === 0 || search.value.trim() !== "";
  };

  const renderResults = () => {
    list.replaceChildren(
      ...page.results.map((sov, index) => {
        const blocked = Boolean(sov.not_choosable_reason);
        const option = h(
          "li",
          {
            id: `sov-result-${index}`,
            role: "option",
            class: `find-result${blocked ? " is-blocked" : ""}`,
            "aria-selected": "false",
            "aria-disabled": blocked ? "true" : null,
            testid: "sov-result",
            "data-sov-id": sov.id,
            onclick: () => {
              setActive(index);
              choose(sov);
            },
          },
          h("span", { class: "find-result-insured", testid: "sov-result-insured" }, nameOf(sov)),
          h("span", { class: "find-result-file", testid: "sov-result-file" }, sov.file_name || ""),
          h("span", { class: "find-result-size" }, typeof sov.buildings === "number" ? plural(sov.buildings, "building", "buildings") : ""),
          h("span", { class: "find-result-date", testid: "sov-result-updated" }, updatedWords(sov)),
          h("span", { class: `badge ${blocked ? "badge-warning" : "badge-ok"}`, testid: "sov-result-status" }, sov.status_text),
          blocked ? h("span", { class: "find-result-reason", testid: "sov-result-reason" }, sov.not_choosable_reason) : null,
        );
        return option;
      }),
    );
    search.setAttribute("aria-expanded", String(page.results.length > 0));
    previous.disabled = !page.previous_cursor;
    next.disabled = !page.next_cursor;
    pager.hidden = !page.previous_cursor && !page.next_cursor;
    setActive(page.results.length > 0 ? 0 : -1);
  };

  // Stale answers are dropped: only the latest search's answer is shown.
  const runSearch = async (query) => {
    const seq = ++searchSeq;
    lastQuery = query;
    status.textContent = "Searching…";
    errorArea.replaceChildren();
    try {
      const found = await api.findSovs(query);
      if (seq !== searchSeq) return;
      page = found;
      renderResults();
      const text = query.search.trim();
      let words;
      if (found.results.length === 0 && query.status) {
        words = `No SOV with the status “${statusLabel(query.status)}”${text ? ` matches “${text}”` : ""}. Choose “All” under Status${text ? ", or try fewer letters" : ""}.`;
      } else if (found.results.length === 0) {
        words = text
          ? `No SOV matches “${text}”. Try fewer letters, part of the insured's name, or the spreadsheet's name; or paste the id or link below.`
          : "This account has no SOVs yet. Send a spreadsheet to SOV Fixer first.";
      } else {
        const count = found.total ?? found.results.length;
        words = text ? `${plural(count, "SOV matches", "SOVs match")} “${text}”.` : `${plural(count, "SOV", "SOVs")}, newest first.`;
        if (found.previous_cursor || found.next_cursor) words += ` Showing ${found.results.length} at a time.`;
      }
      status.textContent = words;
      announce(words);
    } catch (error) {
      if (seq !== searchSeq) return;
      page = { results: [], next_cursor: null, previous_cursor: null, total: null };
      renderResults();
      // Say first whether SOV Fixer was reached at all: offline needs the connection checked, a refusal does not.
      status.textContent = OFFLINE_CODES.includes(error.code)
        ? "You seem to be offline: SOV Fixer could not be reached, so nothing was searched. Check this computer's internet connection (and VPN or proxy), then choose Try again."
        : REFUSAL_CODES.includes(error.code)
          ? "SOV Fixer refused the search."
          : "The search could not be done.";
      announce(status.textContent);
      const retry = h("button", { type: "button", class: "button button-small", testid: "sov-search-retry", text: "Try again", onclick: () => runSearch(query) });
      errorArea.replaceChildren(errorBox(error, { testid: "sov-search-error", actions: [retry] }));
    }
  };

  const currentQuery = () => ({ search: search.value, status: statusFilter.value || null });

  const searchSoon = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => runSearch(currentQuery()), SEARCH_DELAY_MS);
  };

  const showCard = (details) => {
    const { sov } = details;
    shownId = sov.id;
    finder.hidden = true;
    card.hidden = false;
    card.dataset.sovId = sov.id;
    const facts = [
      ["Insured", sov.insured || "Not given"],
      ["File", sov.file_name || "Not given"],
      ["Buildings", sov.buildings ?? "Not known"],
      ["Revision", sov.revision === null || sov.revision === undefined ? "Not known" : revisionWords(sov.revision)],
      ["Last update", sov.last_updated ? dateTime(sov.last_updated) : "Not known"],
      ["Status", sov.status_text],
      ["SOV id", sov.id],
    ];
    const more = [];
    if (details.revisions) {
      more.push(
        h("h4", {}, "Revisions"),
        h(
          "ul",
          { class: "sov-revisions", testid: "sov-card-revisions" },
          ...details.revisions.map((rev) => {
            const what = rev.revision === 0 ? rev.kind : `Revision ${rev.revision}: ${rev.kind}`;
            return h("li", {}, `${what}${rev.at ? `, ${dateTime(rev.at)}` : ""}${rev.client_ref ? ` (${rev.client_ref})` : ""}`);
          }),
        ),
      );
    }
    const compare = revisionCompare(sov.id, details.revisions);
    if (compare) more.push(compare);
    if (details.last_outputs && details.last_outputs.length > 0) {
      more.push(
        h("h4", {}, "Its last outputs"),
        h("ul", { testid: "sov-card-outputs" }, ...details.last_outputs.map((out) => h("li", {}, out.file_name ? `${out.label}: ${out.file_name}` : out.label))),
      );
    }
    cardBody.replaceChildren(
      h("h3", { testid: "sov-card-title" }, nameOf(sov)),
      h("dl", { class: "facts", testid: "sov-card-facts" }, ...facts.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, String(value))])),
      ...more,
      h("div", { class: "sov-card-problem", testid: "sov-card-problem" }),
    );
  };

  const loadDetails = async (reference) => {
    try {
      const details = await api.sovDetails(reference);
      if (shownId !== details.sov.id && shownId !== reference) return;
      showCard(details);
      store.set({ sovLabel: labelOf(details.sov) });
    } catch (error) {
      const area = card.querySelector("[data-testid=sov-card-problem]");
      if (area && shownId === reference) area.replaceChildren(errorBox(error, { testid: "sov-card-error" }));
    }
  };

  const usePastedText = async () => {
    problem.replaceChildren();
    pasted.setAttribute("aria-invalid", "false");
    try {
      const details = await api.sovDetails(pasted.value);
      if (details.sov.not_choosable_reason) {
        problem.replaceChildren(h("p", { testid: "sov-id-problem-text" }, details.sov.not_choosable_reason));
        pasted.setAttribute("aria-invalid", "true");
        return;
      }
      pasted.value = "";
      showCard(details);
      store.set({ sovId: details.sov.id, sovLabel: labelOf(details.sov) });
      announce(`Chosen: ${nameOf(details.sov)}.`);
      change.focus();
    } catch (error) {
      pasted.setAttribute("aria-invalid", "true");
      problem.replaceChildren(errorBox(error, { testid: "sov-id-error" }));
    }
  };

  change.addEventListener("click", () => {
    card.hidden = true;
    finder.hidden = false;
    search.focus();
    if (!lastQuery) runSearch(currentQuery());
  });
  search.addEventListener("input", () => {
    showRecent();
    searchSoon();
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      setActive(active < 0 ? 0 : active + (event.key === "ArrowDown" ? 1 : -1), true);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const sov = page.results[active];
      if (sov) choose(sov);
    } else if (event.key === "Escape" && search.value) {
      event.preventDefault();
      search.value = "";
      showRecent();
      window.clearTimeout(timer);
      runSearch(currentQuery());
    }
  });
  previous.addEventListener("click", () => runSearch({ search: lastQuery?.search ?? "", status: lastQuery?.status ?? null, before: page.previous_cursor }));
  next.addEventListener("click", () => runSearch({ search: lastQuery?.search ?? "", status: lastQuery?.status ?? null, after: page.next_cursor }));
  statusFilter.addEventListener("change", () => {
    window.clearTimeout(timer);
    runSearch(currentQuery());
  });
  usePasted.addEventListener("click", usePastedText);
  pasted.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      usePastedText();
    }
  });
  renderResults();

  store.subscribe((state) => {
    const connected = isConnected(state);
    const settings = state.settings || {};
    const key = connected ? `${settings.environment}|${settings.custom_url}|${settings.has_key}` : "";
    if (key !== connectionKey) {
      connectionKey = key;
      lastQuery = null;
      if (connected && !state.sovId) runSearch(currentQuery());
    }
    const recentIds = connected ? settings.recent_sov_ids || [] : [];
    if (`${key}|${recentIds.join(",")}` !== recentKey) {
      recentKey = `${key}|${recentIds.join(",")}`;
      recentList.replaceChildren();
      showRecent();
      if (recentIds.length > 0) loadRecent(recentIds);
      else recentSeq += 1;
    }
    // An SOV chosen elsewhere (the demo, a job picked up again, a cleared form) shows here too.
    if (state.sovId !== shownId) {
      if (state.sovId) {
        showCard({ sov: placeholder(state.sovId), revisions: null, last_outputs: null });
        if (connected) loadDetails(state.sovId);
      } else {
        shownId = "";
        card.hidden = true;
        finder.hidden = false;
      }
    }
  });
}

function statusLabel(value) {
  return (STATUS_CHOICES.find(([choice]) => choice === value) || [value, value])[1];
}

function nameOf(sov) {
  return sov.insured || sov.file_name || sov.id;
}

// store.sovLabel: the SOV in words, and its insured as SOV Fixer knows it (step 4 fills in Insured name with it).
function labelOf(sov) {
  return { id: sov.id, text: nameOf(sov), insured: sov.insured || null };
}

/** "Updated <when>, revision 3" for a result: which revision the underwriter would be correcting. */
function updatedWords(sov) {
  const when = sov.last_updated ? `Updated ${dateTime(sov.last_updated)}` : "";
  if (typeof sov.revision !== "number") return when;
  const which = sov.revision === 0 ? "the original spreadsheet" : `revision ${sov.revision}`;
  return when ? `${when}, ${which}` : which[0].toUpperCase() + which.slice(1);
}

function revisionWords(revision) {
  return revision === 0 ? "0 (the original spreadsheet)" : String(revision);
}

// What the card shows until SOV Fixer has answered for an SOV chosen outside this step.
function placeholder(id) {
  return {
    id,
    insured: null,
    file_name: null,
    last_updated: null,
    readiness: "ready",
    status_text: "Looking it up…",
    not_choosable_reason: null,
    revision: null,
    buildings: null,
  };
}
