// What a person does outside the web page: pick a file in the native (GTK) file dialog, and drag a file
// onto the window from another application. Both are driven with xdotool on the X display.
import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { join } from "node:path";
import { SCREENSHOT_DIR, WAIT_MS, sleep } from "./app-window.mjs";

const run = promisify(execFile);
const DRAG_SOURCE = fileURLToPath(new URL("./drag-source.py", import.meta.url));
const CLOSE_WINDOW = fileURLToPath(new URL("./close-window.py", import.meta.url));
// The system Python has the GTK bindings (python3-gi); a pyenv or venv python on PATH usually does not.
const SYSTEM_PYTHON = process.env.SYSTEM_PYTHON || "/usr/bin/python3";

export function xdotool(...args) {
  return run("xdotool", args, { timeout: 15000 });
}

async function findWindow(title) {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    try {
      const { stdout } = await xdotool("search", "--onlyvisible", "--name", `^${title}$`);
      const ids = stdout.trim().split(/\s+/).filter(Boolean);
      if (ids.length > 0) return ids[ids.length - 1];
    } catch {
      // xdotool exits 1 while no window matches.
    }
    await sleep(250);
  }
  throw new Error(`The native dialog "${title}" did not appear within ${WAIT_MS} ms`);
}

// GTK hides a finished dialog before it destroys it, so "closed" means no longer visible.
async function dialogClosed(title, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await xdotool("search", "--onlyvisible", "--name", `^${title}$`);
    } catch {
      return true;
    }
    await sleep(250);
  }
  return false;
}

// A picture of the whole X screen, native dialogs included (WebDriver only sees the page).
export async function screenPicture(file) {
  try {
    await run("import", ["-window", "root", file], { timeout: 15000 });
    return file;
  } catch {
    return null;
  }
}

// Types `path` into the GTK file chooser's location field, as a person pressing Ctrl+L would.
async function typeLocation(dialog, path) {
  await xdotool("windowfocus", "--sync", dialog);
  await xdotool("key", "--window", dialog, "ctrl+l");
  // The location field needs a moment to appear; typing earlier loses the first characters.
  await sleep(800);
  await xdotool("key", "ctrl+a");
  await xdotool("type", "--delay", "15", path);
  await sleep(300);
  await xdotool("key", "Return");
}

// Picks `path` in the native file dialog titled `title`. Typing into a GTK dialog on a loaded machine can
// lose keys (this failed once in about fifteen runs), so a dialog still open after a while gets the path
// again, as a person would retype it; the screen is saved for a look the first time that happens.
export async function chooseInFileDialog(title, path) {
  const dialog = await findWindow(title);
  const attempts = 3;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    await typeLocation(dialog, path);
    if (await dialogClosed(title, 10000)) return;
    const picture = await screenPicture(join(SCREENSHOT_DIR, `dialog-still-open-${attempt}.png`));
    console.log(`the file dialog was still open after typing the path (attempt ${attempt}; screen: ${picture})`);
  }
  throw new Error(`The native dialog "${title}" did not take the path ${path} in ${attempts} attempts`);
}

// Drags `path` from a small GTK window (a stand-in for the file manager) and drops it at screen (x, y).
// `whileOver` runs while the file hovers over the target, before the button is released.
export async function dragFileOnto(path, x, y, { whileOver = async () => {} } = {}) {
  const source = spawn(SYSTEM_PYTHON, [DRAG_SOURCE, path], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  source.stderr.on("data", (chunk) => (stderr += chunk));
  try {
    const rect = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the drag source did not start: ${stderr}`)), WAIT_MS);
      source.once("exit", (code) => reject(new Error(`the drag source exited (${code}): ${stderr}`)));
      source.stdout.on("data", (chunk) => {
        const match = /ready (\d+) (\d+) (\d+) (\d+)/.exec(String(chunk));
        if (match) {
          clearTimeout(timer);
          resolve(match.slice(1).map(Number));
        }
      });
    });
    const [left, top, width, height] = rect;
    const startX = left + Math.floor(width / 2);
    const startY = top + Math.floor(height / 2);
    await xdotool("mousemove", "--sync", String(startX), String(startY));
    await sleep(200);
    await xdotool("mousedown", "1");
    // GTK starts a drag only after the pointer moves past a threshold, in several motion events.
    const steps = 12;
    for (let step = 1; step <= steps; step += 1) {
      const px = Math.round(startX + ((x - startX) * step) / steps);
      const py = Math.round(startY + ((y - startY) * step) / steps);
      await xdotool("mousemove", String(px), String(py));
      await sleep(80);
    }
    await sleep(300);
    try {
      await whileOver();
    } finally {
      await xdotool("mouseup", "1");
    }
    await sleep(500);
  } finally {
    if (source.exitCode === null) source.kill("SIGTERM");
  }
}

// Closes a window as its title bar's close button would: the window manager's WM_DELETE_WINDOW request.
export async function closeWindowLikeAPerson(title) {
  const window = await findWindow(title);
  await run(SYSTEM_PYTHON, [CLOSE_WINDOW, window], { timeout: 15000 });
}
