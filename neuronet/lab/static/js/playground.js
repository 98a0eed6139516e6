// Playground: train a small network on points in the plane, a few epochs at a time, and see
// everything it computes. The server trains with neuronet's own fit and sends the numbers
// (neuronet/lab/playground.py); this module draws the output over the plane with the points, every
// unit and weight (network.js), the training and test loss (chart.js), keeps the whole setting in
// the address (share.js), and hands out the trained network as a model file and as Python code.

import {api, showError} from "./api.js";
import {drawLossChart} from "./chart.js";
import {$, element, fillSelect, formatNumber} from "./dom.js";
import {colours, hexToRgb, paintCells} from "./draw.js";
import {buildNetwork, diverging, drawNetwork} from "./network.js";
import {linkTo, readLink, showInAddress} from "./share.js";

const form = $("settings");
const field = (name) => form.elements.namedItem(name);  // not form[name]: form.hidden is an attribute
let session = null, losses = [], testLosses = [], running = false;
let resets = 0, loops = 0;  // which reset and which run loop are the latest; older ones give way
let choices = null, upload = {key: "", name: ""};

// Read the form as the server's settings. Checking them is the server's job: odd values are
// passed on as typed, and its one-line error is shown.
function settings() {
  const number = (name) => (field(name).value.trim() === "" ? field(name).value : Number(field(name).value));
  const hidden = field("hidden").value.split(",").map((s) => s.trim()).filter((s) => s !== "")
    .map((s) => (Number.isInteger(Number(s)) ? Number(s) : s));
  const features = [...form.querySelectorAll("input[name=features]:checked")].map((box) => box.value);
  const chosen = {dataset: field("dataset").value, features, hidden};
  for (const name of ["n_classes", "n_samples", "noise", "test_fraction", "seed", "dropout", "lr", "l2", "batch_size"]) {
    chosen[name] = number(name);
  }
  for (const name of ["activation", "optimizer"]) chosen[name] = field(name).value;
  if (chosen.dataset === "csv") chosen.upload = upload.key;
  return chosen;
}

// A setting from a link (text, as the address holds it) into the form.
function fill(values) {
  for (const [name, value] of Object.entries(values)) {
    if (name === "features") {
      const wanted = value.split(",");
      for (const box of form.querySelectorAll("input[name=features]")) box.checked = wanted.includes(box.value);
    } else if (name === "upload") {
      upload = {key: value, name: upload.name || "an uploaded CSV"};
    } else if (field(name)) {
      if (name === "dataset" && value === "csv") addUploadOption(upload.name || "an uploaded CSV");
      field(name).value = value;
    }
  }
  syncFields();
}

// Classes only mean something for circles, spiral and blobs; points and noise not for a CSV.
function syncFields() {
  const dataset = field("dataset").value;
  field("n_classes").disabled = !["circles", "spiral", "blobs"].includes(dataset);
  field("n_samples").disabled = field("noise").disabled = dataset === "csv";
}

function link() {
  return linkTo(settings(), {speed: $("speed").value, lesson: $("lesson").checked});
}

function showLink() {
  $("share-link").value = link();
  if (!$("playground").hidden) showInAddress($("share-link").value);
}

// A new session from the form's settings. Only the latest request's answer is used: a change
// made while an earlier one is on its way must not be overwritten by that one's late answer.
async function newSession() {
  const mine = ++resets;
  showLink();
  try {
    const result = await api("/api/playground", settings());
    if (mine !== resets) return;
    session = result;
    losses = [result.loss];  // epoch 0: the untrained network (null if not finite)
    testLosses = [result.test_loss];
    buildNetwork(result.data);
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
  testLosses.push(...result.test_losses);
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
  paintOutput(state, data);
  drawPoints(data);
  drawNetwork(state);
  const accuracy = (a) => (a === null ? "" : ` \u00b7 accuracy ${(100 * a).toFixed(1)}%`);
  let text = `epoch ${state.epoch}   train loss ${formatNumber(state.loss)}${accuracy(state.accuracy)}`;
  if (state.test_loss !== null) text += `   test loss ${formatNumber(state.test_loss)}${accuracy(state.test_accuracy)}`;
  $("stats").textContent = text;
  const series = [{label: "train", colour: "#1f77b4", values: losses}];
  if (state.test_loss !== null) series.push({label: "test", colour: "#d9822b", values: testLosses, dash: true});
  drawLossChart($("curve"), series);
}

// The network's answer in every cell: its class's colour, faded towards white where it is unsure;
// for a number, blue above zero and red below, on the scale of the targets.
function paintOutput(state, data) {
  const canvas = $("regions");
  if (data.regression) {
    const scale = Math.max(1e-9, ...data.y.map(Math.abs));
    paintCells(canvas, data.grid, data.grid, (i) => diverging(state.values[i] === null ? 0 : state.values[i] / scale), true);
    return;
  }
  const chance = 1 / data.n_classes;
  paintCells(canvas, data.grid, data.grid, (i) => {
    const [r, g, b] = hexToRgb(colours[state.classes[i] % colours.length]);
    const t = state.confidence[i] === null ? 0 : 0.6 * Math.max(0, (state.confidence[i] - chance) / (1 - chance));
    return [255 + (r - 255) * t, 255 + (g - 255) * t, 255 + (b - 255) * t];
  }, true);
}

// Training points as dots, test points as rings, in their class's colour (or their target's).
function drawPoints(data) {
  const canvas = $("regions"), context = canvas.getContext("2d");
  const [x0, x1, y0, y1] = data.bounds;
  const scale = data.regression ? Math.max(1e-9, ...data.y.map(Math.abs)) : 1;
  data.x.forEach(([x, y], k) => {
    const colour = data.regression ? `rgb(${diverging(data.y[k] / scale).join(",")})` : colours[data.y[k] % colours.length];
    context.beginPath();
    context.arc((x - x0) / (x1 - x0) * canvas.width, (y1 - y) / (y1 - y0) * canvas.height, 3.2, 0, 2 * Math.PI);
    if (data.test[k]) {
      context.fillStyle = "white";
      context.fill();
      context.lineWidth = 2;
      context.strokeStyle = colour;
    } else {
      context.fillStyle = colour;
      context.fill();
      context.lineWidth = 1;
      context.strokeStyle = data.regression ? "#555" : "white";
    }
    context.stroke();
  });
}

// --- your own points, and the network to take away ---------------------------------------------
function addUploadOption(name) {
  const select = field("dataset");
  let option = [...select.options].find((o) => o.value === "csv");
  if (!option) {
    option = element("option");
    option.value = "csv";
    select.append(option);
  }
  option.textContent = `your CSV: ${name}`;
}

function base64(buffer) {
  let text = "";
  const bytes = new Uint8Array(buffer);
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

async function uploadCsv() {
  const file = $("csv-file").files[0];
  if (!file) return;
  try {
    const answer = await api("/api/playground/upload", {name: file.name, data: base64(await file.arrayBuffer())});
    upload = {key: answer.upload, name: answer.name};
    addUploadOption(`${answer.name} (${answer.points} points, ${answer.classes.length} classes)`);
    field("dataset").value = "csv";
    syncFields();
    await reset();
  } catch (error) {
    showError(error.message);
  } finally {
    $("csv-file").value = "";  // the same file chosen again is a change again
  }
}

// A file from the server, saved by the browser; the server's one-line error if it refuses.
async function download(what, name) {
  if (!session) return;
  try {
    const response = await fetch(`/api/playground/${session.id}/${what}`);
    if (!response.ok) {
      let data = {};
      try { data = await response.json(); } catch (e) { /* not JSON: say the status */ }
      throw new Error(data.error || `HTTP ${response.status}`);
    }
    const url = URL.createObjectURL(await response.blob());
    const anchor = element("a");
    anchor.href = url;
    anchor.download = name;
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (error) {
    showError(error.message);
  }
}

async function copyLink() {
  showLink();
  const text = $("share-link").value;
  $("share-link").select();
  try {
    await navigator.clipboard.writeText(text);
    $("copy-link").textContent = "Copied";
  } catch (error) {
    $("copy-link").textContent = "Select and copy";  // no clipboard here: the link is selected
  }
  setTimeout(() => { $("copy-link").textContent = "Copy link"; }, 1500);
}

function lessonMode(on) {
  form.hidden = on;
  $("lesson-note").hidden = !on;
}

$("run").addEventListener("click", () => {
  setRunning(!running);
  if (running) runLoop();
});
$("step").addEventListener("click", () => { setRunning(false); step().catch((e) => showError(e.message)); });
$("reset").addEventListener("click", reset);
form.addEventListener("change", (event) => {
  if (event.target.id === "csv-file") return;   // an upload starts its own session
  syncFields();
  reset();   // new settings, new network
});
form.addEventListener("submit", (event) => event.preventDefault());
$("csv-file").addEventListener("change", uploadCsv);
$("speed").addEventListener("change", showLink);
$("lesson").addEventListener("change", showLink);
$("copy-link").addEventListener("click", copyLink);
$("download-model").addEventListener("click", () => download("model", "playground.npz"));
$("download-code").addEventListener("click", () => download("code", "playground.py"));
$("show-controls").addEventListener("click", () => lessonMode(false));
document.querySelector("button[data-tab=playground]").addEventListener("click", showLink);

function featureBoxes(features, chosen) {
  const set = $("features");
  set.querySelectorAll("label").forEach((e) => e.remove());
  for (const [name, label] of Object.entries(features)) {
    const box = element("input");
    box.type = "checkbox";
    box.name = "features";
    box.value = name;
    box.checked = chosen.includes(name);
    const wrap = element("label", "feature");
    wrap.append(box, ` ${label}`);
    set.append(wrap);
  }
}

// At start: the choices and defaults the server offers, then the address's own setting (a shared
// link), then a first, untrained network.
export function startPlayground(offered) {
  choices = offered;
  const labels = {plane: "plane (regression)", bumps: "bumps (regression)"};
  fillSelect(field("dataset"), [...choices.datasets, ...choices.regression], labels);
  fillSelect(field("activation"), choices.activations);
  fillSelect(field("optimizer"), choices.optimizers);
  const d = choices.defaults;
  for (const name of ["dataset", "noise", "n_classes", "n_samples", "test_fraction", "seed", "activation", "dropout",
                      "optimizer", "lr", "l2", "batch_size"]) field(name).value = d[name];
  field("hidden").value = d.hidden.join(",");
  featureBoxes(choices.features, d.features);
  const shared = readLink();
  fill(shared.settings);
  if (shared.speed && [...$("speed").options].some((o) => o.value === shared.speed)) $("speed").value = shared.speed;
  $("lesson").checked = shared.lesson;
  lessonMode(shared.lesson);
  syncFields();
  return newSession();
}
