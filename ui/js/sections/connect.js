// Step 1: where to connect, the API key (kept in the system keychain), a connection
// test, and the demo that needs no account.
import * as api from "../api.js";
import { announce } from "../announcer.js";
import { byId, h } from "../dom.js";
import { errorBox } from "../error-box.js";
import { store } from "../store.js";

const ENVIRONMENTS = [
  ["prod", "Production"],
  ["prodeu", "Production EU (European data centre)"],
  ["staging", "Staging (for testing only)"],
];
const DEMO_LABEL = "Demo (practice server on this computer)";

const KEY_SOURCE_TEXT = {
  keychain: "A key is saved in your system keychain.",
  session: "A key is kept for this session only, because your system keychain is not available.",
  env: "A key is set on this computer through the SOVFIXER_AUTH_TOKEN setting (an environment variable).",
  ini: "A key is read from the .pingintel.ini file in your home folder.",
};

let replacingKey = false;

export function mountConnect({ onDemoStarted }) {
  const body = byId("connect-body");
  const environment = h("select", { id: "environment", testid: "environment", "aria-describedby": "environment-hint" });
  const customUrl = h("input", {
    id: "custom-url",
    type: "url",
    inputmode: "url",
    autocomplete: "off",
    placeholder: "https://sovfixer.example.com/api/v1",
    testid: "custom-url",
    "aria-describedby": "custom-url-hint",
  });
  const advanced = h(
    "details",
    { class: "advanced", testid: "connect-advanced" },
    h("summary", { testid: "connect-advanced-toggle" }, "Advanced"),
    h("label", { for: "custom-url" }, "Custom server address"),
    h("p", { class: "hint", id: "custom-url-hint" }, "Only if your SOV Fixer contact gave you a different address."),
    h(
      "div",
      { class: "inline-field" },
      customUrl,
      h("button", {
        type: "button",
        class: "button",
        testid: "custom-url-save",
        text: "Use this address",
        onclick: () => saveEnvironment("custom", customUrl.value.trim()),
      }),
    ),
  );
  const keyArea = h("div", { class: "key-area", id: "key-area" });
  const errorArea = h("div", { class: "error-area", id: "connect-error" });
  const testResult = h("div", { class: "test-result", id: "connection-result", role: "status", testid: "connection-result" });
  const testButton = h("button", {
    type: "button",
    class: "button",
    testid: "test-connection",
    text: "Test connection",
    onclick: () => runConnectionTest(testButton, testResult),
  });
  const demoButton = h("button", {
    type: "button",
    class: "button button-primary button-large",
    testid: "try-demo",
    text: "Try the demo",
    onclick: () => startDemo(demoButton, onDemoStarted),
  });

  environment.addEventListener("change", () => saveEnvironment(environment.value, null));

  const calloutTitle = h("p", { class: "callout-title", testid: "demo-callout-title" });
  const calloutText = h("p", { class: "hint" });
  body.append(
    h("div", { class: "callout demo-callout" }, h("div", {}, calloutTitle, calloutText), demoButton),
    h(
      "div",
      { class: "field" },
      h("label", { for: "environment" }, "SOV Fixer server"),
      environment,
      h("p", { class: "hint", id: "environment-hint" }, "Most people use Production. Ask your SOV Fixer contact if you are unsure."),
    ),
    advanced,
    keyArea,
    h("div", { class: "actions" }, testButton, testResult),
    errorArea,
  );

  store.subscribe((state) => {
    const demo = state.settings?.environment === "demo";
    calloutTitle.textContent = demo ? "The demo is running" : "New here, or no account yet?";
    calloutText.textContent = demo
      ? "To use your own account instead, choose a server below and add your API key."
      : "The demo runs a practice server on this computer with a sample SOV, so you can try the whole update safely.";
    demoButton.hidden = demo;
    render(state, { environment, customUrl, advanced, keyArea });
  });
}

function render(state, { environment, customUrl, advanced, keyArea }) {
  const settings = state.settings;
  if (!settings) return;
  const options = [...ENVIRONMENTS];
  if (settings.environment === "demo") options.push(["demo", DEMO_LABEL]);
  if (settings.environment === "custom") options.push(["custom", "Custom server (see Advanced)"]);
  const wanted = options.map(([value]) => value).join(",");
  if (environment.dataset.options !== wanted) {
    environment.replaceChildren(...options.map(([value, label]) => h("option", { value }, label)));
    environment.dataset.options = wanted;
  }
  environment.value = settings.environment;
  if (settings.environment === "custom") {
    advanced.open = true;
    // Only a newly saved address replaces the field: what the user typed stays, even when it was refused.
    if (customUrl.dataset.saved !== (settings.custom_url || "")) {
      customUrl.dataset.saved = settings.custom_url || "";
      customUrl.value = settings.custom_url || "";
    }
  }
  renderKeyArea(settings, keyArea);
  byId("connect-summary").textContent = summary(settings);
  byId("demo-banner").hidden = settings.environment !== "demo";
}

function summary(settings) {
  if (settings.environment === "demo") return "Using the demo. Nothing is sent to SOV Fixer.";
  if (!settings.has_key) return "Add your API key to connect.";
  const label = (ENVIRONMENTS.find(([value]) => value === settings.environment) || [null, "a custom server"])[1];
  const check = store.get().connectionCheck;
  if (check === "ok") return `Connected to ${label}.`;
  if (check === "failed") return `Not connected to ${label} yet: see the message in this step.`;
  return `${label}, with an API key not tested yet.`;
}

function renderKeyArea(settings, keyArea) {
  const check = store.get().connectionCheck;
  const signature = `${settings.environment}|${settings.has_key}|${settings.key_source}|${replacingKey}|${settings.keychain_available}|${check}`;
  if (keyArea.dataset.signature === signature) return;
  keyArea.dataset.signature = signature;

  if (settings.environment === "demo") {
    keyArea.replaceChildren(h("p", { class: "hint", testid: "key-not-needed" }, "The demo does not need an API key."));
    return;
  }
  if (settings.has_key && !replacingKey) {
    keyArea.replaceChildren(
      h(
        "div",
        { class: "key-saved" },
        // A tick only once SOV Fixer has accepted the key; before that, say it was not checked.
        check === "ok"
          ? h("span", { class: "status-icon status-ok", "aria-hidden": "true" }, "✓")
          : h("span", { class: "status-icon status-neutral", "aria-hidden": "true" }, check === "failed" ? "!" : "•"),
        h(
          "p",
          { testid: "key-saved" },
          KEY_SOURCE_TEXT[settings.key_source] || "A key is saved.",
          " ",
          check === "ok"
            ? "SOV Fixer accepted it."
            : check === "failed"
              ? "The last connection test did not succeed: see the message below."
              : "It has not been tested yet: use Test connection.",
        ),
        h(
          "div",
          { class: "key-actions" },
          h("button", {
            type: "button",
            class: "button button-small",
            testid: "key-replace",
            text: "Replace",
            onclick: () => {
              replacingKey = true;
              store.set({});
              document.getElementById("api-key")?.focus();
            },
          }),
          h("button", {
            type: "button",
            class: "button button-small",
            testid: "key-remove",
            text: "Remove",
            onclick: () => removeKey(),
          }),
        ),
      ),
    );
    return;
  }
  const input = h("input", {
    id: "api-key",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    testid: "api-key",
    "aria-describedby": "api-key-hint",
  });
  const save = () => saveKey(input);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") save();
  });
  const where =
    " Where to get one: sign in at auth.pingintel.com, open Account, then API keys, and create a key; or ask whoever manages SOV Fixer at your company.";
  const hintText =
    (settings.keychain_available
      ? "The code from SOV Fixer that identifies your account. It is stored in your system keychain and never shown again."
      : "The code from SOV Fixer that identifies your account. Your system keychain is not available, so the key is kept only until you close the app.") +
    where;
  keyArea.replaceChildren(
    h(
      "div",
      { class: "field" },
      h("label", { for: "api-key" }, "API key"),
      h(
        "div",
        { class: "inline-field" },
        input,
        h("button", { type: "button", class: "button button-primary", testid: "key-save", text: "Save key", onclick: save }),
        replacingKey
          ? h("button", {
              type: "button",
              class: "button button-quiet",
              testid: "key-replace-cancel",
              text: "Keep the current key",
              onclick: () => {
                replacingKey = false;
                store.set({});
              },
            })
          : null,
      ),
      h("p", { class: "hint", id: "api-key-hint" }, hintText),
    ),
  );
}

function showError(error, actions = []) {
  const area = byId("connect-error");
  area.replaceChildren(error ? errorBox(error, { testid: "connect-error", actions }) : "");
}

async function saveEnvironment(environment, customUrl) {
  if (environment === "custom" && !customUrl) {
    showError({
      code: "invalid_input",
      message: "Type the custom server address first, for example https://sovfixer.example.com/api/v1.",
      detail: "The custom URL field is empty.",
    });
    return;
  }
  if (environment === "custom" && !/^https?:\/\/[^\s/]+/i.test(customUrl)) {
    showError({
      code: "invalid_input",
      message: `“${customUrl}” is not a web address. It must start with https:// (or http://), for example https://sovfixer.example.com/api/v1. Check the address and save it again.`,
      detail: `Not saved: ${customUrl}`,
    });
    document.getElementById("custom-url")?.focus();
    return;
  }
  try {
    const settings = await api.saveConnection(environment, customUrl);
    showError(null);
    byId("connection-result").textContent = "";
    store.set({ settings, connectionCheck: null });
    announce("Server saved. Use Test connection to check it.");
  } catch (error) {
    showError(error);
    store.set({});
  }
}

async function saveKey(input, { sessionOnly = false } = {}) {
  const key = input.value.trim();
  if (!key) {
    showError({
      code: "invalid_input",
      message: "Paste your API key into the API key field first.",
      detail: "The API key field is empty.",
    });
    input.focus();
    return;
  }
  try {
    const settings = await api.setApiKey(key, { sessionOnly });
    input.value = "";
    replacingKey = false;
    showError(null);
    store.set({ settings, connectionCheck: null });
    announce(sessionOnly ? "Your API key will be used until you close SOV Updater." : "Your API key is saved.");
    document.querySelector('[data-testid="test-connection"]')?.focus();
  } catch (error) {
    // No keychain: offer the safe fallback of keeping the key in memory for this session only.
    const actions =
      error.code === "keychain_unavailable"
        ? [
            h("button", {
              type: "button",
              class: "button button-small",
              testid: "use-key-this-session",
              text: "Use it for this session only",
              onclick: () => saveKey(input, { sessionOnly: true }),
            }),
          ]
        : [];
    showError(error, actions);
  }
}

async function removeKey() {
  try {
    const settings = await api.removeApiKey();
    showError(null);
    byId("connection-result").textContent = "";
    store.set({ settings, connectionCheck: null });
    announce("Your API key was removed.");
    document.getElementById("api-key")?.focus();
  } catch (error) {
    showError(error);
  }
}

async function runConnectionTest(button, result) {
  button.disabled = true;
  result.textContent = "Testing the connection…";
  showError(null);
  try {
    const outcome = await api.testConnection();
    store.set({ connectionCheck: "ok" });
    result.replaceChildren(
      h("span", { class: "status-icon status-ok", "aria-hidden": "true" }, "✓"),
      ` Connected. Your account can create ${outcome.format_count} kinds of output file.`,
    );
  } catch (error) {
    result.textContent = "";
    store.set({ connectionCheck: "failed" });
    showError(error);
  } finally {
    button.disabled = false;
  }
}

async function startDemo(button, onDemoStarted) {
  button.disabled = true;
  button.textContent = "Starting the demo…";
  showError(null);
  try {
    await enterDemo(onDemoStarted);
  } catch (error) {
    showError(error);
  } finally {
    button.disabled = false;
    button.textContent = "Try the demo";
  }
}

// Starts (or reconnects to) the demo server and fills in its SOV; also used at launch when the app opens in demo mode.
export async function enterDemo(onDemoStarted) {
  const demo = await api.startDemo();
  store.set({ settings: demo.settings, demoSovs: demo.sovs || [], demoSampleFiles: demo.sample_files || [] });
  onDemoStarted(demo.sov_id);
  announce("The demo is running. A sample SOV has been chosen for you; use Change in step 2 to find another.");
}
