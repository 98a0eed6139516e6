// A neuron: a perceptron with three inputs on sliders, then the same neuron made smooth (sigmoid or
// any other activation neuronet registers), its curve and derivative, what a nudge of one input does;
// and softmax over a few z's. The server computes every number (neuronet/lab/neuron.py).

import {api, coalesce, showError} from "./api.js";
import {$, element, fillSelect, num, sub} from "./dom.js";
import {drawAxes, drawDot, drawLine, frame} from "./draw.js";

let limits = null, softmaxZ = [];
const LABELS = {perceptron: "perceptron (step, threshold)", identity: "linear (identity)"};

function slider(id, name, low, high, step, value) {
  const row = element("label", "slider");
  const input = element("input");
  Object.assign(input, {type: "range", id, min: low, max: high, step, value});
  const shown = element("output", "", String(value));
  input.addEventListener("input", () => { shown.textContent = input.value; });
  row.append(element("span", "name", name), input, shown);
  return row;
}

const value = (id) => Number($(id).value);
const kind = () => $("neuron-kind").value;

function buildSliders(defaults) {
  const box = $("neuron-sliders");
  box.replaceChildren();
  for (const [letter, limit] of [["x", limits.x], ["w", limits.w]]) {
    defaults[letter].forEach((v, i) => box.append(slider(`neuron-${letter}${i}`, `${letter}${sub(i + 1)}`,
      -limit, limit, 0.01, v)));
  }
  box.append(slider("neuron-bias", "threshold", -limits.threshold, limits.threshold, 0.01, defaults.threshold));
  for (const input of box.querySelectorAll("input")) input.addEventListener("input", update);
}

// Perceptron to smooth neuron: the threshold t becomes the bias b = −t, the same line w·x = t.
function switchKind(previous) {
  const bias = $("neuron-bias"), name = bias.parentElement.querySelector(".name");
  const wasStep = previous === "perceptron", isStep = kind() === "perceptron";
  if (wasStep !== isStep) {
    bias.value = String(-Number(bias.value));
    bias.parentElement.querySelector("output").textContent = bias.value;
  }
  name.textContent = isStep ? "threshold" : "bias b";
}

function request() {
  const body = {kind: kind(), x: [0, 1, 2].map((i) => value(`neuron-x${i}`)),
                w: [0, 1, 2].map((i) => value(`neuron-w${i}`)),
                input: Number($("nudge-input").value), dx: value("nudge-dx")};
  body[kind() === "perceptron" ? "threshold" : "b"] = value("neuron-bias");
  return body;
}

const update = coalesce(async () => {
  try {
    const answer = await api("/api/neuron", request());
    showSums(answer);
    showNudge(answer);
    drawCurves(answer);
  } catch (error) {
    showError(error.message);
  }
});

function row(...cells) {
  const tr = element("tr");
  for (const cell of cells) {
    const td = element("td");
    td.append(...(Array.isArray(cell) ? cell : [cell]));
    tr.append(td);
  }
  return tr;
}

function showSums(answer) {
  const rows = answer.x.map((x, i) => row(`w${sub(i + 1)}x${sub(i + 1)}`,
    [num(answer.w[i], `w.${i}`), " \u00d7 ", num(x, `x.${i}`), " = ", num(answer.products[i], `products.${i}`)]));
  rows.push(row("\u03a3 w\u1d62x\u1d62", num(answer.sum, "sum")));
  if (answer.kind === "perceptron") {
    const above = answer.output === 1;
    rows.push(row("compare", [num(answer.sum, "sum"), above ? " > " : " \u2264 ", num(answer.threshold, "threshold"),
                               ` (threshold): ${above ? "above" : "not above"}`]));
    rows.push(row("output", [num(answer.output, "output")]));
  } else {
    rows.push(row("z = \u03a3 w\u1d62x\u1d62 + b", [num(answer.sum, "sum"), " + ", num(answer.b, "b"), " = ", num(answer.z, "z")]));
    rows.push(row(`a = ${answer.kind}(z)`, num(answer.output, "output")));
    rows.push(row("slope f\u2032(z)", num(answer.derivative, "derivative")));
  }
  rows[rows.length - (answer.kind === "perceptron" ? 1 : 2)].classList.add("result");
  $("neuron-table").replaceChildren(...rows);
}

function signed(value, key) {
  const span = num(value, key);
  if (value > 0) span.textContent = `+${span.textContent}`;
  return span;
}

// The point of the story, in words: a nudge flips a perceptron, or moves a smooth neuron a little.
function showNudge(answer) {
  const n = answer.nudge, name = `x${sub(n.input + 1)}`;
  const parts = [`Nudge ${name} by `, signed(n.dx, "nudge.dx"), " (to ", num(n.x, "nudge.x"), "): "];
  if (answer.kind === "perceptron") {
    parts.push(n.flips ? "the output flips from " : "the output stays ", num(answer.output, "output"));
    if (n.flips) parts.push(" to ", num(n.output, "nudge.output"));
    parts.push(". ");
    if (n.flip_at === null) parts.push(`With w${sub(n.input + 1)} = 0, ${name} cannot flip it.`);
    else parts.push(`It flips once ${name} ${n.flip_at >= 0 ? "rises" : "falls"} by `,
                    num(Math.abs(n.flip_at), "nudge.flip_at", 4), " or more: a perceptron's output jumps, " +
                    "by 1 or not at all, however small the nudge.");
  } else {
    parts.push("the output moves from ", num(answer.output, "output"), " to ", num(n.output, "nudge.output"),
               ", by ", signed(n.change, "nudge.change"), " (\u2248 f\u2032(z)\u00b7w", sub(n.input + 1),
               "\u00b7\u0394x = ", signed(n.estimate, "nudge.estimate"), "): a small change of an input " +
               "makes a small change of the output, which is what lets gradient descent learn.");
  }
  $("neuron-story").replaceChildren(...parts);
}

function plot(canvas, zs, ys, z, y, colour, title) {
  const context = canvas.getContext("2d");
  context.clearRect(0, 0, canvas.width, canvas.height);
  const finite = ys.filter((v) => v !== null);
  let low = Math.min(0, ...finite), high = Math.max(1, ...finite);
  const pad = 0.08 * (high - low);
  low -= pad; high += pad;
  const f = frame(canvas, [zs[0], zs[zs.length - 1], Number(low.toFixed(2)), Number(high.toFixed(2))]);
  drawAxes(context, f, {x: "z", y: title});
  drawLine(context, f, zs, ys, colour);
  drawDot(context, f.x(z), f.y(y), 5, "#d62728");
}

function drawCurves(answer) {
  const c = answer.curve, name = answer.kind === "perceptron" ? "step" : answer.kind;
  plot($("neuron-curve"), c.z, c.a, answer.z, answer.output, "#1f77b4", `${name}(z)`);
  plot($("neuron-derivative"), c.z, c.da, answer.z, answer.derivative, "#2ca02c", `${name}\u2032(z)`);
  $("neuron-curve-note").replaceChildren("The dot is this neuron: z = ", num(answer.z, "z"), ".");
}

// Softmax: k outputs' z's on sliders, their e^z and probabilities.
function buildSoftmax() {
  const box = $("softmax-sliders");
  box.replaceChildren(...softmaxZ.map((z, i) => slider(`softmax-z${i}`, `z${sub(i + 1)}`, -limits.z, limits.z, 0.1, z)));
  for (const input of box.querySelectorAll("input")) input.addEventListener("input", updateSoftmax);
  const [low, high] = limits.softmax_units;
  $("softmax-add").disabled = softmaxZ.length >= high;
  $("softmax-remove").disabled = softmaxZ.length <= low;
}

const updateSoftmax = coalesce(async () => {
  softmaxZ = softmaxZ.map((_, i) => value(`softmax-z${i}`));
  try {
    const answer = await api("/api/neuron/softmax", {z: softmaxZ});
    const rows = answer.a.map((a, i) => {
      const bar = element("div", "track"), fill = element("div", "fill");
      fill.style.width = `${(100 * a).toFixed(1)}%`;
      bar.append(fill);
      return row(`a${sub(i + 1)}`, ["e", element("sup", "", `z${sub(i + 1)}`), " / \u03a3\u2c7c e", element("sup", "", "z\u2c7c"),
                                    " = ", num(answer.exp[i], `softmax.exp.${i}`),
                                    " / ", num(answer.sum, "softmax.sum"), " = ", num(a, `softmax.a.${i}`)], bar);
    });
    $("softmax-table").replaceChildren(...rows);
  } catch (error) {
    showError(error.message);
  }
});

$("softmax-add").addEventListener("click", () => { softmaxZ.push(0); buildSoftmax(); updateSoftmax(); });
$("softmax-remove").addEventListener("click", () => { softmaxZ.pop(); buildSoftmax(); updateSoftmax(); });

// At start: the kinds, ranges and first values the server offers.
export function startNeuron(choices) {
  limits = choices.limits;
  const d = choices.defaults;
  fillSelect($("neuron-kind"), choices.kinds, LABELS);
  $("neuron-kind").value = d.kind;
  let previous = d.kind;
  $("neuron-kind").addEventListener("change", () => { switchKind(previous); previous = kind(); update(); });
  buildSliders(d);
  fillSelect($("nudge-input"), ["0", "1", "2"], {0: "x\u2081", 1: "x\u2082", 2: "x\u2083"});
  $("nudge-input").value = String(d.input);
  $("nudge-input").addEventListener("change", update);
  const dx = slider("nudge-dx", "\u0394x", -limits.dx, limits.dx, 0.01, d.dx);
  $("nudge-dx-box").replaceChildren(dx);
  $("nudge-dx").addEventListener("input", update);
  softmaxZ = [...d.z];
  buildSoftmax();
  return Promise.all([update(), updateSoftmax()]);
}
