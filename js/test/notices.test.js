import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import test from "node:test";

const staticDir = new URL("../../rnnviz/static/", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

test("every bundled dependency's licence is in THIRD_PARTY_NOTICES.txt", () => {
  const notices = readFileSync(new URL("THIRD_PARTY_NOTICES.txt", staticDir), "utf8");
  for (const name of Object.keys(pkg.dependencies)) {
    const meta = JSON.parse(
      readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), "utf8"),
    );
    assert.ok(notices.includes(`${name} ${meta.version} (${meta.license})`), name);
  }
  assert.match(notices, /Permission is hereby granted/);
});

test("every bundle points at the notices", () => {
  const bundles = readdirSync(staticDir).filter((f) => f.endsWith(".js"));
  assert.ok(bundles.length >= 4);
  for (const f of bundles) {
    const head = readFileSync(new URL(f, staticDir), "utf8").slice(0, 200);
    assert.match(head, /THIRD_PARTY_NOTICES\.txt/, f);
  }
});
