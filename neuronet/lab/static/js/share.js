// The playground's whole setting in the address, so that a link opens the same data, the same
// network and the same seed, and so the same first steps. The settings go in the query string
// (?dataset=spiral&hidden=8,8&seed=3...), the tab in the #fragment (main.js's), e.g.
//   /?dataset=xor&features=x,y,xy&hidden=4&seed=7#playground
// `controls=hidden` is a lesson's link: the settings are not shown (a button brings them back).

// The server's setting names that a link may carry, lists written with commas; and the page's own.
export const SETTINGS = ["dataset", "n_classes", "n_samples", "noise", "test_fraction", "seed", "upload",
                         "features", "hidden", "activation", "dropout", "optimizer", "lr", "l2", "batch_size"];
const PAGE = ["speed", "controls"];

// What the address holds: {settings: {name: text}, speed, lesson}. Values stay text here; the
// form takes them as typed and the server checks them, as it checks anything a user types.
export function readLink(search = location.search) {
  const query = new URLSearchParams(search), settings = {};
  for (const name of SETTINGS) if (query.has(name)) settings[name] = query.get(name);
  return {settings, speed: query.get("speed"), lesson: query.get("controls") === "hidden"};
}

// The address of a setting: the query string of `settings` (lists joined by commas), the speed,
// `controls=hidden` for a lesson, and the playground's tab.
export function linkTo(settings, {speed = null, lesson = false} = {}) {
  const query = new URLSearchParams();
  for (const name of SETTINGS) {
    const value = settings[name];
    if (value === undefined || value === "" || value === null) continue;
    query.set(name, Array.isArray(value) ? value.join(",") : String(value));
  }
  if (speed) query.set("speed", speed);
  if (lesson) query.set("controls", "hidden");
  return `${location.origin}${location.pathname}?${query.toString().replaceAll("%2C", ",")}#playground`;
}

// Keep the address in step with the setting being shown, without a reload or a history entry, and
// leave whatever else the query holds (PAGE's words included) to whoever owns it.
export function showInAddress(link) {
  const url = new URL(link);
  const query = new URLSearchParams(location.search);
  for (const name of [...SETTINGS, ...PAGE]) query.delete(name);
  for (const [name, value] of url.searchParams) query.set(name, value);
  const search = query.toString().replaceAll("%2C", ",");
  history.replaceState(null, "", `${location.pathname}${search ? `?${search}` : ""}${location.hash}`);
}
