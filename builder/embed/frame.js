/* The iframe form of the widget: .../embed/?actor=...&from=2025-03&theme=dark#event-id
 * Reads its own query string and hash, shows the site's events.json (one level up), and
 * opens links in the top window. No src parameter: the frame only ever shows its own site's data.
 * In a sandboxed iframe (an opaque origin) module scripts and the data are fetched with CORS:
 * the server must send Access-Control-Allow-Origin (GitHub Pages does). Until this runs, the
 * page shows a link to the site instead of a blank box. */
import './timeline.js';

const params = new URLSearchParams(location.search);
const widget = document.createElement('timeline-embed');
widget.setAttribute('src', new URL('../events.json', import.meta.url).href);
widget.setAttribute('target', '_top');
for (const name of ['actor', 'tag', 'kind', 'from', 'to', 'theme', 'open', 'lang', 'layout', 'controls']) {
  const value = params.get(name);
  if (value) widget.setAttribute(name, value);
}
const theme = params.get('theme');
if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
if (params.get('lang')) document.documentElement.lang = params.get('lang');
document.body.append(widget);
document.getElementById('fallback')?.remove();
