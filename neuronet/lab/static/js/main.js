// neuronet lab. This page only draws: every number on it comes from the Python server, which runs
// neuronet itself (neuronet/lab/app.py lists the JSON API). One module per tab, in the order of the
// story (a neuron, the perceptron rule, backpropagation, a digit, the playground, the optimisers),
// each with a start function that takes its part of /api/info; this one switches tabs and starts them.

import {api, showError} from "./api.js";
import {setColours} from "./draw.js";
import {startBackprop} from "./backprop.js";
import {startDescent} from "./descent.js";
import {startDigit} from "./digit.js";
import {startNeuron} from "./neuron.js";
import {startPlayground} from "./playground.js";
import {startRule} from "./rule.js";
import {startTraining} from "./training.js";

const tabs = [...document.querySelectorAll(".tab")];

// Show one tab's panel. The address's #name opens that tab (and a tab shown sets it), so a tab can
// be linked to and survives a reload.
function show(name) {
  const tab = tabs.find((t) => t.dataset.tab === name) || tabs[0];
  for (const t of tabs) t.classList.toggle("active", t === tab);
  for (const panel of document.querySelectorAll(".panel")) panel.hidden = panel.id !== tab.dataset.tab;
  showError("");
  return tab.dataset.tab;
}

for (const tab of tabs) {
  tab.addEventListener("click", () => { history.replaceState(null, "", `#${show(tab.dataset.tab)}`); });
}
window.addEventListener("hashchange", () => show(location.hash.slice(1)));

async function start() {
  show(location.hash.slice(1));
  try {
    const info = await api("/api/info");
    setColours(info.playground.colours);
    startDigit(info.model);
    startTraining(info.training);
    await Promise.all([startNeuron(info.neuron), startRule(info.rule), startBackprop(info.backprop),
                       startPlayground(info.playground), startDescent(info.descent)]);
  } catch (error) {
    showError(`cannot reach the lab's server: ${error.message}`);
  } finally {
    document.body.dataset.ready = "yes";  // for tests and screenshots: the first answers are drawn
  }
}
start();
