// A loss chart that says what it shows: epochs along x, the loss on a log scale along y (one tick
// per power of ten, with 2 and 5 between them when the range is narrow), a legend, and the axes named.
// Used by the playground and by the digit tab's training; the numbers are the server's.

import {formatNumber} from "./dom.js";

const MARGIN = {left: 46, right: 10, top: 22, bottom: 30};

// "Nice" ticks for 0..last epochs: about five, at 1, 2 or 5 times a power of ten.
function epochTicks(first, last) {
  const span = Math.max(1, last - first), raw = span / 5, power = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw));   // whole epochs
  const ticks = [];
  for (let t = Math.ceil(first / step) * step; t <= last; t += step) ticks.push(t);
  return ticks;
}

// Ticks of a log axis from 10^low to 10^high (low, high: log10 of the range's ends).
function lossTicks(low, high) {
  const ticks = [];
  const multiples = high - low < 1.5 ? [1, 2, 5] : [1];
  for (let p = Math.floor(low); p <= Math.ceil(high); p++) {
    for (const m of multiples) {
      const value = m * 10 ** p, at = Math.log10(value);
      if (at >= low - 1e-9 && at <= high + 1e-9) ticks.push(value);
    }
  }
  return ticks;
}

// series: [{label, colour, values, dash}], values[i] the loss after epoch first + i (null: none).
export function drawLossChart(canvas, series, first = 0) {
  const context = canvas.getContext("2d"), w = canvas.width, h = canvas.height;
  context.clearRect(0, 0, w, h);
  const logs = series.map((s) => s.values.map((v) => (v !== null && v > 0 ? Math.log10(v) : null)));
  const known = logs.flat().filter((v) => v !== null);
  context.font = "11px sans-serif";
  context.fillStyle = "#555";
  if (known.length === 0) {
    context.fillText("the loss appears here as the network trains", MARGIN.left, h / 2);
    return;
  }
  // Not Math.max(...known): a long run has more epochs than a call may have arguments.
  let high = known.reduce((a, b) => Math.max(a, b)), low = known.reduce((a, b) => Math.min(a, b));
  if (high - low < 0.3) { high += 0.15; low -= 0.15; }
  const last = first + Math.max(1, ...series.map((s) => s.values.length - 1));
  const x = (epoch) => MARGIN.left + (w - MARGIN.left - MARGIN.right) * (epoch - first) / (last - first);
  const y = (log) => MARGIN.top + (h - MARGIN.top - MARGIN.bottom) * (high - log) / (high - low);
  drawGrid(context, x, y, epochTicks(first, last), lossTicks(low, high), w, h);
  series.forEach((s, k) => {
    context.strokeStyle = s.colour;
    context.lineWidth = 1.8;
    context.setLineDash(s.dash ? [5, 3] : []);
    context.beginPath();
    let open = false;
    logs[k].forEach((v, i) => {
      if (v === null) { open = false; return; }
      if (open) context.lineTo(x(first + i), y(v)); else context.moveTo(x(first + i), y(v));
      open = true;
    });
    context.stroke();
  });
  context.setLineDash([]);
  drawLegend(context, series, w);
}

function drawGrid(context, x, y, xTicks, yTicks, w, h) {
  const bottom = h - MARGIN.bottom;
  context.strokeStyle = "#e3e3e3";
  context.lineWidth = 1;
  context.fillStyle = "#555";
  context.textAlign = "right";
  context.textBaseline = "middle";
  for (const value of yTicks) {
    const py = y(Math.log10(value));
    context.beginPath(); context.moveTo(MARGIN.left, py); context.lineTo(w - MARGIN.right, py); context.stroke();
    context.fillText(formatNumber(value, 2), MARGIN.left - 4, py);
  }
  context.textAlign = "center";
  context.textBaseline = "top";
  for (const epoch of xTicks) context.fillText(String(epoch), x(epoch), bottom + 4);
  context.strokeStyle = "#888";
  context.beginPath();
  context.moveTo(MARGIN.left, MARGIN.top); context.lineTo(MARGIN.left, bottom); context.lineTo(w - MARGIN.right, bottom);
  context.stroke();
  context.textAlign = "right";
  context.fillText("epoch", w - MARGIN.right, bottom + 16);
  context.textAlign = "left";
  context.fillText("loss (log scale)", 2, 4);
}

function drawLegend(context, series, w) {
  let at = w - MARGIN.right;
  context.textBaseline = "top";
  context.textAlign = "right";
  for (const s of [...series].reverse()) {
    context.fillStyle = "#333";
    context.fillText(s.label, at, 4);
    at -= context.measureText(s.label).width + 4;
    context.strokeStyle = s.colour;
    context.lineWidth = 1.8;
    context.setLineDash(s.dash ? [5, 3] : []);
    context.beginPath(); context.moveTo(at - 16, 10); context.lineTo(at, 10); context.stroke();
    context.setLineDash([]);
    at -= 26;
  }
}
