// The page's one way to the server, and its one place to say that something went wrong.
// Every number the lab shows comes from the Python server (neuronet/lab/app.py lists the routes).

// GET (no body) or POST JSON. The server answers errors with {"error": "one line"}: thrown here.
export async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const response = await fetch(path, options);
  let data;
  try { data = await response.json(); } catch (e) { data = {}; }
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

// The page-wide message floats over the page (see .error in lab.css): showing or hiding it moves
// nothing, so a pen or a slider never jumps under the user's hand. A click dismisses it.
export function showError(message) {
  const box = document.getElementById("error");
  box.textContent = message || "";
  box.hidden = !message;
}

document.getElementById("error").addEventListener("click", () => showError(""));

// A task run at most once at a time: a call while it runs asks for one more run after it, however
// many calls came meanwhile. For sliders: every move asks, the server sees the latest value, and a
// slow answer never piles requests up. The task handles its own errors.
export function coalesce(task) {
  let running = false, again = false;
  return async function trigger() {
    if (running) { again = true; return; }
    running = true;
    try {
      do { again = false; await task(); } while (again);
    } finally {
      running = false;
    }
  };
}
