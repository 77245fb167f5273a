// The view tests wait for queued draws with settle(): it must not return before a job
// queued one frame later has run, even when the machine stalls (CI runs on loaded hosts).
import assert from "node:assert/strict";
import test from "node:test";
import { inLaterFrame } from "../src/lib/view_shell.js";
import { settle } from "./fake_dom.js";

test("settle waits for a later-frame job although the process stalled past its delay", async () => {
  const scope = {};
  let drawn = false;
  inLaterFrame(() => {
    drawn = true;
  }, scope);
  const settled = settle();
  const start = Date.now();
  while (Date.now() - start < 30); // descheduled for longer than settle's 20 ms
  await settled;
  assert.equal(drawn, true);
});
