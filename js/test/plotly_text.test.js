import assert from "node:assert/strict";
import test from "node:test";
import { plotlyText } from "../src/lib/plotly_text.js";

test("every character plotly reads as markup or a template becomes an entity", () => {
  assert.equal(plotlyText("<b>x</b>"), "&lt;b&gt;x&lt;/b&gt;");
  assert.equal(
    plotlyText('<span style="font-size:90px;color:red">big</span>'),
    '&lt;span style="font-size:90px;color:red"&gt;big&lt;/span&gt;',
  );
  assert.equal(plotlyText("&lt; already"), "&amp;lt; already");
  assert.equal(plotlyText("%{x} 50%"), "&#37;{x} 50&#37;");
  assert.equal(plotlyText(3), "3");
  assert.equal(plotlyText("s = 0.5"), "s = 0.5");
});
