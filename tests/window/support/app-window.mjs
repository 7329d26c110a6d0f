// Starts the real SOV Updater window through tauri-driver (WebKitWebDriver) with an isolated home folder,
// and offers the few helpers the tests use: find by test id, bounded waits, screenshots, clean shutdown.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { newSession } from "./webdriver.mjs";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const APP_BINARY = process.env.SOV_UPDATER_BINARY || join(REPO, "target/debug/sov-updater");
export const SCREENSHOT_DIR = join(REPO, "test-output/window");
// Generous: the test machine is slow, shared, and the debug build of the app is big.
export const WAIT_MS = 30000;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// The app must start as on a fresh machine: no key anywhere, so it opens in demo mode, and its settings,
// history and downloads go to throw-away folders instead of the tester's own.
// Handing a file to the desktop ("Open it", "Show in folder") runs `xdg-open` first (the opener crate tries it before
// gio and the others); a stand-in at the head of PATH records what the app asked to open and opens nothing, so a
// test never starts a spreadsheet program or file manager on the display, nor waits for one.
function isolatedEnv(root) {
  const env = { ...process.env, PATH: `${join(root, "bin")}:${process.env.PATH || ""}` };
  for (const name of Object.keys(env)) {
    if (name.startsWith("SOVFIXER_")) delete env[name];
  }
  // No session bus: the tester's real keychain is never read or written.
  delete env.DBUS_SESSION_BUS_ADDRESS;
  return {
    ...env,
    HOME: join(root, "home"),
    XDG_CONFIG_HOME: join(root, "config"),
    XDG_DATA_HOME: join(root, "data"),
    XDG_CACHE_HOME: join(root, "cache"),
    XDG_RUNTIME_DIR: join(root, "runtime"),
    // The demo server keeps what it is sent in a temporary folder; a private one shows what is left behind.
    TMPDIR: join(root, "tmp"),
  };
}

// Every process below `pid`, deepest first, read from /proc so the app started by WebKitWebDriver
// is found even if it left tauri-driver's process group.
export function descendantsOf(pid) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  const found = [];
  const walk = (id) => {
    for (const child of children.get(id) || []) {
      walk(child);
      found.push(child);
    }
  };
  walk(pid);
  return found;
}

function killAll(pids, signal) {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

async function waitForDriver(base, driver) {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`tauri-driver exited early with code ${driver.exitCode}`);
    try {
      const response = await fetch(`${base}/status`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`tauri-driver did not answer on ${base} within ${WAIT_MS} ms`);
}

export async function launchApp() {
  if (!existsSync(APP_BINARY)) {
    throw new Error(`The app is not built: ${APP_BINARY} is missing. Run "cargo build -p sov-updater" first.`);
  }
  const root = await mkdtemp(join(tmpdir(), "sov-window-test-"));
  const env = isolatedEnv(root);
  for (const dir of [env.HOME, env.XDG_CONFIG_HOME, env.XDG_DATA_HOME, env.XDG_CACHE_HOME, env.XDG_RUNTIME_DIR, env.TMPDIR, join(root, "bin")]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
  const openedLog = join(root, "opened.txt");
  await writeFile(join(root, "bin", "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${openedLog}'\n`, { mode: 0o755 });
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const port = await freePort();
  const nativePort = await freePort();
  const log = createWriteStream(join(SCREENSHOT_DIR, "tauri-driver.log"));
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  driver.stdout.pipe(log);
  driver.stderr.pipe(log);
  const spawnError = new Promise((_, reject) => driver.once("error", reject));
  spawnError.catch(() => {});
  const base = `http://127.0.0.1:${port}`;

  const app = {
    root,
    home: env.HOME,
    tmp: env.TMPDIR,
    downloads: join(env.HOME, "Downloads", "SOV Updater"),
    session: null,
    driver,
    appPid: null,
    // What the app handed to the desktop to open, in order (see isolatedEnv).
    opened: () => readFile(openedLog, "utf8").then((text) => text.split("\n").filter(Boolean), () => []),
  };
  try {
    await Promise.race([waitForDriver(base, driver), spawnError]);
    app.session = await newSession(base, {
      browserName: "wry",
      "tauri:options": { application: APP_BINARY },
    });
    app.appPid = descendantsOf(driver.pid).find((pid) => processName(pid) === "sov-updater") || null;
    await waitFor(app, "document.body.dataset.ready === 'true'", "the window to finish loading");
  } catch (error) {
    await closeApp(app);
    throw error;
  }
  return app;
}

export function processName(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

export async function closeApp(app) {
  // Collected before the session ends, because ending it can orphan the app from tauri-driver.
  const before = descendantsOf(app.driver.pid);
  if (app.session) {
    try {
      await Promise.race([app.session.delete(), sleep(5000)]);
    } catch {
      // The window may already be gone; the processes are ended below either way.
    }
  }
  const pids = [...new Set([...before, ...descendantsOf(app.driver.pid), app.driver.pid])];
  killAll(pids, "SIGTERM");
  await sleep(500);
  killAll(pids.filter((pid) => existsSync(`/proc/${pid}`)), "SIGKILL");
  // SOV_WINDOW_KEEP=1 keeps the app's home, settings and history for a look after a failure.
  if (process.env.SOV_WINDOW_KEEP === "1") console.log(`kept the app's folders in ${app.root}`);
  else await rm(app.root, { recursive: true, force: true });
}

export function byTestId(app, id) {
  return app.session.find(`[data-testid="${id}"]`);
}

// Polls a JavaScript expression in the page until it is truthy; fails with what was awaited.
export async function waitFor(app, expression, what, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await app.session.execute(`return (${expression});`);
      if (last) return last;
    } catch (error) {
      last = error.message;
    }
    await sleep(200);
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last answer: ${JSON.stringify(last)})`);
}

// Text of an element by test id, or "" when it is not on the page.
export function textOf(app, id) {
  return app.session.execute(
    "const node = document.querySelector(`[data-testid=\"${arguments[0]}\"]`); return node ? node.innerText : '';",
    [id],
  );
}

// Saves what the window shows now. `scrollTo` (a test id) brings that part of the page into view first,
// at the top or, with `block: "end"`, at the bottom.
export async function screenshot(app, name, { scrollTo, block = "start" } = {}) {
  if (scrollTo) {
    await app.session.execute(
      "document.querySelector(`[data-testid=\"${arguments[0]}\"]`)?.scrollIntoView({ block: arguments[1] });",
      [scrollTo, block],
    );
  }
  // WebKit paints a while after the DOM changes: a picture taken 300 ms after a change still showed the
  // previous state on this machine, so wait for two frames and then a full second.
  await app.session.call("POST", "/execute/async", {
    script: "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
    args: [],
  });
  await sleep(1000);
  const png = await app.session.screenshot();
  await writeFile(join(SCREENSHOT_DIR, `${name}.png`), png);
}
