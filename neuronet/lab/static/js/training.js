// The digit tab's training: pick a picture set this machine has and a small network, press Train,
// and watch the loss fall and the first layer's weights form; Stop ends it after the epoch it is in.
// The server runs neuronet's own fit in a background job (neuronet/lab/jobs.py) and this module
// polls it. When the run ends, the digit pad draws on the network it trained.

import {api} from "./api.js";
import {drawLossChart} from "./chart.js";
import {$, element, fillSelect, formatNumber} from "./dom.js";
import {paintCells} from "./draw.js";
import {startDigit} from "./digit.js";
import {diverging} from "./network.js";

const form = $("train-settings");
// The fields are named job_*, so that no selector of the playground's form (name=hidden) finds them.
const field = (name) => form.elements.namedItem(`job_${name}`);
let job = null, polls = 0, sets = [];

// One line under the buttons: red for what went wrong, green for what went right.
function status(message, ok = false) {
  $("train-status").textContent = message || "";
  $("train-status").classList.toggle("ok", ok);
}

// The form as the server's job settings; odd values go as typed, for the server to refuse in a line.
function settings() {
  const number = (name) => (field(name).value.trim() === "" ? field(name).value : Number(field(name).value));
  const hidden = field("hidden").value.split(",").map((s) => s.trim()).filter((s) => s !== "")
    .map((s) => (Number.isInteger(Number(s)) ? Number(s) : s));
  return {dataset: field("dataset").value, hidden, activation: field("activation").value,
          optimizer: field("optimizer").value, lr: number("lr"), epochs: number("epochs"),
          examples: number("examples"), batch_size: number("batch_size")};
}

function running(on) {
  $("train").disabled = on;
  $("stop").disabled = !on;
  form.querySelectorAll("input, select").forEach((e) => { e.disabled = on; });
}

async function train() {
  status("");
  try {
    job = await api("/api/digit/jobs", settings());
  } catch (error) {
    status(error.message);
    return;
  }
  running(true);
  show(job);
  poll(++polls);
}

// Ask where the job stands about three times a second until it ends; then use what it trained.
async function poll(mine) {
  while (mine === polls && job) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    let report;
    try {
      report = await api(`/api/digit/jobs/${job.id}`);
    } catch (error) {
      status(error.message);
      running(false);
      return;
    }
    if (mine !== polls) return;
    job = report;
    show(report);
    if (!["loading", "running"].includes(report.status)) {
      running(false);
      await finished(report);
      return;
    }
  }
}

async function finished(report) {
  if (report.status === "failed") {
    status(`training failed: ${report.error}`);
    return;
  }
  try {
    const answer = await api("/api/digit/model", {job: report.id});
    startDigit(answer.model);
    $("original-model").hidden = false;
    status(report.status === "stopped" ? `Stopped (${report.reason}); the pad now uses this network.`
                                       : "Done: the pad now uses this network.", true);
  } catch (error) {
    status(error.message);
  }
}

function show(report) {
  const h = report.history, epochs = h.loss.length;
  let text = `${report.status} \u00b7 epoch ${Math.min(report.epoch + (report.batches ? 1 : 0), report.epochs)} of ${report.epochs}`;
  if (report.status === "running" && report.batches) text += ` (batch ${report.batch} of ${report.batches})`;
  if (epochs) {
    text += ` \u00b7 train accuracy ${(100 * h.accuracy[epochs - 1]).toFixed(1)}%` +
            ` \u00b7 test accuracy ${(100 * h.val_accuracy[epochs - 1]).toFixed(1)}%`;
  }
  $("train-stats").textContent = `${text} \u00b7 ${report.seconds} s`;
  drawLossChart($("train-curve"), [{label: "train", colour: "#1f77b4", values: h.loss},
                                   {label: "test", colour: "#d9822b", values: h.val_loss, dash: true}], 1);
  if (report.weights) showWeights(report.weights);
}

// One small picture per unit of the first layer: the weight of each pixel, blue for positive, red
// for negative, each unit on its own scale (its largest |w|), so that what it looks for shows even
// while its weights are still small.
function showWeights(weights) {
  const box = $("first-weights"), side = weights.side;
  const cell = Math.max(1, Math.round(40 / side));
  while (box.children.length > weights.values.length) box.lastChild.remove();
  while (box.children.length < weights.values.length) box.append(element("canvas"));
  weights.values.forEach((values, u) => {
    const canvas = box.children[u];
    const scale = values.reduce((most, v) => (v === null ? most : Math.max(most, Math.abs(v))), 1e-9);
    canvas.width = canvas.height = side * cell;
    canvas.title = `unit ${u + 1}: largest |w| ${formatNumber(scale, 3)}`;
    paintCells(canvas, side, side, (i) => diverging(values[i] === null ? 0 : values[i] / scale), false);
  });
  const shown = weights.values.length < weights.units ? `the first ${weights.values.length} of ${weights.units} units` :
    `${weights.units} units`;
  $("weights-title").textContent = `The first layer's weights (${shown}, each on its own scale)`;
}

async function stop() {
  if (!job) return;
  try {
    job = await api(`/api/digit/jobs/${job.id}/stop`, {});
    status("Stopping after this epoch\u2026", true);
  } catch (error) {
    status(error.message);
  }
}

async function original() {
  try {
    const answer = await api("/api/digit/model", {job: null});
    startDigit(answer.model);
    $("original-model").hidden = true;
    status("The pad uses the model the lab started with.", true);
  } catch (error) {
    status(error.message);
  }
}

$("train").addEventListener("click", train);
$("stop").addEventListener("click", stop);
$("original-model").addEventListener("click", original);

// At start: the picture sets the machine has (neuronet.datasets' own discovery), the choices and
// the defaults; without any set the section says so.
export function startTraining(choices) {
  sets = choices.datasets;
  fillSelect(field("dataset"), sets.map((s) => s.name),
             Object.fromEntries(sets.map((s) => [s.name, `${s.name} (${s.side}\u00d7${s.side}, ${s.n_train})`])));
  fillSelect(field("activation"), choices.activations);
  fillSelect(field("optimizer"), choices.optimizers);
  const d = choices.defaults;
  if (sets.some((s) => s.name === d.dataset)) field("dataset").value = d.dataset;
  for (const name of ["activation", "optimizer", "lr", "epochs", "batch_size"]) field(name).value = d[name];
  field("hidden").value = d.hidden.join(",");
  const examples = () => {
    const set = sets.find((s) => s.name === field("dataset").value);
    field("examples").value = set ? Math.min(d.examples, set.n_train, choices.limits.examples) : d.examples;
  };
  field("dataset").addEventListener("change", examples);
  examples();
  if (sets.length === 0) {
    $("train").disabled = true;
    status("No picture set on this machine: install scikit-learn for the 8\u00d78 digits, or set NEURONET_DATA.");
  }
  drawLossChart($("train-curve"), []);
}
