// neuronet lab. This page only draws: every number on it comes from the Python server, which
// runs neuronet itself (see neuronet/lab/app.py for the JSON API).
"use strict";

const $ = (id) => document.getElementById(id);
let colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"];  // replaced by the server's palette

// GET (no body) or POST JSON. The server answers errors with {"error": "one line"}; throw it.
async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const response = await fetch(path, options);
  let data;
  try { data = await response.json(); } catch (e) { data = {}; }
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function showError(message) {
  $("error").textContent = message || "";
  $("error").hidden = !message;
}

// Text from the server (class names come from model files) only ever goes in as textContent.
function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function hexToRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

// Paint a (rows x cols) grid of RGB triples onto a canvas, each value one cell. `smooth` blends
// neighbouring cells (decision regions); without it cells stay crisp squares (pixels, units).
function paintCells(canvas, rows, cols, colourAt, smooth) {
  const small = document.createElement("canvas");
  small.width = cols; small.height = rows;
  const context = small.getContext("2d");
  const image = context.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const [r, g, b, a] = colourAt(i);
    image.data.set([r, g, b, a === undefined ? 255 : a], 4 * i);
  }
  context.putImageData(image, 0, 0);
  const target = canvas.getContext("2d");
  target.clearRect(0, 0, canvas.width, canvas.height);
  target.imageSmoothingEnabled = smooth;
  target.drawImage(small, 0, 0, canvas.width, canvas.height);
}

for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => {
    for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t === tab);
    for (const panel of document.querySelectorAll(".panel")) panel.hidden = panel.id !== tab.dataset.tab;
    showError("");
  });
}

// ---------------------------------------------------------------------------------------------
// Draw a digit
// ---------------------------------------------------------------------------------------------
const pad = $("pad");
const pen = pad.getContext("2d");
let drawing = false, last = null, hasInk = false;
let busy = false, pending = false, generation = 0;

function clearPad() {
  // An opaque black canvas with white ink is already MNIST's polarity; the server works it out anyway.
  pen.fillStyle = "black";
  pen.fillRect(0, 0, pad.width, pad.height);
  hasInk = false;
  generation++;  // answers still on their way belong to the old drawing: ignore them
  $("seen").getContext("2d").clearRect(0, 0, $("seen").width, $("seen").height);
  $("bars").replaceChildren();
  $("layers").replaceChildren(element("p", "hint", "Draw something: each layer lights up here."));
}

function position(event) {
  const box = pad.getBoundingClientRect();  // the canvas may be scaled by CSS
  return {x: (event.clientX - box.left) * pad.width / box.width,
          y: (event.clientY - box.top) * pad.height / box.height};
}

function stroke(from, to) {
  // About 1/15 of the canvas: strokes then end up as thick as MNIST's after shrinking to 20x20.
  pen.strokeStyle = "white";
  pen.lineWidth = 18;
  pen.lineCap = pen.lineJoin = "round";
  pen.beginPath();
  pen.moveTo(from.x, from.y);
  pen.lineTo(to.x, to.y);
  pen.stroke();
  hasInk = true;
}

// Pointer events cover mouse, pen and touch alike.
// A second finger on a touch screen is not a second pen: only the primary pointer draws.
pad.addEventListener("pointerdown", (event) => {
  if (!event.isPrimary) return;
  drawing = true;
  pad.setPointerCapture(event.pointerId);
  last = position(event);
  stroke(last, last);
  requestPrediction();
});
pad.addEventListener("pointermove", (event) => {
  if (!drawing || !event.isPrimary) return;
  const p = position(event);
  stroke(last, p);
  last = p;
  requestPrediction();
});
for (const name of ["pointerup", "pointercancel"]) {
  pad.addEventListener(name, () => { if (drawing) { drawing = false; requestPrediction(); } });
}
$("clear").addEventListener("click", clearPad);

// At most one request in flight: strokes made meanwhile are sent together when it returns, so a
// slow server is never flooded and the last drawing is always the one shown in the end.
function requestPrediction() {
  pending = true;
  if (!busy) predict();
}

async function predict() {
  if (!pending || !hasInk) return;
  busy = true;
  pending = false;
  const mine = generation;
  try {
    const result = await api("/api/digit", {image: pad.toDataURL("image/png")});
    if (mine === generation) { showDigit(result); showError(""); }
  } catch (error) {
    if (mine === generation) showError(error.message);
  } finally {
    busy = false;
    if (pending) setTimeout(predict, 50);
  }
}

function showDigit(result) {
  const side = result.input.length;
  const pixels = result.input.flat();
  paintCells($("seen"), side, side, (i) => Array(3).fill(Math.round(255 * pixels[i])), false);
  // The last Dense layer is the output, drawn as bars; the others as grids of units, and
  // convolution and pooling layers as feature maps.
  const layers = result.layers;
  const hidden = layers.length && layers[layers.length - 1].kind === "units" ? layers.slice(0, -1) : layers;
  const container = $("layers");
  container.replaceChildren();
  if (hidden.length === 0) container.append(element("p", "hint", "This model has no hidden layer."));
  hidden.forEach((layer, k) => container.append(
    layer.kind === "maps" ? mapsView(layer, k + 1) : layerView(layer, k + 1)));
  showBars(result.probabilities, result.classes, result.predicted);
}

// One layer: a near-square grid of cells, one per unit. Colours are scaled by the layer's largest
// |activation|, since ReLU outputs have no fixed upper bound: orange for positive, blue for negative.
function layerView(layer, number) {
  const values = layer.values, n = values.length;
  const cols = Math.ceil(Math.sqrt(n)), rows = Math.ceil(n / cols);
  const cell = Math.max(4, Math.min(14, Math.floor(224 / cols)));
  const scale = Math.max(1e-9, ...values.map(Math.abs));
  const active = values.filter((v) => v > 0).length;
  const canvas = element("canvas");
  canvas.width = cols * cell;
  canvas.height = rows * cell;
  paintCells(canvas, rows, cols, (i) => {
    if (i >= n) return [0, 0, 0, 0];  // the unused end of the last row stays empty
    const t = values[i] / scale;
    return t >= 0 ? [30 + 225 * t, 30 + 140 * t, 30] : [30, 30 + 100 * -t, 30 + 225 * -t];
  }, false);
  const box = element("div", "layer");
  box.append(element("small", "",
    `layer ${number}: ${layer.name}, ${layer.activation} (${active} of ${n} units > 0, max ${scale.toFixed(2)})`),
    canvas);
  return box;
}

// A convolution or pooling layer: one small greyscale picture per channel (the server sends at
// most 16), all on one scale, the layer's largest |value|, so that channels can be compared.
// Brighter is larger; negative values (a conv layer without ReLU) are shown in blue.
function mapsView(layer, number) {
  const {height, width, channels} = layer, maps = layer.values;
  let scale = 1e-9;
  for (const map of maps) for (const row of map) for (const v of row) scale = Math.max(scale, Math.abs(v));
  const cell = Math.max(1, Math.min(4, Math.floor(56 / Math.max(height, width))));
  const row = element("div", "maps");
  for (const map of maps) {
    const flat = map.flat();
    const canvas = element("canvas");
    canvas.width = width * cell;
    canvas.height = height * cell;
    paintCells(canvas, height, width, (i) => {
      const t = flat[i] / scale;
      return t >= 0 ? Array(3).fill(255 * t) : [0, 0, 255 * -t];
    }, false);
    row.append(canvas);
  }
  const activation = layer.activation ? `, ${layer.activation}` : "";
  const shown = maps.length < channels ? ` (first ${maps.length} of ${channels} channels)` : "";
  const box = element("div", "layer");
  box.append(element("small", "",
    `layer ${number}: ${layer.name}${activation} \u2192 ${height}\u00d7${width}\u00d7${channels}${shown}, ` +
    `max ${scale.toFixed(2)}`), row);
  return box;
}

function showBars(probabilities, classes, predicted) {
  const bars = $("bars");
  bars.replaceChildren();
  probabilities.forEach((p, k) => {
    const row = element("div", k === predicted ? "bar top" : "bar");
    const track = element("div", "track");
    const fill = element("div", "fill");
    fill.style.width = `${(100 * p).toFixed(1)}%`;
    track.append(fill);
    row.append(element("span", "name", classes[k]), track, element("span", "", `${(100 * p).toFixed(1)}%`));
    bars.append(row);
  });
}

// ---------------------------------------------------------------------------------------------
// Playground
// ---------------------------------------------------------------------------------------------
const form = $("settings");
const field = (name) => form.elements.namedItem(name);  // not form[name]: form.hidden is an attribute
let session = null, losses = [], running = false;
let resets = 0, loops = 0;  // which reset and which run loop are the latest; older ones give way

function fillSelect(select, options) {
  select.replaceChildren(...options.map((o) => { const e = element("option", "", o); e.value = o; return e; }));
}

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

// ---------------------------------------------------------------------------------------------
// Start: what model is loaded, what the playground offers
// ---------------------------------------------------------------------------------------------
async function start() {
  clearPad();
  try {
    const info = await api("/api/info");
    const model = info.model;
    $("model-note").textContent = model.available ? model.note : `The digit tab is off: ${model.error}`;
    $("summary").textContent = model.summary || "";
    pad.style.opacity = model.available ? 1 : 0.3;
    const choices = info.playground;
    colours = choices.colours;
    fillSelect(field("dataset"), choices.datasets);
    fillSelect(field("activation"), choices.activations);
    fillSelect(field("optimizer"), choices.optimizers);
    const d = choices.defaults;
    for (const name of ["dataset", "noise", "activation", "optimizer", "lr", "batch_size"]) field(name).value = d[name];
    field("hidden").value = d.hidden.join(",");
    await newSession();
  } catch (error) {
    showError(`cannot reach the lab's server: ${error.message}`);
  }
}
start();
