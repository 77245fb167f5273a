import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import test from "node:test";

test("bundle was built into rnnviz/static", () => {
  assert.ok(existsSync(new URL("../../rnnviz/static/graph.js", import.meta.url)));
});
