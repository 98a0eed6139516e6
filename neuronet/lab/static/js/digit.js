// Draw a digit: every stroke goes to the server, which prepares it like an MNIST digit and runs the
// model (neuronet/lab/digit.py); this module draws what comes back: the picture the network sees,
// every hidden layer, the class probabilities.

import {api} from "./api.js";
import {$, element} from "./dom.js";
import {paintCells} from "./draw.js";

const pad = $("pad");
const pen = pad.getContext("2d");
let drawing = false, last = null, hasInk = false, available = false;
let busy = false, pending = false, generation = 0;
const HINT = "Draw something: each layer lights up here.";

// Errors of this tab go in the line reserved under the pad: it never pushes the pad mid-stroke.
function status(message) {
  $("digit-status").textContent = message || "";
}

export function clearPad() {
  // An opaque black canvas with white ink is already MNIST's polarity; the server works it out anyway.
  pen.fillStyle = "black";
  pen.fillRect(0, 0, pad.width, pad.height);
  hasInk = false;
  generation++;  // answers still on their way belong to the old drawing: ignore them
  $("pad-hint").hidden = false;
  status("");
  $("seen").getContext("2d").clearRect(0, 0, $("seen").width, $("seen").height);
  $("bars").replaceChildren();
  $("layers").replaceChildren(element("p", "hint", HINT));
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
  $("pad-hint").hidden = true;
}

// Pointer events cover mouse, pen and touch alike. A second finger on a touch screen is not a second
// pen: only the primary pointer draws. The first touch only puts the pen down; the drawing goes to
// the server once the pen has moved (or is lifted), never as an empty or half-begun pad.
pad.addEventListener("pointerdown", (event) => {
  if (!event.isPrimary || !available) return;
  drawing = true;
  pad.setPointerCapture(event.pointerId);
  last = position(event);
  stroke(last, last);
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
    if (mine === generation) { showDigit(result); status(""); }
  } catch (error) {
    if (mine === generation) status(error.message);
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

// At start: which model the tab uses, or why it is off.
export function startDigit(model) {
  clearPad();
  available = model.available;
  $("model-note").textContent = model.available ? model.note : `The digit tab is off: ${model.error}`;
  $("summary").textContent = model.summary || "";
  pad.style.opacity = model.available ? 1 : 0.3;
  if (!model.available) $("pad-hint").textContent = "No digit model";
}
