// Bundle every view module in src/ into ../rnnviz/static/<name>.js.
// Every dependency is bundled: nothing is fetched at run time (offline first).
// The licences of the bundled third-party packages go to THIRD_PARTY_NOTICES.txt beside
// the bundles (esbuild's metafile says which packages were bundled), and every bundle
// starts with a one-line pointer to it.

import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.join(here, "..", "rnnviz", "static");
const NOTICES = "THIRD_PARTY_NOTICES.txt";
// Entry points: the files directly in src/ (one per view, and page.js: the export page's
// module, inlined by rnnviz/export/_html.py); helpers live in src/lib/.
const entryPoints = readdirSync(path.join(here, "src"))
  .filter((f) => f.endsWith(".js"))
  .map((f) => path.join(here, "src", f));

const result = await build({
  entryPoints,
  outdir,
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  logLevel: "warning",
  legalComments: "none",
  metafile: true,
  banner: { js: `/*! rnnviz (MIT). Bundled third-party code: see ${NOTICES} */` },
});

/** Package names under node_modules/ that ended up in any bundle. */
function bundledPackages(metafile) {
  const names = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}

function notice(name) {
  const dir = path.join(here, "node_modules", name);
  const meta = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  const licenceFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
  if (!licenceFile) throw new Error(`bundled package ${name} ships no licence file`);
  const text = readFileSync(path.join(dir, licenceFile), "utf8").trim();
  const rule = "=".repeat(78);
  return `${rule}\n${name} ${meta.version} (${meta.license})\n${rule}\n\n${text}\n`;
}

const packages = bundledPackages(result.metafile);
writeFileSync(
  path.join(outdir, NOTICES),
  `Third-party software bundled into rnnviz/static/*.js\n\n${packages.map(notice).join("\n")}`,
);
