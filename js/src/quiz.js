// Quiz view: "predict, then reveal". The learner types a number (or picks an option) and
// presses Enter; the prediction goes to the kernel as `submission`, the kernel answers
// with `feedback` and — only when the prediction is right or the learner asks for it —
// fills `answer_text` and `why`. The answer is in no trait before that, so it is nowhere
// in the page until the learner has committed (rnnviz/widgets/quiz.py).
//
// Without a kernel (a static export) nobody answers: after a few seconds the view says so.

import { inputHint, parsePrediction } from "./lib/quiz_input.js";
import { onChanges } from "./lib/view_shell.js";

const NO_KERNEL_MS = 5000;

const CSS = `
.rnnviz-quiz { box-sizing: border-box; max-width: 760px; margin: 4px 0; padding: 12px 16px;
  font-family: var(--jp-ui-font-family, system-ui, sans-serif); font-size: 15px;
  line-height: 1.45; color: var(--jp-ui-font-color1, #1f2328);
  background: var(--jp-layout-color1, #fff);
  border: 1px solid var(--jp-border-color1, #d0d7de);
  border-left: 5px solid var(--jp-brand-color1, #1f6feb); border-radius: 6px; }
.rnnviz-quiz .rnnviz-quiz-tag { font-size: 12px; font-weight: 600; letter-spacing: 0.04em;
  text-transform: uppercase; color: var(--jp-brand-color1, #1f6feb); }
.rnnviz-quiz .rnnviz-quiz-question { font-size: 16px; font-weight: 600; margin: 2px 0 10px; }
.rnnviz-quiz form { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 10px;
  margin: 0; }
.rnnviz-quiz input[type=text] { font: inherit; width: 13em; padding: 4px 8px;
  color: inherit; background: var(--jp-layout-color0, #fff);
  border: 1px solid var(--jp-border-color1, #8c959f); border-radius: 4px; }
.rnnviz-quiz input[type=text][aria-invalid=true] {
  border-color: var(--jp-error-color1, #cf222e); }
.rnnviz-quiz fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap;
  gap: 6px 18px; flex-basis: 100%; }
.rnnviz-quiz fieldset label { display: inline-flex; gap: 6px; align-items: center;
  cursor: pointer; font-variant-numeric: tabular-nums; }
.rnnviz-quiz fieldset label[data-wrong=true] { text-decoration: line-through;
  color: var(--jp-ui-font-color2, #57606a); }
.rnnviz-quiz button { font: inherit; padding: 4px 14px; border-radius: 4px; cursor: pointer;
  border: 1px solid var(--jp-border-color1, #8c959f);
  color: var(--jp-ui-font-color1, #1f2328); background: var(--jp-layout-color2, #f6f8fa); }
.rnnviz-quiz button[type=submit] { color: #fff; background: var(--jp-brand-color1, #1f6feb);
  border-color: var(--jp-brand-color1, #1f6feb); font-weight: 600; }
.rnnviz-quiz button:disabled { opacity: 0.5; cursor: default; }
.rnnviz-quiz .rnnviz-quiz-hint { font-size: 13px; margin-top: 6px;
  color: var(--jp-ui-font-color2, #57606a); }
.rnnviz-quiz .rnnviz-quiz-hint[data-error=true] { color: var(--jp-error-color1, #cf222e);
  font-weight: 600; }
.rnnviz-quiz .rnnviz-quiz-feedback { margin-top: 8px; font-weight: 600; }
.rnnviz-quiz .rnnviz-quiz-feedback:empty { display: none; }
.rnnviz-quiz[data-verdict=right] .rnnviz-quiz-feedback,
.rnnviz-quiz[data-verdict=close] .rnnviz-quiz-feedback { color: var(--jp-success-color1, #1a7f37); }
.rnnviz-quiz[data-verdict=wrong] .rnnviz-quiz-feedback { color: var(--jp-warn-color0, #bc4c00); }
.rnnviz-quiz[data-state=no-kernel] .rnnviz-quiz-feedback,
.rnnviz-quiz[data-verdict=invalid] .rnnviz-quiz-feedback {
  color: var(--jp-error-color1, #cf222e); }
.rnnviz-quiz .rnnviz-quiz-answer { margin-top: 10px; padding: 8px 12px; border-radius: 4px;
  background: var(--jp-layout-color2, #f6f8fa); }
.rnnviz-quiz .rnnviz-quiz-answer b { font-size: 18px; font-variant-numeric: tabular-nums; }
.rnnviz-quiz .rnnviz-quiz-why { margin-top: 4px; }
`;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render({ model, el }) {
  const kind = model.get("kind");
  const root = element("div", "rnnviz-quiz");
  root.dataset.testid = "rnnviz-quiz";
  root.dataset.kind = kind;
  // Keys typed here belong to the quiz, not to JupyterLab's notebook shortcuts.
  root.dataset.lmSuppressShortcuts = "true";
  const style = element("style");
  style.textContent = CSS;
  const tag = element("div", "rnnviz-quiz-tag", "Predict, then reveal");
  const question = element("div", "rnnviz-quiz-question", model.get("question"));
  question.id = `rnnviz-quiz-q-${Math.random().toString(36).slice(2)}`;
  const form = element("form");
  form.noValidate = true;
  const hint = element("div", "rnnviz-quiz-hint", inputHint(kind));
  hint.id = `${question.id}-hint`;
  hint.dataset.testid = "rnnviz-quiz-hint";
  const feedback = element("div", "rnnviz-quiz-feedback");
  feedback.dataset.testid = "rnnviz-quiz-feedback";
  feedback.setAttribute("role", "status");
  root.append(style, tag, question, form, hint, feedback);
  el.appendChild(root);

  let input = null; // the text box (number kinds)
  const radios = [];
  if (kind === "choice") {
    const group = element("fieldset");
    group.dataset.testid = "rnnviz-quiz-input";
    group.setAttribute("aria-labelledby", question.id);
    const name = `${question.id}-choice`;
    for (const [i, label] of model.get("choices").entries()) {
      const wrap = element("label");
      wrap.dataset.testid = "rnnviz-quiz-choice";
      const radio = element("input");
      radio.type = "radio";
      radio.name = name;
      radio.value = String(i);
      wrap.append(radio, element("span", "", label));
      group.append(wrap);
      radios.push(radio);
    }
    form.append(group);
  } else {
    input = element("input");
    input.type = "text";
    input.inputMode = kind === "magnitude" ? "text" : "decimal";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.placeholder = kind === "magnitude" ? "e.g. 1e-3" : "your prediction";
    input.dataset.testid = "rnnviz-quiz-input";
    input.setAttribute("aria-labelledby", question.id);
    input.setAttribute("aria-describedby", hint.id);
    form.append(input);
  }
  const submit = element("button", "", "Check");
  submit.type = "submit";
  submit.dataset.testid = "rnnviz-quiz-submit";
  const reveal = element("button", "", "Show the answer");
  reveal.type = "button";
  reveal.dataset.testid = "rnnviz-quiz-reveal";
  reveal.hidden = true;
  form.append(submit, reveal);

  let sent = 0; // number of the last submission this view sent
  let timer = null;
  const setState = (state) => {
    root.dataset.state = state;
  };

  const showHint = (text, isError) => {
    hint.textContent = text;
    hint.dataset.error = String(Boolean(isError));
    if (input) input.setAttribute("aria-invalid", String(Boolean(isError)));
    hint.setAttribute("role", isError ? "alert" : "note");
  };

  const send = (payload) => {
    sent = Math.max(sent, Number(model.get("feedback").n ?? 0)) + 1;
    model.set("submission", { n: sent, ...payload });
    model.save_changes();
    setState("waiting");
    feedback.textContent = "Checking with the kernel…";
    clearTimeout(timer);
    const waitingFor = sent;
    timer = setTimeout(() => {
      if (Number(model.get("feedback").n ?? 0) >= waitingFor) return;
      setState("no-kernel");
      feedback.textContent =
        "No Python kernel has answered. The answer is measured live by rnnviz's simulator, " +
        "so it needs a running notebook: run this cell in Jupyter to check your prediction.";
    }, NO_KERNEL_MS);
  };

  const onSubmit = () => {
    if (kind === "choice") {
      const picked = radios.find((r) => r.checked);
      if (!picked) {
        showHint("Pick one of the options first.", true);
        radios[0]?.focus();
        return;
      }
      showHint(inputHint(kind), false);
      send({ choice: Number(picked.value) });
      return;
    }
    const parsed = parsePrediction(input.value, kind);
    if (parsed.error) {
      showHint(parsed.error, true); // the typed text stays: nothing is lost
      input.focus();
      return;
    }
    showHint(inputHint(kind), false);
    send({ value: parsed.value });
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onSubmit();
  });
  // Enter checks the prediction from the text box and from the options alike.
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.target.tagName === "BUTTON") return;
    event.preventDefault();
    event.stopPropagation();
    onSubmit();
  });
  reveal.addEventListener("click", () => send({ reveal: true }));

  let answerBox = null;
  const draw = () => {
    const fb = model.get("feedback");
    const answer = model.get("answer_text");
    if (fb.n !== undefined && Number(fb.n) >= sent) {
      clearTimeout(timer);
      sent = Math.max(sent, Number(fb.n));
      feedback.textContent = fb.message ?? "";
      root.dataset.verdict = fb.verdict ?? "";
      setState(answer ? "revealed" : "asking");
      if (fb.verdict === "wrong" || fb.verdict === "invalid") {
        reveal.hidden = false;
        if (input) input.select();
      }
      if (kind === "choice" && fb.verdict === "wrong") {
        const wrong = radios.find((r) => r.checked);
        if (wrong) wrong.parentElement.dataset.wrong = "true";
      }
    } else if (fb.n === undefined) {
      setState(answer ? "revealed" : "asking");
    }
    if (answer && !answerBox) {
      // Created only now: before the reveal the answer is nowhere in the page.
      answerBox = element("div", "rnnviz-quiz-answer");
      answerBox.dataset.testid = "rnnviz-quiz-answer";
      const line = element("div");
      line.append("Measured by the simulator: ", element("b", "", answer));
      answerBox.append(line, element("div", "rnnviz-quiz-why", `Why: ${model.get("why")}`));
      root.append(answerBox);
      reveal.hidden = true;
      hint.hidden = true;
      submit.disabled = true;
      if (input) input.readOnly = true;
      for (const r of radios) r.disabled = true;
    }
  };
  let pending = false; // one draw for the traits a kernel reply changes together
  const schedule = () => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      draw();
    });
  };
  const stopWatching = onChanges(model, ["feedback", "answer_text", "why"], schedule);
  draw();
  return () => {
    clearTimeout(timer);
    stopWatching();
  };
}

export default { render };
