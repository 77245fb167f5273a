// A minimal DOM for mounting a plotly view in node: what view_shell.js and the views'
// draw functions touch (elements with dataset, style, classList and children; the
// document; getComputedStyle; MutationObserver), and a fake Plotly that records calls.
// Install with installDom(); it returns the function that removes it again.

class FakeElement {
  constructor(tag, doc) {
    this.tagName = tag.toUpperCase();
    this.ownerDocument = doc;
    this.children = [];
    this.parent = null;
    this.dataset = {};
    this.style = {};
    this.attributes = {};
    this.className = "";
    this.hidden = false;
    this.textContent = "";
    this.clientWidth = 800;
    const names = new Set();
    this.classList = {
      toggle: (name, on) => (on ? names.add(name) : names.delete(name)),
      contains: (name) => names.has(name),
    };
  }
  append(...nodes) {
    for (const n of nodes) this.appendChild(n);
  }
  appendChild(node) {
    if (typeof node === "object") {
      node.parent = this;
      this.children.push(node);
    }
    return node;
  }
  replaceChildren(...nodes) {
    this.children = [];
    this.append(...nodes);
  }
  replaceWith(node) {
    const siblings = this.parent?.children ?? [];
    const i = siblings.indexOf(this);
    if (i >= 0) siblings[i] = node;
    node.parent = this.parent;
  }
  setAttribute(name, value) {
    this.attributes[name] = String(value);
  }
  getAttribute(name) {
    return this.attributes[name] ?? null;
  }
  addEventListener() {}
  removeEventListener() {}
}

/** Install a fake document (and friends) on globalThis; returns the uninstaller. */
export function installDom() {
  const doc = {
    createElement: (tag) => new FakeElement(tag, doc),
    createElementNS: (_ns, tag) => new FakeElement(tag, doc),
  };
  doc.body = new FakeElement("body", doc);
  const saved = {};
  const globals = {
    document: doc,
    getComputedStyle: () => ({ getPropertyValue: () => "" }),
    MutationObserver: class {
      observe() {}
      disconnect() {}
    },
  };
  for (const [k, v] of Object.entries(globals)) {
    saved[k] = Object.getOwnPropertyDescriptor(globalThis, k);
    globalThis[k] = v;
  }
  return () => {
    for (const [k, d] of Object.entries(saved)) {
      if (d) Object.defineProperty(globalThis, k, d);
      else Reflect.deleteProperty(globalThis, k);
    }
  };
}

/** A Plotly stand-in that records every react (and restyle) call by method name. */
export function fakePlotly() {
  const calls = [];
  return {
    calls,
    react: async (gd, data, layout) => {
      calls.push({ method: "react", gd, data, layout });
    },
    purge: () => {},
  };
}

/**
 * Wait until queued draws (frame jobs on the setTimeout fallback, promises) have run.
 * After `ms`, a few more timer turns: a job that queues another frame job (inLaterFrame)
 * schedules its timer only when it runs, which on a loaded machine can be after `ms` has
 * passed; each extra turn starts after that and so runs after it (timers fire in order).
 */
export async function settle(ms = 20, turns = 5) {
  const tick = (delay) => new Promise((resolve) => setTimeout(resolve, delay));
  await tick(ms);
  for (let i = 0; i < turns; i++) await tick(0);
}

/** Remove what a plotly view's test put on the page (the Plotly stand-in, the shared
 * runtime and the frame queue), so the next test starts from a clean page. */
export function clearPlotlyPage() {
  for (const k of ["Plotly", "__rnnvizPlotly", "__rnnvizFrame"])
    Reflect.deleteProperty(globalThis, k);
}
