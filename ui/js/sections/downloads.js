// Step 6: the files the finished job downloaded.
import { byId, h } from "../dom.js";
import { plural } from "../format.js";
import { store } from "../store.js";
import { outputFolder, outputList } from "./output-list.js";

export function mountDownloads() {
  const section = byId("step-downloads");
  const body = byId("downloads-body");
  let renderedFor = "";
  store.subscribe((state) => {
    const job = state.job;
    const outputs = job?.outputs || [];
    const show = Boolean(job && (job.phase === "done" || outputs.length > 0));
    section.hidden = !show;
    if (!show) {
      renderedFor = "";
      return;
    }
    const key = `${job.job_id}|${outputs.map((output) => output.path).join("|")}`;
    if (key === renderedFor) return;
    renderedFor = key;
    byId("downloads-summary").textContent = `${plural(outputs.length, "file", "files")} saved on this computer`;
    body.replaceChildren(
      ...(outputs.length > 0
        ? [outputFolder(job.output_folder), outputList(outputs)].filter(Boolean)
        : [h("p", { class: "hint" }, "SOV Fixer finished, but sent no files back.")]),
    );
    // The files are the point of the whole job: bring them into view, without stealing focus.
    section.scrollIntoView({ block: "nearest" });
  });
}
