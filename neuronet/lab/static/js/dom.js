// Small helpers for building the page. Text from the server (class names come from model files)
// only ever goes in as textContent, never as HTML.

export const $ = (id) => document.getElementById(id);

export function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function fillSelect(select, options, labels = {}) {
  select.replaceChildren(...options.map((o) => {
    const e = element("option", "", labels[o] || o);
    e.value = o;
    return e;
  }));
}

// A number as the page shows it: `digits` significant digits, exponents only when it is tiny or huge,
// a minus sign rather than a hyphen, and "—" for null (what the server sends for a non-finite value).
export function formatNumber(value, digits = 4) {
  if (value === null || value === undefined) return "\u2014";
  if (value === 0) return "0";
  const size = Math.abs(value);
  const text = size < 1e-4 || size >= 1e6 ? value.toExponential(digits - 1) : String(Number(value.toPrecision(digits)));
  return text.replace("-", "\u2212");
}

// A number from the server as shown: its text, and `data-q`, the path of the value in the answer
// (e.g. "layers.0.dL_dW.1.2"), so that a test can hold every number on the page against the library.
export function num(value, key, digits = 4) {
  const span = element("span", "num", formatNumber(value, digits));
  span.dataset.q = key;
  return span;
}

// Subscript digits for names like x₁, w₂.
export const sub = (k) => String(k).replace(/\d/g, (d) => "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089"[d]);
