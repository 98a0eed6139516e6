// Optimisers: paths down a 2-D surface. The server computes the shading and every path with
// neuronet's own optimisers (neuronet/lab/descent.py); this module only draws them, step by step.

import {api, showError} from "./api.js";
import {$, element, fillSelect} from "./dom.js";
import {colours, paintCells} from "./draw.js";

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

// At start: the surfaces and optimisers the server offers, then the first surface's paths.
export function startDescent(choices) {
  descentChoices = choices;
  fillSelect($("surface"), choices.surfaces);
  $("surface").value = choices.surfaces[0];
  buildOptimizerList();
  return loadSurface();
}
