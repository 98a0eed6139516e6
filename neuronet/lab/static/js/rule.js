// The perceptron rule: every update of Rosenblatt's rule on a logic gate or on clicked points, one
// at a time, the line w₁x₁ + w₂x₂ + b = 0 moving over the points. The server runs neuronet's
// Perceptron.steps and says why it stopped (neuronet/lab/rule.py); this module plays the steps.

import {api, showError} from "./api.js";
import {$, element, fillSelect, num} from "./dom.js";
import {drawAxes, drawDot, frame, paintCells} from "./draw.js";

let view = null, answer = null, shown = 0, playing = 0, requests = 0;
let clicked = {points: [], labels: []};
const plane = $("rule-plane");
const GATES = {and: "AND", or: "OR", nand: "NAND", xor: "XOR", points: "your points (click to add)"};

function body() {
  const lr = Number($("rule-lr").value), epochs = Number($("rule-epochs").value);
  const settings = {lr: Number.isFinite(lr) && $("rule-lr").value !== "" ? lr : $("rule-lr").value,
                    epochs: Number.isInteger(epochs) ? epochs : $("rule-epochs").value};
  if ($("rule-data").value === "points") return {...clicked, ...settings};
  return {gate: $("rule-data").value, ...settings};
}

// A new run from the settings: all its steps come at once; the page starts before the first.
async function load() {
  const mine = ++requests;
  stop();
  $("rule-clicks").hidden = $("rule-data").value !== "points";
  if ($("rule-data").value === "points" && clicked.points.length === 0) {
    answer = null;
    draw();
    $("rule-where").textContent = "Click on the plane to add points of the class chosen below.";
    return;
  }
  try {
    const result = await api("/api/perceptron", body());
    if (mine !== requests) return;
    answer = result;
    shown = 0;
    showError("");
    draw();
  } catch (error) {
    if (mine === requests) showError(error.message);
  }
}

// The state after `shown` steps: the weights then, and the step that made them.
function weights(k) {
  if (k === 0) return answer.start;
  return answer.steps[k - 1];
}

function draw() {
  drawPlane();
  showNumbers();
  const done = answer !== null && shown === answer.steps.length;
  $("rule-step").disabled = $("rule-end").disabled = answer === null || done;
  $("rule-play").disabled = answer === null || done;
  $("rule-message").textContent = done ? answer.message : "";
  $("rule-proof").textContent = done && answer.proof ? answer.proof : "";
  $("rule-message").className = done ? (answer.converged ? "story good" : "story bad") : "story";
}

function drawPlane() {
  const context = plane.getContext("2d");
  context.clearRect(0, 0, plane.width, plane.height);
  const f = frame(plane, view, 30);
  const points = answer ? answer.points : clicked.points, labels = answer ? answer.labels : clicked.labels;
  if (answer) {
    const {w, b} = weights(shown);
    // Where the perceptron says 1, tinted: the side of the line w·x + b > 0.
    const n = 80, [x0, x1, y0, y1] = view;
    const tint = element("canvas");
    tint.width = plane.width; tint.height = plane.height;
    paintCells(tint, n, n, (i) => {
      const x = x0 + (x1 - x0) * ((i % n) + 0.5) / n, y = y1 - (y1 - y0) * (Math.floor(i / n) + 0.5) / n;
      return w[0] * x + w[1] * y + b > 0 ? [255, 200, 150, 110] : [0, 0, 0, 0];
    }, false);
    const [left, top] = [f.x(x0), f.y(y1)];
    context.drawImage(tint, 0, 0, plane.width, plane.height, left, top, f.x(x1) - left, f.y(y0) - top);
    drawBoundary(context, f, w, b);
  }
  drawAxes(context, f, {x: "x\u2081", y: "x\u2082"});
  points.forEach(([x, y], k) => {
    if (labels[k] === 1) drawDot(context, f.x(x), f.y(y), 7, "#d9822b", "#333");
    else drawDot(context, f.x(x), f.y(y), 7, "white", "#333");
  });
  if (answer && shown > 0) {   // the example this step looked at
    const [x, y] = answer.steps[shown - 1].x;
    context.beginPath();
    context.arc(f.x(x), f.y(y), 12, 0, 2 * Math.PI);
    context.strokeStyle = "#1f77b4";
    context.lineWidth = 2.5;
    context.stroke();
  }
}

// The line w₁x₁ + w₂x₂ + b = 0 across the view (none while w = 0: every point is then predicted
// the same way, by the sign of b).
function drawBoundary(context, f, w, b) {
  const [x0, x1, y0, y1] = view;
  let ends;
  if (Math.abs(w[1]) > Math.abs(w[0])) ends = [[x0, -(b + w[0] * x0) / w[1]], [x1, -(b + w[0] * x1) / w[1]]];
  else if (w[0] !== 0) ends = [[-(b + w[1] * y0) / w[0], y0], [-(b + w[1] * y1) / w[0], y1]];
  else return;
  context.save();
  context.beginPath();
  context.rect(f.x(x0), f.y(y1), f.x(x1) - f.x(x0), f.y(y0) - f.y(y1));
  context.clip();
  context.beginPath();
  context.moveTo(f.x(ends[0][0]), f.y(ends[0][1]));
  context.lineTo(f.x(ends[1][0]), f.y(ends[1][1]));
  context.strokeStyle = "#333";
  context.lineWidth = 2;
  context.stroke();
  context.restore();
}

function vector(values, key) {
  const parts = ["("];
  values.forEach((v, i) => { if (i) parts.push(", "); parts.push(num(v, `${key}.${i}`)); });
  parts.push(")");
  return parts;
}

function line(label, ...parts) {
  const p = element("p", "rule-line");
  p.append(element("span", "name", label), ...parts);
  return p;
}

// The update of the step shown, in numbers: w ← w + η (y − ŷ) x and b ← b + η (y − ŷ).
function showNumbers() {
  const box = $("rule-update");
  if (!answer) { box.replaceChildren(); return; }
  const now = weights(shown);
  if (shown === 0) {
    $("rule-where").textContent = `${answer.points.length} points; press Step to show the rule the first one.`;
    box.replaceChildren(line("start", "w = ", ...vector(now.w, "start.w"), ", b = ", num(now.b, "start.b")));
    return;
  }
  const step = answer.steps[shown - 1], before = weights(shown - 1), k = `steps.${shown - 1}`;
  const was = shown === 1 ? "start" : `steps.${shown - 2}`;
  $("rule-where").textContent = `step ${shown} of ${answer.steps.length}: pass ${step.epoch + 1}, ` +
    `point ${step.index + 1} of ${answer.points.length}`;
  const verdict = step.error === 0 ? "right: no update" : step.error > 0 ? "should have fired: y \u2212 \u0177 = +1"
    : "should not have fired: y \u2212 \u0177 = \u22121";
  const rows = [
    line("example", "x = ", ...vector(step.x, `${k}.x`), ", y = ", num(step.y, `${k}.y`)),
    line("predicts", "\u0177 = ", num(step.predicted, `${k}.predicted`), ` (${verdict})`),
    line("w", ...vector(before.w, `${was}.w`), " + ", num(answer.lr, "lr"), " \u00b7 ", num(step.error, `${k}.error`),
         " \u00b7 ", ...vector(step.x, `${k}.x`), " = ", ...vector(step.w, `${k}.w`)),
    line("b", num(before.b, `${was}.b`), " + ", num(answer.lr, "lr"), " \u00b7 ", num(step.error, `${k}.error`),
         " = ", num(step.b, `${k}.b`)),
  ];
  box.replaceChildren(...rows);
}

function advance() {
  if (!answer || shown >= answer.steps.length) return false;
  shown++;
  draw();
  return shown < answer.steps.length;
}

function stop() {
  playing++;
  $("rule-play").textContent = "Play";
}

// About six steps a second: slow enough to follow the line, one update at a time.
function play() {
  const mine = ++playing;
  $("rule-play").textContent = "Pause";
  const tick = () => {
    if (mine !== playing) return;
    if (advance()) setTimeout(tick, 160); else stop();
  };
  tick();
}

// A click adds a point of the chosen class; a click on a point takes it away.
plane.addEventListener("click", (event) => {
  if ($("rule-data").value !== "points") return;
  const box = plane.getBoundingClientRect(), f = frame(plane, view, 30);
  const px = (event.clientX - box.left) * plane.width / box.width, py = (event.clientY - box.top) * plane.height / box.height;
  const near = clicked.points.findIndex(([x, y]) => Math.hypot(f.x(x) - px, f.y(y) - py) < 9);
  if (near >= 0) {
    clicked.points.splice(near, 1);
    clicked.labels.splice(near, 1);
  } else {
    const [x, y] = f.fromPixels(px, py);
    const inside = (v, i) => Math.min(view[2 * i + 1], Math.max(view[2 * i], Math.round(v * 100) / 100));
    clicked.points.push([inside(x, 0), inside(y, 1)]);
    clicked.labels.push(Number(document.querySelector("input[name=rule-class]:checked").value));
  }
  load();
});

$("rule-step").addEventListener("click", () => { stop(); advance(); });
$("rule-play").addEventListener("click", () => { if ($("rule-play").textContent === "Pause") stop(); else play(); });
$("rule-end").addEventListener("click", () => { stop(); if (answer) { shown = answer.steps.length; draw(); } });
$("rule-reset").addEventListener("click", () => { stop(); shown = 0; if (answer) draw(); });
$("rule-clear").addEventListener("click", () => { clicked = {points: [], labels: []}; load(); });
for (const id of ["rule-data", "rule-lr", "rule-epochs"]) $(id).addEventListener("change", load);

export function startRule(choices) {
  view = choices.view;
  fillSelect($("rule-data"), [...choices.gates, "points"], GATES);
  $("rule-data").value = choices.defaults.gate;
  $("rule-lr").value = choices.defaults.lr;
  $("rule-epochs").value = choices.defaults.epochs;
  $("rule-epochs").max = choices.limits.epochs;
  return load();
}

