// Bundle every view module in src/ into ../rnnviz/static/<name>.js.
// Every dependency is bundled: nothing is fetched at run time (offline first).

import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.join(here, "..", "rnnviz", "static");
// Entry points: the files directly in src/ (one per view); helpers live in src/lib/.
const entryPoints = readdirSync(path.join(here, "src"))
  .filter((f) => f.endsWith(".js"))
  .map((f) => path.join(here, "src", f));

await build({
  entryPoints,
  outdir,
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  logLevel: "warning",
  legalComments: "none",
});
