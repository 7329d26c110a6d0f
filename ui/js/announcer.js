// One polite live region for status changes, so screen-reader users hear progress
// without every progress tick being read out.
export function announce(message) {
  const region = document.getElementById("announcer");
  if (!region) return;
  // Clearing first makes repeated-but-separated messages be read again.
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = message;
  }, 50);
}
