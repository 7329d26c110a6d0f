// Reaches the demo server running inside the app, to make it fail on purpose (its admin API, loopback only).
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

// The demo server listens on a free loopback port chosen at start; `ss` tells which ones the app holds.
export async function demoServerUrl(appPid) {
  const { stdout } = await run("ss", ["-ltnpH"]);
  const ports = stdout
    .split("\n")
    .filter((line) => line.includes(`pid=${appPid},`))
    .map((line) => /127\.0\.0\.1:(\d+)/.exec(line))
    .filter(Boolean)
    .map((match) => match[1]);
  for (const port of ports) {
    const url = `http://127.0.0.1:${port}`;
    try {
      const response = await fetch(`${url}/__sandbox/state`);
      if (response.ok) return url;
    } catch {
      // Not the sandbox.
    }
  }
  throw new Error(`No demo server found among the app's loopback ports (${ports.join(", ") || "none"})`);
}

export async function setFaults(serverUrl, faults) {
  const response = await fetch(`${serverUrl}/__sandbox/config`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ faults }),
  });
  if (!response.ok) throw new Error(`The demo server refused the fault setting: ${response.status} ${await response.text()}`);
}
