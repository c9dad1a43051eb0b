/* The embed page: a live preview of <timeline-embed> and the code to copy, for the choices
 * of the form. This file sits in assets/, so the site's root is one level up. */
import '../embed/timeline.js';

const ROOT = new URL('../', import.meta.url).href;
const WIDGET = `${ROOT}embed/timeline.js`;
const DATA = `${ROOT}events.json`;
const FRAME = `${ROOT}embed/`;
const ATTRS = ['actor', 'tag', 'kind', 'from', 'to', 'theme', 'layout', 'open'];
const SANDBOX = 'allow-scripts allow-popups allow-top-navigation-by-user-activation';
const DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

const escape = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function choices(form) {
  const out = {};
  for (const name of ATTRS) {
    const value = (form.elements[name]?.value || '').trim();
    if (!value || (name === 'theme' && value === 'auto')) continue;
    if ((name === 'from' || name === 'to') && !DATE.test(value)) continue;
    out[name] = value;
  }
  if (!form.elements.controls.checked) out.controls = 'none';
  return out;
}

function snippets(c) {
  const attrs = Object.entries(c).map(([k, v]) => ` ${k}="${escape(v)}"`).join('');
  // The link inside shows where the script cannot run (blocked, offline); the widget hides it.
  const script = `<script type="module" src="${escape(WIDGET)}"></script>\n<timeline-embed src="${escape(DATA)}"${attrs}><a href="${escape(ROOT)}">${escape(document.title.split(' - ').pop() || 'Timeline')}</a></timeline-embed>`;
  const query = new URLSearchParams(Object.entries(c).filter(([k]) => k !== 'open'));
  const src = FRAME + (query.toString() ? `?${query}` : '') + (c.open ? `#${encodeURIComponent(c.open)}` : '');
  const height = c.layout === 'vertical' ? 720 : 560;
  const iframe = `<iframe src="${escape(src)}" title="Timeline" width="100%" height="${height}" loading="lazy"\n        sandbox="${SANDBOX}"></iframe>`;
  return { script, iframe };
}

function fill(select, entries) {
  const first = select.options[0];
  select.replaceChildren(first, ...entries.map(([name, n]) => new Option(`${name} (${n})`, name)));
}

async function copy(button, code) {
  const text = code.textContent;
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    const range = document.createRange();
    range.selectNodeContents(code);
    const sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    try { ok = document.execCommand('copy'); } catch { ok = false; }
  }
  const status = document.getElementById('embed-status');
  status.textContent = ok ? 'Copied to the clipboard.' : 'Selected: press Ctrl+C (⌘C) to copy.';
  button.textContent = ok ? 'Copied' : 'Copy';
  setTimeout(() => { button.textContent = 'Copy'; }, 2000);
}

function init() {
  const form = document.getElementById('embed-form');
  const box = document.getElementById('embed-preview');
  if (!form || !box || form.dataset.ready) return;
  form.dataset.ready = 'yes';
  const preview = document.createElement('timeline-embed');
  preview.setAttribute('src', DATA);
  box.replaceChildren(preview);

  const update = () => {
    const c = choices(form);
    for (const name of [...ATTRS, 'controls']) {
      if (c[name]) preview.setAttribute(name, c[name]);
      else preview.removeAttribute(name);
    }
    const s = snippets(c);
    document.getElementById('snippet-script').textContent = s.script;
    document.getElementById('snippet-iframe').textContent = s.iframe;
  };
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  form.addEventListener('submit', (e) => e.preventDefault());
  preview.addEventListener('timeline-ready', () => {
    const facets = preview.facets();
    for (const name of ['actor', 'tag', 'kind']) fill(form.elements[name], facets[name]);
    if (facets.first) form.elements.from.placeholder = facets.first.slice(0, 7);
    if (facets.last) form.elements.to.placeholder = facets.last.slice(0, 7);
  }, { once: true });
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', () => copy(button, document.getElementById(button.dataset.copy)));
  }
  update();
}

// mkdocs-material's instant navigation swaps pages without reloading modules: run on each page.
if (window.document$?.subscribe) window.document$.subscribe(init);
else init();
