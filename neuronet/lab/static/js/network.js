// The playground's network, drawn as TensorFlow Playground users know it: one column per layer
// (the input features, each hidden layer, the outputs), every unit a small heatmap of what it
// computes over the plane, and every weight an edge whose colour is its sign and whose width is its
// size. Hovering a unit or an edge shows its numbers. Everything drawn is the server's: the unit
// maps are the network's own layer outputs on a grid, the weights its own (neuronet/lab/playground.py).

import {$, element, formatNumber} from "./dom.js";
import {colours, hexToRgb, paintCells} from "./draw.js";

// Blue for positive, red for negative, white for zero: neuronet.viz's weight colours.
const POSITIVE = [33, 102, 172], NEGATIVE = [178, 24, 43];
const box = $("network"), edges = $("edges"), tip = $("network-tip");
let layout = null;   // {columns, units: [[{x, y, size, element}]], weights}

export function diverging(t) {
  const c = t >= 0 ? POSITIVE : NEGATIVE, a = Math.min(1, Math.abs(t));
  return [255 + (c[0] - 255) * a, 255 + (c[1] - 255) * a, 255 + (c[2] - 255) * a];
}

function largest(values) {
  let most = 1e-9;
  for (const v of values) if (v !== null) most = Math.max(most, Math.abs(v));
  return most;
}

function columnName(column, k) {
  if (column.kind === "features") return "input";
  return column.kind === "output" ? "output" : `hidden ${k}`;
}

function unitName(column, k, unit, data) {
  if (column.kind === "features") return `feature ${column.labels[unit]}`;
  if (column.kind === "output") {
    return data.regression ? "the output" : `output ${unit} (class ${data.class_names[unit]})`;
  }
  return `hidden ${k} \u00b7 unit ${unit + 1}`;
}

// Where every unit goes: columns spread over the width (room on the left for the features' names
// and on top for the columns'), each column's units centred, as large as the tallest column allows
// (at most 34 pixels).
const LEFT = 34, TOP = 16;

export function buildNetwork(data) {
  const columns = data.columns, w = edges.width - LEFT, h = edges.height - TOP;
  const tallest = Math.max(...columns.map((c) => c.units));
  const size = Math.max(4, Math.min(34, Math.floor((h - 4) / tallest) - (tallest > 24 ? 1 : 4)));
  const gap = (w - size) / Math.max(1, columns.length - 1);
  box.querySelectorAll(".unit").forEach((e) => e.remove());
  const units = columns.map((column, c) => {
    const pitch = Math.min((h - 4) / column.units, size + 8), top = TOP + (h - pitch * column.units) / 2;
    return Array.from({length: column.units}, (_, u) => {
      const canvas = element("canvas", "unit");
      canvas.width = canvas.height = size;
      const x = LEFT + c * gap, y = top + u * pitch + (pitch - size) / 2;
      canvas.style.left = `${x}px`;
      canvas.style.top = `${y}px`;
      canvas.dataset.column = c;
      canvas.dataset.unit = u;
      canvas.addEventListener("mouseenter", () => showUnit(c, u));
      box.append(canvas);
      return {x, y, size, element: canvas};
    });
  });
  layout = {data, columns, units, weights: null, maps: null};
}

// Each column's name above it, and each feature's name beside its unit.
function drawLabels(context) {
  context.fillStyle = "#555";
  context.font = "11px sans-serif";
  context.textBaseline = "top";
  layout.columns.forEach((column, c) => {
    const first = layout.units[c][0];
    const name = column.kind === "hidden" ? `${columnName(column, c)} (${column.units})` : columnName(column, c);
    context.textAlign = c === 0 ? "left" : c === layout.columns.length - 1 ? "right" : "center";
    const x = c === 0 ? 0 : c === layout.columns.length - 1 ? first.x + first.size : first.x + first.size / 2;
    context.fillText(name, x, 0);
  });
  context.textAlign = "right";
  context.textBaseline = "middle";
  layout.units[0].forEach((unit, u) => context.fillText(layout.columns[0].labels[u], LEFT - 4, unit.y + unit.size / 2));
}

// One answer's unit maps and weights, drawn.
export function drawNetwork(state) {
  if (!layout) return;
  layout.weights = state.weights;
  layout.maps = state.units;
  const side = layout.data.unit_grid;
  state.units.forEach((maps, c) => {
    const column = layout.columns[c];
    // Hidden units share their column's scale, so that they can be compared; each feature and each
    // output has its own range (x² is not x; a probability is 0 to 1).
    const shared = column.kind === "hidden" ? largest(maps.flat()) : null;
    maps.forEach((values, u) => {
      const scale = shared || largest(values);
      const rgb = column.kind === "output" && !layout.data.regression ? hexToRgb(colours[u % colours.length]) : null;
      paintCells(layout.units[c][u].element, side, side, (i) => {
        const v = values[i];
        if (v === null) return [220, 220, 220];
        if (rgb) return rgb.map((channel) => 255 + (channel - 255) * Math.max(0, Math.min(1, v)));
        return diverging(v / scale);
      }, true);
    });
  });
  drawEdges();
}

function edgeEnds(c, i, j) {
  const a = layout.units[c][i], b = layout.units[c + 1][j];
  return [a.x + a.size, a.y + a.size / 2, b.x, b.y + b.size / 2];
}

function drawEdges() {
  const context = edges.getContext("2d");
  context.clearRect(0, 0, edges.width, edges.height);
  drawLabels(context);
  layout.weights.forEach((layer, c) => {
    const most = largest(layer.W.flat());
    layer.W.forEach((row, i) => row.forEach((w, j) => {
      if (w === null) return;
      const t = Math.abs(w) / most, [x0, y0, x1, y1] = edgeEnds(c, i, j);
      const [r, g, b] = w >= 0 ? POSITIVE : NEGATIVE;
      context.strokeStyle = `rgba(${r}, ${g}, ${b}, ${0.2 + 0.7 * t})`;
      context.lineWidth = 0.4 + 3.6 * t;
      context.beginPath();
      context.moveTo(x0, y0);
      context.bezierCurveTo((x0 + x1) / 2, y0, (x0 + x1) / 2, y1, x1, y1);
      context.stroke();
    }));
  });
}

function showUnit(c, u) {
  if (!layout || !layout.maps) return;
  const column = layout.columns[c], values = layout.maps[c][u].filter((v) => v !== null);
  const range = values.length ? `from ${formatNumber(Math.min(...values), 3)} to ${formatNumber(Math.max(...values), 3)}` : "\u2014";
  const hiddenIndex = c;
  let text = `${unitName(column, hiddenIndex, u, layout.data)}: over the plane ${range}`;
  if (column.kind !== "features") {
    const bias = layout.weights[c - 1].b[u];
    text += `; ${column.activation}(z), bias b = ${formatNumber(bias, 4)}`;
  }
  tip.textContent = text;
}

// The point (px, py) of the box nearest to a Bézier edge: sampled, which is plenty at these sizes.
function distanceToEdge(px, py, [x0, y0, x1, y1]) {
  let best = Infinity;
  for (let s = 0; s <= 24; s++) {
    const t = s / 24, u = 1 - t, mx = (x0 + x1) / 2;
    const x = u * u * u * x0 + 3 * u * u * t * mx + 3 * u * t * t * mx + t * t * t * x1;
    const y = u * u * u * y0 + 3 * u * u * t * y0 + 3 * u * t * t * y1 + t * t * t * y1;
    best = Math.min(best, Math.hypot(px - x, py - y));
  }
  return best;
}

// Where the pointer is over the edges (not over a unit): the nearest weight within 4 pixels.
box.addEventListener("mousemove", (event) => {
  if (!layout || !layout.weights || event.target !== edges) return;
  const r = edges.getBoundingClientRect();
  const px = (event.clientX - r.left) * edges.width / r.width, py = (event.clientY - r.top) * edges.height / r.height;
  let best = null;
  layout.weights.forEach((layer, c) => {
    const [left, right] = [layout.units[c][0].x, layout.units[c + 1][0].x];
    if (px < left || px > right + 2) return;
    layer.W.forEach((row, i) => row.forEach((w, j) => {
      const d = distanceToEdge(px, py, edgeEnds(c, i, j));
      if (d <= 4 && (!best || d < best.d)) best = {d, c, i, j, w};
    }));
  });
  if (!best) return;
  const from = unitName(layout.columns[best.c], best.c, best.i, layout.data);
  const to = unitName(layout.columns[best.c + 1], best.c + 1, best.j, layout.data);
  tip.textContent = `weight from ${from} to ${to}: w = ${formatNumber(best.w, 4)}`;
});

export function networkTitle(columns) {
  return columns.map((c, k) => `${columnName(c, k)} ${c.units}`).join(" \u2192 ");
}
