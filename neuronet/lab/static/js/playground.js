// Playground: train a small network on a generated 2-D set, a few epochs at a time. The server
// trains with neuronet's own fit (neuronet/lab/playground.py); this module draws the decision
// regions, the points and the loss curve.

import {api, showError} from "./api.js";
import {$, fillSelect} from "./dom.js";
import {colours, hexToRgb, paintCells} from "./draw.js";

const form = $("settings");
const field = (name) => form.elements.namedItem(name);  // not form[name]: form.hidden is an attribute
let session = null, losses = [], running = false;
let resets = 0, loops = 0;  // which reset and which run loop are the latest; older ones give way

// Read the form as the server's settings. Checking them is the server's job: odd values are
// passed on as typed, and its one-line error is shown.
function settings() {
  const number = (name) => (field(name).value.trim() === "" ? field(name).value : Number(field(name).value));
  const hidden = field("hidden").value.split(",").map((s) => s.trim()).filter((s) => s !== "")
    .map((s) => (Number.isInteger(Number(s)) ? Number(s) : s));
  return {dataset: field("dataset").value, noise: number("noise"), hidden,
          activation: field("activation").value, optimizer: field("optimizer").value, lr: number("lr"), batch_size: number("batch_size")};
}

// A new session from the form's settings. Only the latest request's answer is used: a change
// made while an earlier one is on its way must not be overwritten by that one's late answer.
async function newSession() {
  const mine = ++resets;
  try {
    const result = await api("/api/playground", settings());
    if (mine !== resets) return;
    session = result;
    losses = [result.loss];  // epoch 0: the untrained network (null if not finite)
    showState(result);
    showError("");
  } catch (error) {
    if (mine !== resets) return;
    session = null;
    showError(error.message);
  }
}

// Reset button and changed settings: stop, and start again from an untrained network.
function reset() {
  setRunning(false);
  return newSession();
}

// One training step at a time, in order (Step pressed while the run loop's step is on its way
// waits for it), so that answers never arrive out of order.
let queue = Promise.resolve();
function step() {
  const next = queue.then(stepNow);
  queue = next.catch(() => {});  // a failed step does not block the ones after it
  return next;
}

async function stepNow() {
  if (!session) await newSession();
  if (!session) return;
  const mine = session;
  let result;
  try {
    result = await api(`/api/playground/${mine.id}/step`, {epochs: Number($("speed").value)});
  } catch (error) {
    if (session === mine) throw error;
    return;
  }
  if (session !== mine) return;  // reset meanwhile: this answer (or error) is the old network's
  losses.push(...result.losses);
  showState(result);
  showError("");
}

function setRunning(on) {
  running = on;
  $("run").textContent = on ? "Pause" : "Start";
}

// Steps run one after another, each waiting for the last answer and a repaint, never piling up;
// at most about 20 a second, so that the boundaries move slowly enough to watch.
async function runLoop() {
  const mine = ++loops;  // Pause then Start before the last step returned: the old loop ends
  while (running && mine === loops) {
    const started = Date.now();
    try {
      await step();
    } catch (error) {
      showError(error.message);  // e.g. training diverged: the network keeps its last good weights
      setRunning(false);
    }
    await new Promise(requestAnimationFrame);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 50 - (Date.now() - started))));
  }
}

function showState(state) {
  const data = session.data;
  const canvas = $("regions"), context = canvas.getContext("2d");
  const [x0, x1, y0, y1] = data.bounds;
  const chance = 1 / data.n_classes;
  // Each cell in its class's colour, faded towards white where the network is unsure.
  paintCells(canvas, data.grid, data.grid, (i) => {
    const [r, g, b] = hexToRgb(colours[state.classes[i] % colours.length]);
    const t = 0.6 * Math.max(0, (state.confidence[i] - chance) / (1 - chance));
    return [255 + (r - 255) * t, 255 + (g - 255) * t, 255 + (b - 255) * t];
  }, true);
  data.x.forEach(([x, y], k) => {
    context.beginPath();
    context.arc((x - x0) / (x1 - x0) * canvas.width, (y1 - y) / (y1 - y0) * canvas.height, 3.5, 0, 2 * Math.PI);
    context.fillStyle = colours[data.y[k] % colours.length];
    context.fill();
    context.strokeStyle = "white";
    context.stroke();
  });
  // The server sends null for a loss that is not finite (JSON has no NaN or infinity).
  const loss = state.loss === null ? "\u2014" : state.loss < 1e-3 ? state.loss.toExponential(2) : state.loss.toFixed(4);
  $("stats").textContent = `epoch ${state.epoch}   loss ${loss}   ` +
    `accuracy ${(100 * state.accuracy).toFixed(1)}%`;
  drawCurve();
}

// The training loss per epoch on a log scale, where late progress is still visible.
function drawCurve() {
  const canvas = $("curve"), context = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, margin = 28;
  context.clearRect(0, 0, w, h);
  const logs = losses.map((v) => (v > 0 ? Math.log10(v) : null));
  const finite = logs.filter((v) => v !== null);
  if (finite.length === 0) return;
  // Not Math.max(...finite): a long run has more epochs than a call may have arguments.
  const top = finite.reduce((a, b) => Math.max(a, b)), bottom = finite.reduce((a, b) => Math.min(a, b));
  const span = Math.max(top - bottom, 1e-6);
  context.strokeStyle = "#1f77b4";
  context.beginPath();
  logs.forEach((v, i) => {
    if (v === null) return;
    const x = margin + (w - 2 * margin) * (logs.length > 1 ? i / (logs.length - 1) : 0);
    const y = 8 + (h - margin - 8) * (top - v) / span;
    if (i === 0) context.moveTo(x, y); else context.lineTo(x, y);
  });
  context.stroke();
  context.fillStyle = "#555";
  context.font = "11px sans-serif";
  context.fillText(10 ** top < 1e-3 ? (10 ** top).toExponential(1) : (10 ** top).toFixed(3), 0, 12);
  context.fillText(10 ** bottom < 1e-3 ? (10 ** bottom).toExponential(1) : (10 ** bottom).toFixed(3), 0, h - margin);
  context.fillText(`epoch ${losses.length - 1}`, w - margin - 50, h - 8);
}

$("run").addEventListener("click", () => {
  setRunning(!running);
  if (running) runLoop();
});
$("step").addEventListener("click", () => { setRunning(false); step().catch((e) => showError(e.message)); });
$("reset").addEventListener("click", reset);
form.addEventListener("change", reset);  // new settings, new network
form.addEventListener("submit", (event) => event.preventDefault());

// At start: the choices and defaults the server offers, then a first, untrained network.
export function startPlayground(choices) {
  fillSelect(field("dataset"), choices.datasets);
  fillSelect(field("activation"), choices.activations);
  fillSelect(field("optimizer"), choices.optimizers);
  const d = choices.defaults;
  for (const name of ["dataset", "noise", "activation", "optimizer", "lr", "batch_size"]) field(name).value = d[name];
  field("hidden").value = d.hidden.join(",");
  return newSession();
}
