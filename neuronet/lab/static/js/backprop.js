// Backpropagation, step by step: one example through a small network. Forward fills every node with
// its z and a, then the loss; Back goes down layer by layer with dL/da, dL/dz, dL/dW and dL/db, then
// the SGD update and gradcheck's verdict; Next takes the updated weights and starts again. The server
// runs neuronet's own Dense layers, loss, gradcheck and SGD (neuronet/lab/backprop.py).

import {api, showError} from "./api.js";
import {$, element, fillSelect, formatNumber, num, sub} from "./dom.js";

const form = $("bp-settings");
const field = (name) => form.elements.namedItem(name);
let choices = null, answer = null, stage = 0, iteration = 0, requests = 0;
const SVG = $("bp-net").namespaceURI;   // the namespace of the page's own <svg>, not typed out here

// What the form says, as typed: checking it is the server's job (one line back if it is wrong).
function settings() {
  const sizes = field("sizes").value.split(/[,\s]+/).filter((s) => s !== "")
    .map((s) => (Number.isInteger(Number(s)) ? Number(s) : s));
  const numbers = (box) => [...$(box).querySelectorAll("input")].map((e) => (e.value.trim() === "" ? e.value : Number(e.value)));
  const lr = Number(field("lr").value), seed = Number(field("seed").value);
  return {sizes, activation: field("activation").value, output: field("output").value,
          x: numbers("bp-x"), target: numbers("bp-target"),
          lr: field("lr").value.trim() !== "" && Number.isFinite(lr) ? lr : field("lr").value,
          seed: Number.isInteger(seed) ? seed : field("seed").value};
}

// Number fields for the example (x) and its target, as many as the sizes say.
function exampleFields(sizes) {
  const [nIn, nOut] = [sizes[0], sizes[sizes.length - 1]];
  const make = (box, n, values, letter) => {
    $(box).replaceChildren(...Array.from({length: n}, (_, i) => {
      const label = element("label", "", `${letter}${sub(i + 1)} `);
      const input = element("input");
      Object.assign(input, {type: "number", step: "any", value: String(values[i] ?? 0)});
      input.addEventListener("change", () => load(true));
      label.append(input);
      return label;
    }));
  };
  const d = choices.defaults;
  make("bp-x", nIn, d.x.length === nIn ? d.x : Array(nIn).fill(0.5), "x");
  make("bp-target", nOut, d.target.length === nOut ? d.target : [1, ...Array(nOut - 1).fill(0)], "y");
}

// A new answer: from the seed's weights, or (`keep`) from the weights shown now, or the updated ones.
async function load(keep = false, weights = null) {
  const mine = ++requests;
  const body = settings();
  if (weights) body.weights = weights;
  else if (keep && answer) body.weights = answer.layers.map((layer) => ({W: layer.W, b: layer.b}));
  try {
    const result = await api("/api/backprop", body);
    if (mine !== requests) return;
    answer = result;
    stage = 0;
    if (!weights) iteration = 0;
    showError("");
    render();
  } catch (error) {
    if (mine === requests) showError(error.message);
  }
}

// Stages: 0 the network; 1..L each layer's forward; L+1 the loss; L+2..2L+1 each layer's backward,
// from the top; 2L+2 the update and gradcheck.
const layersCount = () => answer.layers.length;
const forwardShown = (i) => stage >= i + 1;
const lossShown = () => stage >= layersCount() + 1;
const backwardShown = (i) => stage >= layersCount() + 2 + (layersCount() - 1 - i);
const updateShown = () => stage >= 2 * layersCount() + 2;

function render() {
  const L = layersCount();
  $("bp-forward").disabled = stage > L;
  $("bp-back").disabled = stage < L + 1 || updateShown();
  $("bp-next").disabled = !updateShown();
  const next = stage < L ? `forward through layer ${stage + 1}` : stage === L ? "the loss"
    : !updateShown() && stage < 2 * L + 1 ? `backward through layer ${2 * L + 1 - stage}` : stage === 2 * L + 1
      ? "the SGD update" : "the next step, with the new weights";
  $("bp-stage").textContent = `step ${iteration + 1}; next: ${next}`;
  drawNetwork();
  showLoss();
  $("bp-layers").replaceChildren(...answer.layers.map(layerCard));
  showGradcheck();
}

function showLoss() {
  const box = $("bp-loss");
  box.replaceChildren();
  if (!lossShown()) return;
  const label = choices.outputs.find((o) => o.name === answer.output).label;
  box.append(`loss (${label}): L = `, num(answer.loss, "loss"));
  if (answer.fused) box.append("; fused with the output activation, so dL/dz of the output layer is a \u2212 y");
  if (updateShown()) box.append(". After the update: L = ", num(answer.loss_after, "loss_after"));
}

// A layer's numbers in one table, so that the columns of W, dL/dW and the new W line up: a row per
// vector (its name, then its values) and per row of a matrix (the name on the first one).
function table() {
  const t = element("table", "layer-table");
  const add = (tr) => { t.append(tr); return t; };
  t.heading = (text, columns) => {
    const tr = element("tr"), th = element("th", "step", text);
    th.colSpan = columns + 1;
    tr.append(th);
    return add(tr);
  };
  t.vector = (label, list, key, digits) => {
    const tr = element("tr");
    tr.append(element("th", "", label));
    list.forEach((v, j) => { const td = element("td"); td.append(num(v, `${key}.${j}`, digits)); tr.append(td); });
    return add(tr);
  };
  t.matrix = (label, rows, key) => {
    rows.forEach((row, i) => t.vector(i === 0 ? label : "", row, `${key}.${i}`));
    return t;
  };
  return t;
}

function layerCard(layer, i) {
  const card = element("div", "bp-card");
  const k = `layers.${i}`, n = i + 1, nIn = layer.W.length, nOut = layer.b.length;
  const input = i ? `a${sub(i)}` : "x";
  card.append(element("h3", "", `Layer ${n}: ${nIn} \u2192 ${nOut}, ${layer.activation}`));
  const t = table().matrix(`W${sub(n)}`, layer.W, `${k}.W`).vector(`b${sub(n)}`, layer.b, `${k}.b`);
  if (forwardShown(i)) {
    t.heading(`forward: z = ${input} W${sub(n)} + b${sub(n)}, a = ${layer.activation}(z)`, nOut)
      .vector("z", layer.z, `${k}.z`).vector("a", layer.a, `${k}.a`);
  }
  if (backwardShown(i)) {
    const top = i === layersCount() - 1;
    t.heading(top ? "backward, from the loss" : `backward: dL/da = (dL/dz of layer ${n + 1}) W${sub(n + 1)}\u1d40`, nOut)
      .vector("dL/da", layer.dL_da, `${k}.dL_da`)
      .vector(top && answer.fused ? "dL/dz = a \u2212 y" : "dL/dz = dL/da \u2299 f\u2032(z)", layer.dL_dz, `${k}.dL_dz`)
      .matrix(`dL/dW = ${input}\u1d40 dL/dz`, layer.dL_dW, `${k}.dL_dW`)
      .vector("dL/db = dL/dz", layer.dL_db, `${k}.dL_db`);
  }
  if (updateShown()) {
    t.heading(`update: W \u2212 \u03b7 dL/dW, b \u2212 \u03b7 dL/db, \u03b7 = ${formatNumber(answer.lr)}`, nOut)
      .matrix(`new W${sub(n)}`, layer.new_W, `${k}.new_W`).vector(`new b${sub(n)}`, layer.new_b, `${k}.new_b`)
      .heading("gradcheck: the largest relative error found", nOut)
      .vector("in W, in b", [layer.gradcheck.W, layer.gradcheck.b], `${k}.gradcheck`, 2);
  }
  card.append(t);
  return card;
}

function showGradcheck() {
  const box = $("bp-check");
  box.replaceChildren();
  if (!updateShown()) return;
  const g = answer.gradcheck;
  box.className = g.ok ? "story good" : "story bad";
  box.append("gradcheck (central differences, float64): largest relative error ", num(g.max_error, "gradcheck.max_error", 2),
             ` against a tolerance of ${formatNumber(g.tolerance, 1)}: `,
             g.ok ? "backpropagation's gradients agree with the definition of the derivative."
               : "some gradients disagree with finite differences (a kink of the activation, e.g. ReLU at 0, can do this).");
}

function svg(tag, attributes, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) e.setAttribute(name, value);
  if (text !== undefined) e.textContent = text;
  return e;
}

function svgNum(value, key, x, y, className) {
  const t = svg("text", {x, y, class: `num ${className}`, "text-anchor": "middle"}, formatNumber(value));
  t.dataset.q = key;
  return t;
}

// The network: a column of nodes per layer, edges as thick as |w|, blue for w < 0, orange for w > 0;
// each node its a once the forward pass reached it, and its dL/dz (red) once the backward pass did.
function drawNetwork() {
  const box = $("bp-net"), sizes = answer.sizes, width = 640, height = 64 * Math.max(...sizes) + 40;
  box.setAttribute("viewBox", `0 0 ${width} ${height}`);
  box.replaceChildren();
  const x = (c) => 40 + c * (width - 170) / (sizes.length - 1);   // room on the right for the targets
  const y = (c, j) => height / 2 + (j - (sizes[c] - 1) / 2) * 64;
  const wMax = Math.max(1e-9, ...answer.layers.flatMap((l) => l.W.flat().map(Math.abs)));
  answer.layers.forEach((layer, i) => layer.W.forEach((row, j) => row.forEach((w, k) => box.append(svg("line", {
    x1: x(i), y1: y(i, j), x2: x(i + 1), y2: y(i + 1, k), stroke: w >= 0 ? "#d9822b" : "#1f77b4",
    "stroke-width": 0.5 + 3.5 * Math.abs(w) / wMax, "stroke-opacity": 0.7})))));
  sizes.forEach((n, c) => {
    for (let j = 0; j < n; j++) {
      box.append(svg("circle", {cx: x(c), cy: y(c, j), r: 22, class: "node"}));
      if (c === 0) box.append(svgNum(answer.x[j], `x.${j}`, x(c), y(c, j) + 4, "value"));
      else {
        const i = c - 1;
        if (forwardShown(i)) box.append(svgNum(answer.layers[i].a[j], `layers.${i}.a.${j}`, x(c), y(c, j) + 4, "value"));
        if (backwardShown(i)) box.append(svgNum(answer.layers[i].dL_dz[j], `layers.${i}.dL_dz.${j}`, x(c), y(c, j) + 34, "grad"));
      }
    }
  });
  const last = sizes.length - 1;
  answer.target.forEach((t, j) => {
    box.append(svg("text", {x: x(last) + 30, y: y(last, j) + 4, class: "label"}, `target y${sub(j + 1)} =`));
    box.append(svgNum(t, `target.${j}`, x(last) + 108, y(last, j) + 4, "value"));
  });
  box.append(svg("text", {x: x(0), y: 16, class: "label", "text-anchor": "middle"}, "x"));
}

$("bp-forward").addEventListener("click", () => { if (answer && stage <= layersCount()) { stage++; render(); } });
$("bp-back").addEventListener("click", () => {
  if (answer && stage >= layersCount() + 1 && !updateShown()) { stage++; render(); }
});
$("bp-next").addEventListener("click", () => {
  if (!answer || !updateShown()) return;
  iteration++;
  load(false, answer.layers.map((layer) => ({W: layer.new_W, b: layer.new_b})));
});
$("bp-reset").addEventListener("click", () => load());
field("sizes").addEventListener("change", () => {
  const sizes = settings().sizes;
  if (sizes.every((s) => Number.isInteger(s) && s > 0)) exampleFields(sizes);
  load();
});
for (const name of ["activation", "output", "seed"]) field(name).addEventListener("change", () => load());
field("lr").addEventListener("change", () => load(true));
form.addEventListener("submit", (event) => event.preventDefault());

export function startBackprop(offered) {
  choices = offered;
  fillSelect(field("activation"), choices.activations);
  fillSelect(field("output"), choices.outputs.map((o) => o.name),
             Object.fromEntries(choices.outputs.map((o) => [o.name, o.label])));
  const d = choices.defaults;
  field("sizes").value = d.sizes.join(", ");
  for (const name of ["activation", "output", "lr", "seed"]) field(name).value = d[name];
  exampleFields(d.sizes);
  return load();
}
