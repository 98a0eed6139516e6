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
// Optimisers: paths down a 2-D surface. The server computes the shading and every path with
// neuronet's own optimisers (neuronet/lab/descent.py); this part only draws them, step by step.
// ---------------------------------------------------------------------------------------------
const landscape = $("landscape");
let descentChoices = null, surface = null, startPoint = null, descent = null;
let descentRequests = 0, frame = 0, animating = 0;
let shading = null;  // the surface's picture, painted once per surface and copied under each frame

// Low is dark blue, high is near white, in 16 bands evenly spaced in log(f - f_min); a band's
// border is drawn a shade darker, so the borders read as contour lines.
function shade(t, border) {
  const band = Math.min(15, Math.floor(16 * t)) / 15, dark = border ? 0.85 : 1;
  return [(35 + 215 * band) * dark, (60 + 190 * band) * dark, (115 + 135 * band) * dark];
}

// The server's grid of heights (cell centres), interpolated to every pixel of the canvas, so
// that the bands have smooth borders rather than the grid's steps.
function paintSurface() {
  const n = surface.grid, heights = surface.heights, w = landscape.width, h = landscape.height;
  const low = heights.reduce((a, b) => Math.min(a, b)), high = heights.reduce((a, b) => Math.max(a, b));
  const span = Math.max(high - low, 1e-9);
  const at = (px, py) => {
    const gx = Math.min(n - 1, Math.max(0, (px + 0.5) * n / w - 0.5));
    const gy = Math.min(n - 1, Math.max(0, (py + 0.5) * n / h - 0.5));
    const i = Math.min(n - 2, Math.floor(gx)), j = Math.min(n - 2, Math.floor(gy));
    const fx = gx - i, fy = gy - j, v = (r, c) => heights[r * n + c];
    const top = v(j, i) * (1 - fx) + v(j, i + 1) * fx, bottom = v(j + 1, i) * (1 - fx) + v(j + 1, i + 1) * fx;
    return Math.floor(16 * Math.min(0.9999, ((top * (1 - fy) + bottom * fy) - low) / span));
  };
  const bands = new Int8Array(w * h);
  for (let py = 0; py < h; py++) for (let px = 0; px < w; px++) bands[py * w + px] = at(px, py);
  shading = element("canvas");
  shading.width = w;
  shading.height = h;
  paintCells(shading, h, w, (k) => {
    const b = bands[k], px = k % w;
    const border = (px > 0 && bands[k - 1] !== b) || (k >= w && bands[k - w] !== b);
    return shade((b + 0.5) / 16, border);
  }, false);
}

// Data coordinates to canvas pixels and back (y grows upwards in the data, downwards on screen).
function toCanvas([x, y]) {
  const [x0, x1, y0, y1] = surface.bounds;
  // Far-off points (a diverging path) are held a little outside the canvas, where lines still end.
  const clamp = (v) => Math.max(-1e4, Math.min(1e4, v));
  return [clamp((x - x0) / (x1 - x0) * landscape.width), clamp((y1 - y) / (y1 - y0) * landscape.height)];
}

function fromCanvas(px, py) {
  const [x0, x1, y0, y1] = surface.bounds;
  return [x0 + (x1 - x0) * px / landscape.width, y1 - (y1 - y0) * py / landscape.height];
}

function optimizerRows() {
  return $("optimizer-list").children;
}

function buildOptimizerList() {
  const list = $("optimizer-list");
  list.replaceChildren(...descentChoices.optimizers.map((o, k) => {
    const row = element("div", "optimizer");
    const box = element("input");
    box.type = "checkbox";
    box.checked = o.default;
    const swatch = element("span", "swatch");
    swatch.style.background = colours[k % colours.length];
    const lr = element("input");
    lr.type = "number";
    lr.step = "any";
    lr.min = "0";
    row.name = o.name;
    row.box = box;
    row.lr = lr;
    row.result = element("span", "result");
    row.append(box, swatch, element("span", "", o.label), lr, row.result);
    box.addEventListener("change", computePaths);
    lr.addEventListener("change", computePaths);
    return row;
  }));
}

// A new surface: its shading, its own learning rates, steps and start; then the paths.
async function loadSurface() {
  const mine = ++descentRequests;
  try {
    const answer = await api("/api/descent/surface", {surface: $("surface").value, grid: descentChoices.grid});
    if (mine !== descentRequests) return;
    surface = answer;
    const [x0, x1, y0, y1] = surface.bounds;
    landscape.width = 520;
    landscape.height = Math.round(520 * Math.min(1.2, Math.max(0.5, (y1 - y0) / (x1 - x0))));
    paintSurface();
    for (const row of optimizerRows()) row.lr.value = Number(surface.rates[row.name].toPrecision(6));
    $("descent-steps").value = surface.steps;
    $("formula").textContent = `f(x, y) = ${surface.formula}; stars mark the minima. ` +
      "Shading: log(f \u2212 f_min), darker is lower.";
    startPoint = null;
    await computePaths();
  } catch (error) {
    if (mine === descentRequests) showError(error.message);
  }
}

// Every checked optimiser's path from the start point, in one request; then play them.
async function computePaths() {
  if (!surface) return;
  const mine = ++descentRequests;
  const optimizers = {};
  for (const row of optimizerRows()) {
    if (!row.box.checked) continue;
    // Typed values go as typed (a number where the text is one): checking them is the server's job.
    const text = row.lr.value.trim();
    optimizers[row.name] = text !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
  }
  const stepsText = $("descent-steps").value.trim();
  const steps = Number.isInteger(Number(stepsText)) && stepsText !== "" ? Number(stepsText) : stepsText;
  if (Object.keys(optimizers).length === 0) {
    descent = null;
    animating++;  // a path still being played stops
    for (const row of optimizerRows()) row.result.textContent = "";
    $("descent-step").textContent = "";
    drawDescent();
    showError("");
    return;
  }
  try {
    const answer = await api("/api/descent/paths", {surface: surface.surface, start: startPoint || surface.start,
                                                    steps, optimizers});
    if (mine !== descentRequests) return;
    descent = answer;
    showError("");
    play();
  } catch (error) {
    if (mine === descentRequests) showError(error.message);
  }
}

function gapText(gap) {
  if (gap === null) return "beyond float64";
  return gap < 1e-3 || gap >= 1e4 ? gap.toExponential(2) : gap.toFixed(4);
}

// The picture after `frame` steps: shading, minima, start, each path so far and where it is now.
function drawDescent() {
  if (!surface) return;
  const context = landscape.getContext("2d");
  context.clearRect(0, 0, landscape.width, landscape.height);
  if (shading) context.drawImage(shading, 0, 0);
  const start = toCanvas(descent ? descent.start : startPoint || surface.start);
  context.beginPath();
  context.arc(start[0], start[1], 5, 0, 2 * Math.PI);
  context.fillStyle = "black";
  context.fill();
  if (!descent) { drawMinima(context); return; }
  const byName = {};
  for (const row of optimizerRows()) byName[row.name] = row;
  descent.paths.forEach((path) => {
    const k = descentChoices.optimizers.findIndex((o) => o.name === path.name);
    const colour = colours[k % colours.length];
    const last = Math.min(frame, path.points.length - 1);
    const points = path.points.slice(0, last + 1).map(toCanvas);
    // A white casing under each line keeps it visible on the dark valleys.
    for (const [style, width] of [["white", 3.5], [colour, 1.8]]) {
      context.beginPath();
      points.forEach(([px, py], i) => (i === 0 ? context.moveTo(px, py) : context.lineTo(px, py)));
      context.strokeStyle = style;
      context.lineWidth = width;
      context.stroke();
    }
    const [px, py] = points[points.length - 1];
    context.beginPath();
    context.arc(px, py, 4, 0, 2 * Math.PI);
    context.fillStyle = colour;
    context.fill();
    context.strokeStyle = "white";
    context.lineWidth = 1.5;
    context.stroke();
    const row = byName[path.name];
    if (!row) return;
    const done = last === path.points.length - 1 && frame >= descent.steps;
    const stopped = path.diverged && last === path.points.length - 1;
    row.result.textContent = `${done || stopped ? "end" : `step ${last}`}: ${gapText(path.gaps[last])}` +
      (stopped ? " (diverged)" : "");
  });
  drawMinima(context);
  for (const row of optimizerRows()) {
    if (!descent.paths.some((p) => p.name === row.name)) row.result.textContent = "";
  }
  $("descent-step").textContent = `step ${Math.min(frame, descent.steps)} of ${descent.steps}`;
}

function drawMinima(context) {
  for (const minimum of surface.minima) {
    const [px, py] = toCanvas(minimum);
    context.font = "20px sans-serif";
    context.fillStyle = "#ffc000";
    context.strokeStyle = "black";
    context.lineWidth = 1;
    context.textAlign = "center";
    context.textBaseline = "middle";
    context.fillText("\u2605", px, py);
    context.strokeText("\u2605", px, py);
  }
}

// About three seconds from the start to the last step, whatever the number of steps.
function play() {
  const mine = ++animating;
  frame = 0;
  const per = Math.max(1, Math.ceil(descent.steps / 180));
  $("play").textContent = "Replay";
  const tick = () => {
    if (mine !== animating || !descent) return;
    drawDescent();
    if (frame >= descent.steps) return;
    frame = Math.min(descent.steps, frame + per);
    requestAnimationFrame(tick);
  };
  tick();
}

landscape.addEventListener("click", (event) => {
  if (!surface) return;
  const box = landscape.getBoundingClientRect();
  const px = (event.clientX - box.left) * landscape.width / box.width;
  const py = (event.clientY - box.top) * landscape.height / box.height;
  startPoint = fromCanvas(px, py).map((v) => Math.round(v * 1000) / 1000);
  computePaths();
});
$("play").addEventListener("click", () => { if (descent) play(); else computePaths(); });
$("default-start").addEventListener("click", () => { startPoint = null; computePaths(); });
$("surface").addEventListener("change", loadSurface);
$("descent-steps").addEventListener("change", computePaths);

function startDescent(choices) {
  descentChoices = choices;
  fillSelect($("surface"), choices.surfaces);
  $("surface").value = choices.surfaces[0];
  buildOptimizerList();
  return loadSurface();
}

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
    await Promise.all([newSession(), startDescent(info.descent)]);
  } catch (error) {
    showError(`cannot reach the lab's server: ${error.message}`);
  }
}
start();
