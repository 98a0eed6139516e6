// Runs the lab's page script (neuronet/lab/static/lab.js) in node against a live lab server, with
// a minimal stand-in for the browser's DOM, and reports what the page showed as one JSON line.
// There is no browser on the test machines; this catches the script's runtime mistakes (a
// misnamed field, a bad draw call) that `node --check` cannot.
//
//   node lab_page_check.js BASE_URL DRAWING_DATA_URL_FILE
"use strict";

const fs = require("fs");
const path = require("path");

const [base, drawingFile] = process.argv.slice(2);
const drawing = fs.readFileSync(drawingFile, "utf8").trim();
const problems = [];
process.on("unhandledRejection", (error) => { problems.push(`unhandled: ${error.stack || error}`); });

// A 2-D context that accepts every call; only createImageData has to return something real.
function fakeContext() {
  return new Proxy({}, {
    get(target, name) {
      if (name in target) return target[name];
      if (name === "createImageData") return (w, h) => ({data: new Uint8ClampedArray(4 * w * h)});
      return () => {};
    },
    set(target, name, value) { target[name] = value; return true; },
  });
}

class FakeElement {
  constructor(tag, id) {
    Object.assign(this, {tag, id, children: [], listeners: {}, style: {}, dataset: {}, textContent: "",
                         hidden: false, className: "", width: 280, height: 280});
    this.classList = {toggle() {}};
    this.fields = {};
  }
  // As in a browser, a form field's value is always a string.
  get value() { return this._value || ""; }
  set value(v) { this._value = String(v); }
  append(...nodes) { this.children.push(...nodes); }
  replaceChildren(...nodes) { this.children = nodes; }
  addEventListener(name, listener) { (this.listeners[name] ||= []).push(listener); }
  fire(name, event = {}) { for (const listener of this.listeners[name] || []) listener(event); }
  getContext() { return (this.context ||= fakeContext()); }
  getBoundingClientRect() { return {left: 0, top: 0, width: this.width, height: this.height}; }
  setPointerCapture() {}
  toDataURL() { return drawing; }   // the fake canvas cannot paint: send a real drawing instead
  get elements() { return {namedItem: (name) => (this.fields[name] ||= new FakeElement("input"))}; }
}

const byId = {};
const tabs = [new FakeElement("button"), new FakeElement("button")];
tabs[0].dataset.tab = "digit";
tabs[1].dataset.tab = "playground";
global.document = {
  getElementById: (id) => (byId[id] ||= new FakeElement("div", id)),
  createElement: (tag) => new FakeElement(tag),
  querySelectorAll: (selector) => (selector === ".tab" ? tabs : [byId.digit, byId.playground]),
};
global.document.getElementById("digit");
global.document.getElementById("playground");
const realFetch = fetch;
// Counted on the way: drawings sent, how many training steps were ever on their way at once, and
// the optimisers tab's path requests (bodies sent, answers received).
const sent = {digit: 0, steps: 0, maxSteps: 0, paths: [], pathsDone: 0};
global.fetch = async (url, options) => {
  const isStep = url.endsWith("/step");
  if (url === "/api/digit") sent.digit++;
  if (url === "/api/descent/paths") sent.paths.push(options.body);
  if (isStep) sent.maxSteps = Math.max(sent.maxSteps, ++sent.steps);
  try { return await realFetch(base + url, options); } finally {
    if (isStep) sent.steps--;
    if (url === "/api/descent/paths") sent.pathsDone++;
  }
};
global.requestAnimationFrame = (callback) => setTimeout(callback, 0);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// Wait until `ready()` holds (or 10 s pass, and the report shows what was missing).
async function until(ready) {
  for (let waited = 0; waited < 10000 && !ready(); waited += 20) await sleep(20);
}
const $ = (id) => global.document.getElementById(id);
const field = (name) => $("settings").elements.namedItem(name);

async function main() {
  require(path.join(__dirname, "..", "neuronet", "lab", "static", "lab.js"));
  await until(() => $("stats").textContent || $("error").textContent);
  $("speed").value = 5;   // in the page, the select's default
  const report = {note: $("model-note").textContent, startError: $("error").textContent,
                  startStats: $("stats").textContent, options: field("dataset").children.length};

  // Draw a stroke: down, a move, up. The page sends the drawing and shows the answer.
  $("pad").fire("pointerdown", {clientX: 100, clientY: 60, pointerId: 1, isPrimary: true});
  $("pad").fire("pointermove", {clientX: 200, clientY: 60, pointerId: 1, isPrimary: true});
  $("pad").fire("pointerup", {pointerId: 1, isPrimary: true});
  await until(() => $("bars").children.length || $("error").textContent);
  await sleep(200);   // the stroke's last request may still be on its way
  report.digitError = $("error").textContent;
  report.bars = $("bars").children.length;
  report.layers = $("layers").children.length;
  // Each shown layer: its caption, and how many pictures it drew (one per channel of feature maps;
  // a Dense layer's single canvas has none inside it).
  report.layerTitles = $("layers").children.map((box) => (box.children[0] || {}).textContent);
  report.mapPictures = $("layers").children.map((box) => ((box.children[1] || {}).children || []).length);
  report.mapSizes = $("layers").children.map((box) =>
    ((box.children[1] || {}).children || []).map((canvas) => `${canvas.width}x${canvas.height}`)[0] || null);
  report.topBar = $("bars").children.findIndex((row) => row.className === "bar top");
  // A second finger on the pad is not a pen: it sends nothing.
  const before = sent.digit;
  $("pad").fire("pointerdown", {clientX: 50, clientY: 50, pointerId: 2, isPrimary: false});
  $("pad").fire("pointermove", {clientX: 60, clientY: 60, pointerId: 2, isPrimary: false});
  await sleep(100);
  report.secondFingerRequests = sent.digit - before;

  // Playground: run for a while, pause, then ask for something the server refuses.
  // Start, Pause and Start again at once, before the first step has returned: still one loop.
  $("run").fire("click");
  $("run").fire("click");
  $("run").fire("click");
  await sleep(600);
  $("run").fire("click");
  await sleep(200);
  report.maxStepsInFlight = sent.maxSteps;
  report.runStats = $("stats").textContent;
  report.runError = $("error").textContent;
  field("hidden").value = "8,999";
  $("settings").fire("change");
  await until(() => $("error").textContent);
  report.badSettingsError = $("error").textContent;

  // Optimisers: the default surface's paths were fetched at start and played to the end.
  const results = () => $("optimizer-list").children.map((row) => row.result.textContent);
  await until(() => results().some((text) => text.startsWith("end")));
  report.descentRows = $("optimizer-list").children.map((row) => row.name);
  report.descentChecked = $("optimizer-list").children.map((row) => row.box.checked);
  report.descentResults = results();
  report.descentStep = $("descent-step").textContent;
  // A click near the canvas's top left corner starts the paths there.
  $("error").textContent = "";
  const asked = sent.paths.length;
  $("landscape").fire("click", {clientX: 1, clientY: 1});
  await until(() => sent.pathsDone > asked);
  await sleep(300);
  await until(() => $("descent-step").textContent === "step 100 of 100");
  report.clickedStart = JSON.parse(sent.paths[sent.paths.length - 1]).start;
  report.clickedResults = results();
  // Another surface brings its own steps and rates; too many steps is the server's one line.
  $("surface").value = "rosenbrock";
  $("surface").fire("change");
  await until(() => $("descent-step").textContent === "step 500 of 500");
  report.rosenbrockSteps = $("descent-steps").value;
  report.rosenbrockRates = $("optimizer-list").children.map((row) => row.lr.value);
  $("descent-steps").value = "5000";
  $("descent-steps").fire("change");
  await until(() => $("error").textContent);
  report.descentError = $("error").textContent;
  report.problems = problems;
  console.log(JSON.stringify(report));
  process.exit(0);
}

main().catch((error) => { console.log(JSON.stringify({problems: [String(error.stack || error)]})); });
