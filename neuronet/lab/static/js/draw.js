// Drawing helpers shared by the tabs: colours, cell pictures and small plots on a canvas.

import {element} from "./dom.js";

// The class colours; replaced by the server's palette (neuronet.viz.CLASS_COLOURS) at start.
export let colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"];
export function setColours(list) { colours = list; }

export function hexToRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

// Paint a (rows x cols) grid of RGB triples onto a canvas, each value one cell. `smooth` blends
// neighbouring cells (decision regions); without it cells stay crisp squares (pixels, units).
export function paintCells(canvas, rows, cols, colourAt, smooth) {
  const small = element("canvas");
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

// A frame mapping data coordinates (box = [x0, x1, y0, y1]) to a canvas with a margin; y grows up.
export function frame(canvas, box, margin = 28) {
  const [x0, x1, y0, y1] = box, w = canvas.width, h = canvas.height;
  return {
    margin, box,
    x: (x) => margin + (x - x0) / (x1 - x0) * (w - 1.5 * margin),
    y: (y) => h - margin - (y - y0) / (y1 - y0) * (h - 1.5 * margin),
    // Canvas pixels back to data: what a click means.
    fromPixels: (px, py) => [x0 + (px - margin) / (w - 1.5 * margin) * (x1 - x0),
                             y0 + (h - margin - py) / (h - 1.5 * margin) * (y1 - y0)],
  };
}

// Axes through zero (or along the frame's edge when zero is outside), with the box's limits written.
export function drawAxes(context, f, labels = {}) {
  const [x0, x1, y0, y1] = f.box;
  context.strokeStyle = "#999";
  context.lineWidth = 1;
  const ax = Math.min(Math.max(0, x0), x1), ay = Math.min(Math.max(0, y0), y1);
  context.beginPath();
  context.moveTo(f.x(x0), f.y(ay)); context.lineTo(f.x(x1), f.y(ay));
  context.moveTo(f.x(ax), f.y(y0)); context.lineTo(f.x(ax), f.y(y1));
  context.stroke();
  context.fillStyle = "#555";
  context.font = "11px sans-serif";
  context.textAlign = "center";
  context.textBaseline = "top";
  // A limit's label next to where the axes cross would be written over the other axis: left out.
  const clear = (a, b) => Math.abs(a - b) > 14;
  if (clear(f.x(x0), f.x(ax))) context.fillText(String(x0), f.x(x0), f.y(ay) + 3);
  if (clear(f.x(x1), f.x(ax))) context.fillText(String(x1), f.x(x1), f.y(ay) + 3);
  context.textAlign = "right";
  context.textBaseline = "middle";
  if (clear(f.y(y0), f.y(ay))) context.fillText(String(y0), f.x(ax) - 3, f.y(y0));
  if (clear(f.y(y1), f.y(ay))) context.fillText(String(y1), f.x(ax) - 3, f.y(y1));
  if (labels.x) { context.textAlign = "right"; context.textBaseline = "bottom"; context.fillText(labels.x, f.x(x1), f.y(ay) - 3); }
  if (labels.y) { context.textAlign = "left"; context.textBaseline = "top"; context.fillText(labels.y, f.x(ax) + 4, f.y(y1)); }
}

// A polyline through (xs[i], ys[i]); null values break the line.
export function drawLine(context, f, xs, ys, colour, width = 2) {
  context.strokeStyle = colour;
  context.lineWidth = width;
  context.beginPath();
  let open = false;
  xs.forEach((x, i) => {
    const y = ys[i];
    if (y === null) { open = false; return; }
    const px = f.x(x), py = f.y(Math.max(f.box[2], Math.min(f.box[3], y)));
    if (open) context.lineTo(px, py); else context.moveTo(px, py);
    open = true;
  });
  context.stroke();
}

export function drawDot(context, px, py, radius, fill, stroke = "white") {
  context.beginPath();
  context.arc(px, py, radius, 0, 2 * Math.PI);
  context.fillStyle = fill;
  context.fill();
  if (stroke) { context.strokeStyle = stroke; context.lineWidth = 1.5; context.stroke(); }
}
