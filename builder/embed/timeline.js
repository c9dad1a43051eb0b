/* <timeline-embed>: the timeline of a site's events.json, for any web page.
 *
 *   <script type="module" src="https://example.org/timeline/embed/timeline.js"></script>
 *   <timeline-embed src="https://example.org/timeline/events.json"
 *                   actor="Vladimir Putin" from="2025-03" to="2025-06" theme="auto"></timeline-embed>
 *
 * One dependency-free ES module; styles live in timeline.css beside it, inside
 * Shadow DOM. Only the events in view are in the DOM (virtualised), so 10,000
 * events scroll as smoothly as 10. Data is inserted as text, never as HTML;
 * links are allowlisted (http, https, relative); no eval, no inline script or
 * style, so it runs under a strict Content-Security-Policy.
 */

const CSS_URL = new URL('timeline.css', import.meta.url).href;
const NARROW = 640; // px of the widget's own width: below it, a vertical list
const FOLD = 880; // below it, the filters fold behind a button
// Geometry along the main axis, in px: group header, gap between groups, one item, padding.
const GEOM = {
  v: { head: 40, gap: 6, item: 100, card: 92, pad: 4 },
  h: { head: 0, gap: 28, item: 236, card: 220, pad: 16 },
};
const FILTERS = ['actor', 'tag', 'kind'];
const FIELD = { actor: 'actors', tag: 'tags', kind: 'kinds' };

class LoadError extends Error {}

const el = (tag, cls, text) => {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text != null) n.textContent = text;
  return n;
};
const str = (v) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
const clean = (x) => typeof x === 'string' && x && x.trim() === x;
// Lists of names; the usual well-formed array is kept as it is (no copy: 10,000 events load fast).
const list = (v) => (Array.isArray(v) ? (v.every(clean) ? v : v.map(str).filter(Boolean)) : str(v) ? [str(v)] : []);

/** An absolute http(s) URL for ``raw`` resolved against ``base``, or null (javascript:, data:, junk). */
export function safeURL(raw, base) {
  if (typeof raw !== 'string' || !raw.trim()) return null;
  try {
    const u = new URL(raw.trim(), base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (y, m) => (m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : DAYS[m]);
const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?=$|[T\s])/;
/** "2025", "2025-05" or "2025-05-16" as {y, m, d, key, p}; p is the precision: y, m or d. */
export function parseDate(v) {
  const m = DATE.exec(str(v));
  if (!m) return null;
  const mo = +(m[2] || 0), d = +(m[3] || 0);
  if ((m[2] && (mo < 1 || mo > 12)) || (m[3] && (d < 1 || d > daysIn(+m[1], mo)))) return null;
  return { y: +m[1], m: mo, d, key: m[0], p: m[3] ? 'd' : m[2] ? 'm' : 'y' };
}
// Comparable bounds: "2025-05" spans "2025-05-00" .. "2025-05-99".
const bound = (t, fill) => t.key + (t.p === 'y' ? `-${fill}-${fill}` : t.p === 'm' ? `-${fill}` : '');

const formatCache = new Map();
const FORMAT = { d: { day: 'numeric', month: 'short', year: 'numeric' }, m: { month: 'long', year: 'numeric' } };
/** Intl formatter of precision p (d or m) for lang, made once: making one costs a few milliseconds. */
function formatter(lang, p) {
  const key = `${lang}|${p}`;
  let f = formatCache.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(lang || undefined, { timeZone: 'UTC', ...FORMAT[p] });
    } catch {
      f = new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', ...FORMAT[p] });
    }
    formatCache.set(key, f);
  }
  return f;
}
const utc = (t) => {
  const date = new Date(Date.UTC(2000, (t.m || 1) - 1, t.d || 1));
  date.setUTCFullYear(t.y); // Date.UTC would read years 0-99 as 1900-1999
  return date;
};

/** A date or span at its precision, month names through Intl: "2025", "May 2025", "8–10 May 2025". */
export function formatDate(start, end, lang) {
  const one = (t) => (t.p === 'y' ? String(t.y) : formatter(lang, t.p).format(utc(t)));
  if (!end || end.key === start.key) return one(start);
  if (start.p === end.p && start.p !== 'y') {
    try {
      return formatter(lang, start.p).formatRange(utc(start), utc(end));
    } catch { /* older engines: fall through */ }
  }
  return `${one(start)} – ${one(end)}`;
}

const plain = (md) =>
  md.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\*\*|__|`/g, '').replace(/^[#>\s]+/gm, '').replace(/\s+/g, ' ').trim();

/** One record of events.json as the widget uses it. Only the date is read up front (to sort,
 *  filter and group); other fields are read from the record when first needed, so 10,000 events
 *  are ready in a few milliseconds. */
class Ev {
  constructor(raw, id, start, end) {
    this.raw = raw;
    this.id = id;
    this.start = start;
    this.end = end;
    this.lo = bound(start, '00');
    this.hi = bound(end || start, '99');
    this.group = start.p === 'y' ? start.key : start.key.slice(0, 7);
  }
  get title() { return str(this.raw.title); }
  get summary() { return str(this.raw.summary); }
  get planned() { return this.raw.planned === true; }
  get kinds() { return (this._k ||= list(this.raw.kind)); }
  get actors() { return (this._a ||= list(this.raw.actors)); }
  get places() { return (this._p ||= list(this.raw.places)); }
  get tags() { return (this._t ||= list(this.raw.tags)); }
  get sources() { return Array.isArray(this.raw.sources) ? this.raw.sources : []; }
}

/** An Ev for a record of events.json, or null when it is not an object with a usable start date. */
function normalise(raw, i) {
  if (!raw || typeof raw !== 'object') return null;
  const start = parseDate(raw.start ?? raw.date);
  if (!start) return null;
  let end = raw.end == null ? null : parseDate(raw.end);
  if (end && end.key < start.key) end = null;
  return new Ev(raw, str(raw.id) || `event-${i + 1}`, start, end);
}

const byDate = (a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const firstAtOrAfter = (arr, x, key = (v) => v) => {
  let lo = 0, hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(arr[mid]) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
const reducedMotion = () => matchMedia('(prefers-reduced-motion: reduce)').matches;

async function fetchEvents(url, clock = {}) {
  let res;
  try {
    res = await fetch(url, { credentials: 'omit' });
  } catch {
    throw new LoadError(`Could not reach ${url}. Check the address and your connection; the server must allow cross-origin requests (CORS).`);
  }
  if (res.status === 404) throw Object.assign(new LoadError(`No timeline data at ${url} (HTTP 404 Not Found).`), { status: 404 });
  if (!res.ok) throw new LoadError(`The server answered HTTP ${res.status} for ${url}.`);
  let data;
  const text = await res.text();
  clock.received = performance.now();
  try {
    data = JSON.parse(text);
  } catch {
    throw new LoadError(`The file at ${url} is not valid JSON.`);
  }
  clock.parsed = performance.now();
  const events = Array.isArray(data) ? data : data && Array.isArray(data.events) ? data.events : null;
  if (!events) throw new LoadError(`The file at ${url} has no "events" list.`);
  return events;
}

export class TimelineEmbed extends HTMLElement {
  static observedAttributes = ['src', 'actor', 'tag', 'kind', 'from', 'to', 'open', 'lang', 'layout', 'controls', 'target', 'theme'];

  constructor() {
    super();
    this._all = [];
    this._view = [];
    this._nodes = new Map();
    this._bands = new Map();
    this._loaded = null; // null, 'all' or a Set of years
    this._skipped = 0;
    this._cur = -1;
    this._mode = '';
    this._f = { q: '' };
    this._seq = 0;
    this._onHash = () => this._openId(this._hashId(), false);
    this._build();
  }

  // ---- the shell: toolbar, message, scroller, details -------------------------------------
  _build() {
    const root = this.attachShadow({ mode: 'open' });
    const link = el('link');
    link.rel = 'stylesheet';
    link.href = CSS_URL;
    this._css = new Promise((ok) => {
      link.onload = ok;
      link.onerror = () => { this._box.classList.add('nocss'); ok(); };
      setTimeout(ok, 4000);
    });
    const box = (this._box = el('div', 'tl'));
    box.setAttribute('part', 'root');
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', 'Timeline');
    box.style.visibility = 'hidden'; // until the stylesheet is in: no flash of unstyled content

    const bar = (this._bar = el('form', 'bar'));
    bar.setAttribute('role', 'search');
    bar.setAttribute('aria-label', 'Filter the timeline');
    bar.addEventListener('submit', (e) => e.preventDefault());
    const q = (this._q = el('input', 'q'));
    Object.assign(q, { type: 'search', placeholder: 'Search events', autocomplete: 'off' });
    q.setAttribute('aria-label', 'Search events');
    q.addEventListener('input', () => {
      clearTimeout(this._qt);
      this._qt = setTimeout(() => { this._f.q = q.value; this._refresh(); }, 120);
    });
    const toggle = (this._toggle = el('button', 'toggle', 'Filters'));
    toggle.type = 'button';
    toggle.setAttribute('aria-expanded', 'false');
    const filters = (this._filters = el('div', 'filters'));
    filters.id = 'filters';
    toggle.setAttribute('aria-controls', 'filters');
    toggle.addEventListener('click', () => {
      const open = filters.classList.toggle('open');
      toggle.setAttribute('aria-expanded', String(open));
    });
    bar.append(q, toggle, filters);
    this._sel = {};
    for (const name of FILTERS) {
      const s = (this._sel[name] = el('select'));
      s.name = name;
      s.setAttribute('aria-label', `Filter by ${name}`);
      s.addEventListener('change', () => { this._f[name] = s.value; this._refresh(); });
      for (const type of ['pointerdown', 'focus', 'keydown']) s.addEventListener(type, () => this._options());
      filters.append(s);
    }
    this._dates = {};
    for (const [name, label] of [['from', 'From'], ['to', 'To']]) {
      const i = (this._dates[name] = el('input', 'date'));
      Object.assign(i, { type: 'text', name, placeholder: `${label} YYYY-MM`, inputMode: 'numeric', autocomplete: 'off' });
      i.pattern = '\\d{4}(-\\d{2}(-\\d{2})?)?';
      i.setAttribute('aria-label', `${label} date (YYYY, YYYY-MM or YYYY-MM-DD)`);
      i.addEventListener('change', () => {
        if (i.value && !parseDate(i.value)) return i.setAttribute('aria-invalid', 'true');
        i.removeAttribute('aria-invalid');
        this._f[name] = i.value.trim();
        this._load();
      });
      filters.append(i);
    }
    const reset = el('button', 'reset', 'Reset');
    reset.type = 'button';
    reset.addEventListener('click', () => this._reset());
    filters.append(reset);
    this._count = el('p', 'count');
    this._count.setAttribute('aria-live', 'polite');

    this._msg = el('div', 'msg');
    this._msg.hidden = true;

    const status = (this._statusRow = el('div', 'status'));
    const nav = (this._navBox = el('div', 'nav'));
    for (const [step, text, label] of [[-1, '‹', 'Previous event'], [1, '›', 'Next event']]) {
      const b = el('button', step < 0 ? 'prev' : 'next', text);
      b.type = 'button';
      b.setAttribute('aria-label', label);
      b.addEventListener('click', () => this._select(this._cur + step, false, reducedMotion() ? 'auto' : 'smooth'));
      nav.append(b);
    }
    status.append(this._count, nav);

    const sc = (this._sc = el('div', 'scroller'));
    sc.style.overflow = 'auto';
    sc.style.position = 'relative';
    const track = (this._track = el('div', 'track'));
    track.style.position = 'relative';
    this._bandLayer = el('div', 'bands');
    this._bandLayer.setAttribute('aria-hidden', 'true');
    const ol = (this._list = el('ol', 'list'));
    ol.setAttribute('aria-label', 'Events, oldest first');
    track.append(this._bandLayer, ol);
    sc.append(track);
    sc.addEventListener('scroll', () => this._schedule(), { passive: true });
    // On the horizontal axis a mouse wheel scrolls along it, until an end is reached.
    sc.addEventListener('wheel', (e) => {
      if (this._mode !== 'h' || Math.abs(e.deltaX) > Math.abs(e.deltaY) || e.shiftKey) return;
      const max = sc.scrollWidth - sc.clientWidth;
      if ((e.deltaY < 0 && sc.scrollLeft <= 0) || (e.deltaY > 0 && sc.scrollLeft >= max - 1)) return;
      e.preventDefault();
      sc.scrollLeft += e.deltaY * (e.deltaMode === 1 ? 40 : 1);
    }, { passive: false });
    ol.addEventListener('keydown', (e) => this._key(e));
    ol.addEventListener('focusin', (e) => {
      const i = this._indexOf(e.target);
      if (i >= 0 && i !== this._cur) this._select(i, false);
    });
    ol.addEventListener('click', (e) => {
      if (e.target.closest('a')) return;
      const i = this._indexOf(e.target);
      if (i >= 0) this._select(i, true);
    });

    this._det = el('section', 'detail');
    this._det.setAttribute('aria-label', 'Selected event');
    this._det.hidden = true;
    box.append(bar, status, this._msg, sc, this._det);
    root.append(link, box);
  }

  connectedCallback() {
    this._ro ||= new ResizeObserver(() => this._resize());
    this._ro.observe(this);
    addEventListener('hashchange', this._onHash);
    // theme="auto" follows the page's own color-scheme when it declares one (a light/dark
    // toggle such as mkdocs-material's), else the reader's system setting (in CSS).
    this._mo ||= new MutationObserver(() => this._scheme());
    for (const node of [document.documentElement, document.body]) if (node) this._mo.observe(node, { attributes: true });
    this._scheme();
    if (!this._started) {
      this._started = true;
      this._t0 = performance.now();
      this._readAttributes();
      this._resize();
      this._load();
    }
  }

  disconnectedCallback() {
    this._ro.disconnect();
    this._mo.disconnect();
    removeEventListener('hashchange', this._onHash);
  }

  attributeChangedCallback(name, old, value) {
    if (!this._started || old === value) return;
    if (name === 'src') {
      this._loaded = null;
      this._all = [];
      this._load();
    } else if (name === 'open') this._openId(value, false);
    else if (name === 'theme') this._scheme();
    else if (name === 'layout') this._resize();
    else {
      this._readAttributes();
      if (name === 'from' || name === 'to') this._load();
      else this._refresh();
    }
  }

  _readAttributes() {
    for (const name of [...FILTERS, 'from', 'to']) this._f[name] = (this.getAttribute(name) || '').trim();
    for (const name of ['from', 'to']) this._dates[name].value = this._f[name];
    this._bar.hidden = this.getAttribute('controls') === 'none';
  }

  _reset() {
    this._q.value = '';
    this._f = { q: '' };
    for (const name of ['from', 'to']) this._dates[name].value = '';
    this._load();
  }

  _scheme() {
    const auto = !/^(light|dark)$/.test(this.getAttribute('theme') || '');
    const cs = auto ? getComputedStyle(this).colorScheme : '';
    const scheme = /^(only )?dark$/.test(cs) ? 'dark' : /^(only )?light$/.test(cs) ? 'light' : '';
    if (scheme !== (this.dataset.scheme || '')) {
      if (scheme) this.dataset.scheme = scheme;
      else delete this.dataset.scheme;
    }
  }

  _state(s) {
    this.setAttribute('data-state', s);
    this.toggleAttribute('aria-busy', s === 'loading');
  }

  // ---- data: events.json, or only the year files of the window ----------------------------
  _years() {
    const from = parseDate(this._f.from), to = parseDate(this._f.to);
    if (!from || !to || to.y < from.y || to.y - from.y > 30) return null;
    const ys = [];
    for (let y = from.y; y <= to.y; y++) ys.push(y);
    return ys;
  }

  async _load() {
    const seq = ++this._seq;
    try {
      const src = this.getAttribute('src');
      if (!src) throw new LoadError('No data source: set the src attribute to the address of events.json.');
      let base;
      try {
        base = this._base = new URL(src, document.baseURI).href;
      } catch {
        throw new LoadError(`The src attribute is not a valid address: ${src}`);
      }
      const years = this._years();
      const clock = (this._clock = {});
      const missing = this._loaded === 'all' ? [] : years ? years.filter((y) => !this._loaded?.has(y)) : null;
      if (!missing || missing.length) {
        this._state('loading');
        if (!this._all.length) this._message('Loading the timeline…');
        let raws, got;
        const pending = missing
          ? Promise.all(missing.map((y) => fetchEvents(new URL(`events-${y}.json`, base).href, clock).catch((e) => (e.status === 404 ? null : Promise.reject(e)))))
          : fetchEvents(base, clock);
        // While the data downloads: the first Intl formatter costs tens of milliseconds (ICU data).
        formatter(this._lang(), 'd');
        formatter(this._lang(), 'm');
        if (missing) {
          const parts = await pending;
          // No year file at all: a site publishing only events.json. Fall back to it.
          if (parts.every((p) => p === null)) raws = await fetchEvents(base, clock);
          else { raws = parts.flatMap((p) => p || []); got = new Set([...(this._loaded || []), ...missing]); }
        } else raws = await pending;
        if (seq !== this._seq) return;
        this._merge(raws, got ? this._all : [], got || 'all');
        clock.merged = performance.now();
      }
      await this._css;
      if (seq === this._seq) this._refresh();
    } catch (err) {
      await this._css;
      if (seq !== this._seq) return;
      this._fail(err instanceof LoadError ? err.message : `The timeline could not be shown (${err && err.message}).`);
    }
  }

  _merge(raws, keep, loaded) {
    let skipped = loaded === 'all' ? 0 : this._skipped;
    let all = [];
    for (let i = 0; i < raws.length; i++) {
      const e = normalise(raws[i], i);
      if (e) all.push(e);
      else skipped++;
    }
    if (keep.length) { // year files added to those already loaded: one event per id
      const byId = new Map(keep.map((e) => [e.id, e]));
      for (const e of all) byId.set(e.id, e);
      all = [...byId.values()];
    }
    // The site exports events in date order: check in one pass before sorting.
    let sorted = true;
    for (let k = 1; k < all.length && sorted; k++) sorted = byDate(all[k - 1], all[k]) <= 0;
    this._all = sorted ? all : all.sort(byDate);
    this._skipped = skipped;
    this._loaded = loaded;
    this._opts = false;
    for (const name of FILTERS) { // until the lists are built: "All …" and the value asked for
      const want = this._f[name];
      this._sel[name].replaceChildren(new Option(`All ${FIELD[name]}`, ''), ...(want ? [new Option(want, want)] : []));
    }
    this._syncSelects();
  }

  /** The choices of the actor, tag and kind menus, with counts: built after the first render, or at first use. */
  _options() {
    if (this._opts || !this._loaded) return;
    this._opts = true;
    const facets = this.facets();
    for (const name of FILTERS) {
      const counts = new Map(facets[name]);
      const s = this._sel[name];
      const want = this._f[name];
      if (want && ![...counts.keys()].some((v) => v.toLowerCase() === want.toLowerCase())) counts.set(want, 0);
      const opts = [new Option(`All ${FIELD[name]}`, '')];
      for (const [v, n] of counts) opts.push(new Option(`${v} (${n})`, v));
      s.replaceChildren(...opts);
      s.hidden = counts.size === 0;
    }
    this._syncSelects();
  }

  /** What the loaded events can be filtered by: {actor, tag, kind: [[name, count], …] sorted by name,
   *  first, last: the first and last start dates}. For pages that build embed codes. */
  facets() {
    const out = { first: this._all[0]?.start.key, last: this._all[this._all.length - 1]?.start.key };
    let order;
    try {
      order = new Intl.Collator(this._lang()).compare;
    } catch {
      order = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
    }
    for (const name of FILTERS) {
      const counts = new Map();
      for (const e of this._all) for (const v of e[FIELD[name]]) counts.set(v, (counts.get(v) || 0) + 1);
      out[name] = [...counts].sort((a, b) => order(a[0], b[0]));
    }
    return out;
  }

  _syncSelects() {
    for (const name of FILTERS) {
      const s = this._sel[name], want = (this._f[name] || '').toLowerCase();
      const opt = [...s.options].find((o) => o.value.toLowerCase() === want);
      s.value = opt ? opt.value : '';
    }
  }

  // ---- filtering and layout ------------------------------------------------------------
  _refresh() {
    if (!this._loaded) return;
    const t = performance.now();
    const f = this._f;
    const from = parseDate(f.from), to = parseDate(f.to);
    const lo = from && bound(from, '00'), hi = to && bound(to, '99');
    const q = (f.q || '').trim().toLowerCase();
    const want = FILTERS.map((n) => [FIELD[n], (f[n] || '').toLowerCase()]).filter(([, v]) => v);
    const prev = this._view[this._cur];
    this._view = this._all.filter((e) => {
      if (lo && e.hi < lo) return false;
      if (hi && e.lo > hi) return false;
      for (const [field, v] of want) if (!e[field].some((x) => x.toLowerCase() === v)) return false;
      if (q) {
        e.text ||= [e.title, e.summary, ...e.actors, ...e.places, ...e.tags, ...e.kinds].join(' ').toLowerCase();
        if (!e.text.includes(q)) return false;
      }
      return true;
    });
    this._syncSelects();
    const n = this._view.length;
    let cur = prev ? this._view.indexOf(prev) : -1;
    if (cur < 0 || !this._shown) cur = this._initial();
    this._cur = cur;
    this._layout();
    this._center(cur);
    this._paint();
    this._detail();
    this._status();
    this._box.style.visibility = '';
    if (!this._opts) (window.requestIdleCallback || setTimeout)(() => this._options(), { timeout: 500 });
    if (!this._shown) {
      this._shown = true;
      const now = performance.now();
      this.dispatchEvent(new CustomEvent('timeline-ready', {
        bubbles: true,
        composed: true,
        detail: { ms: now - this._t0, renderMs: now - t, start: this._t0, clock: this._clock, events: this._all.length, shown: n, rendered: this._nodes.size },
      }));
    }
  }

  _status() {
    const n = this._view.length, total = this._all.length;
    this._count.textContent = n === total ? `${total} ${total === 1 ? 'event' : 'events'}` : `${n} of ${total} events`;
    this._sc.hidden = this._navBox.hidden = n === 0;
    this._statusRow.hidden = !total;
    const active = FILTERS.filter((k) => this._f[k]).length + (this._f.from ? 1 : 0) + (this._f.to ? 1 : 0);
    this._toggle.textContent = active ? `Filters (${active})` : 'Filters';
    this._state(n ? 'ready' : 'empty');
    const left = this._skipped
      ? `${this._skipped} ${this._skipped === 1 ? 'entry was' : 'entries were'} left out: no valid start date.`
      : '';
    if (!total) {
      this._message(this._skipped ? `No event could be shown. ${left}` : 'This timeline has no events yet.', true);
      this._bar.hidden = true;
    } else if (!n) {
      this._message('No events match these filters. ', false, true);
    } else if (left) this._message(left);
    else this._msg.hidden = true;
    if (total) this._bar.hidden = this.getAttribute('controls') === 'none';
  }

  _message(text, strong, withReset) {
    const m = this._msg;
    m.className = 'msg';
    m.removeAttribute('role');
    m.replaceChildren(strong ? el('strong', null, text) : text);
    if (withReset) {
      const b = el('button', 'reset', 'Show all events');
      b.type = 'button';
      b.addEventListener('click', () => this._reset());
      m.append(b);
    }
    m.hidden = false;
    this._box.style.visibility = '';
  }

  _fail(text) {
    this._state('error');
    this._view = [];
    this._clear();
    this._message(text, false);
    this._msg.prepend(el('strong', null, 'The timeline could not be loaded. '));
    this._msg.classList.add('error');
    this._msg.setAttribute('role', 'alert');
    this._bar.hidden = this._statusRow.hidden = this._sc.hidden = this._det.hidden = true;
    this.dispatchEvent(new CustomEvent('timeline-error', { bubbles: true, composed: true, detail: { message: this._msg.textContent } }));
  }

  _initial() {
    const v = this._view;
    for (const id of [this._hashId(), this.getAttribute('open')]) {
      const i = id ? v.findIndex((e) => e.id === id) : -1;
      if (i >= 0) return i;
    }
    const today = new Date().toISOString().slice(0, 10);
    for (let i = v.length - 1; i >= 0; i--) if (v[i].lo <= today) return i;
    return v.length - 1;
  }

  _hashId() {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch {
      return '';
    }
  }

  _openId(id, focus) {
    const i = id ? this._view.findIndex((e) => e.id === id) : -1;
    if (i < 0) return;
    this._center(i);
    this._select(i, focus);
  }

  _resize() {
    const attr = this.getAttribute('layout');
    const mode = attr === 'vertical' ? 'v' : attr === 'horizontal' ? 'h' : this.clientWidth && this.clientWidth < NARROW ? 'v' : 'h';
    if (mode !== this._mode) {
      this._mode = mode;
      this._box.classList.toggle('v', mode === 'v');
      this._box.classList.toggle('h', mode === 'h');
      if (this._shown) {
        this._layout();
        this._center(this._cur);
      }
    }
    this._box.classList.toggle('fold', mode === 'v' || (this.clientWidth > 0 && this.clientWidth < FOLD));
    this._schedule();
  }

  _clear() {
    this._list.replaceChildren();
    this._bandLayer.replaceChildren();
    this._nodes.clear();
    this._bands.clear();
  }

  /** Positions of every item and month group along the main axis; nothing is drawn yet. */
  _layout() {
    const g = GEOM[this._mode], v = this._view, n = v.length;
    const pos = new Float64Array(n), groups = [];
    let p = g.pad, grp = null;
    for (let i = 0; i < n; i++) {
      if (!grp || v[i].group !== grp.key) {
        if (grp) { grp.size = p - grp.start; p += g.gap; }
        grp = { key: v[i].group, start: p, e: v[i] };
        groups.push(grp);
        p += g.head;
      }
      pos[i] = p;
      p += g.item;
    }
    if (grp) grp.size = p - grp.start;
    this._pos = pos;
    this._groups = groups;
    const vert = this._mode === 'v';
    this._track.style.height = vert ? `${p + g.pad}px` : '';
    this._track.style.width = vert ? '' : `${p + g.pad}px`;
    this._clear();
  }

  _schedule() {
    if (!this._raf && this._shown) this._raf = requestAnimationFrame(() => this._paint());
  }

  /** Put in the DOM only the items and month labels near the visible part, plus the current one. */
  _paint() {
    cancelAnimationFrame(this._raf);
    this._raf = 0;
    const n = this._view.length;
    if (!n || !this._pos) return;
    const vert = this._mode === 'v', g = GEOM[this._mode], sc = this._sc;
    const at = vert ? sc.scrollTop : sc.scrollLeft;
    const size = (vert ? sc.clientHeight : sc.clientWidth) || 800;
    const lo = at - size / 2, hi = at + size * 1.5;
    const want = new Set();
    for (let i = firstAtOrAfter(this._pos, lo - g.item); i < n && this._pos[i] < hi; i++) want.add(i);
    if (this._cur >= 0) want.add(this._cur);
    for (const [i, node] of this._nodes) if (!want.has(i)) { node.remove(); this._nodes.delete(i); }
    let next = this._list.firstElementChild;
    for (const i of [...want].sort((a, b) => a - b)) {
      const have = this._nodes.get(i);
      if (have) { next = have.nextElementSibling; continue; }
      const node = this._card(i);
      this._nodes.set(i, node);
      this._list.insertBefore(node, next);
    }
    // Month groups that overlap the window.
    const groups = this._groups, gw = new Set();
    for (let k = Math.max(0, firstAtOrAfter(groups, lo, (x) => x.start) - 1); k < groups.length && groups[k].start < hi; k++) {
      if (groups[k].start + groups[k].size > lo) gw.add(k);
    }
    for (const [k, node] of this._bands) if (!gw.has(k)) { node.remove(); this._bands.delete(k); }
    for (const k of gw) if (!this._bands.has(k)) { const b = this._band(groups[k]); this._bands.set(k, b); this._bandLayer.append(b); }
  }

  _band(grp) {
    const b = el('div', 'band');
    const vert = this._mode === 'v';
    b.style[vert ? 'top' : 'left'] = `${grp.start}px`;
    b.style[vert ? 'height' : 'width'] = `${grp.size}px`;
    const t = grp.e.start;
    const label = t.p === 'y' ? String(t.y) : formatter(this._lang(), 'm').format(utc(t));
    b.append(el('span', 'label', label));
    return b;
  }

  /** The event's date as shown, kept per language: scrolling back draws it again. */
  _when(e) {
    const lang = this._lang();
    if (e.whenLang !== lang) {
      e.when = formatDate(e.start, e.end, lang) + (e.planned ? ' · planned' : '');
      e.whenLang = lang;
    }
    return e.when;
  }

  _lang() {
    return this.getAttribute('lang') || this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || undefined;
  }

  _card(i) {
    const e = this._view[i], g = GEOM[this._mode], vert = this._mode === 'v';
    const li = el('li', 'card');
    li.style[vert ? 'top' : 'left'] = `${this._pos[i]}px`;
    li.style[vert ? 'height' : 'width'] = `${g.card}px`;
    li.setAttribute('aria-posinset', i + 1);
    li.setAttribute('aria-setsize', this._view.length);
    li.dataset.i = i;
    li.dataset.id = e.id;
    if (e.planned) li.classList.add('planned');
    const time = el('time', 'date', this._when(e));
    time.dateTime = e.start.key;
    li.append(time, this._title(e, i === this._cur ? 0 : -1));
    const meta = [e.kinds.join(', '), e.actors.slice(0, 3).join(', ') + (e.actors.length > 3 ? '…' : '')].filter(Boolean).join(' · ');
    if (meta) li.append(el('p', 'meta', meta));
    if (i === this._cur) this._mark(li, true);
    return li;
  }

  _url(e) {
    if (e.url === undefined) e.url = safeURL(e.raw.url, this._base);
    return e.url;
  }

  _title(e, tabIndex) {
    const url = this._url(e);
    const t = el(url ? 'a' : 'span', 'title', e.title || 'Untitled event');
    if (!e.title) t.classList.add('untitled');
    if (url) {
      t.href = url;
      const target = this.getAttribute('target');
      if (target && /^_(top|blank|parent|self)$/.test(target)) t.target = target;
      if (target === '_blank') t.rel = 'noopener';
    }
    if (tabIndex != null) t.tabIndex = tabIndex;
    return t;
  }

  _mark(li, on) {
    li.classList.toggle('current', on);
    const t = li.querySelector('.title');
    t.tabIndex = on ? 0 : -1;
    if (on) li.setAttribute('aria-current', 'true');
    else li.removeAttribute('aria-current');
  }

  _indexOf(node) {
    const li = node.closest && node.closest('li.card');
    return li ? +li.dataset.i : -1;
  }

  _center(i) {
    if (i < 0 || !this._pos) return;
    const vert = this._mode === 'v', g = GEOM[this._mode], sc = this._sc;
    const size = (vert ? sc.clientHeight : sc.clientWidth) || 0;
    const at = Math.max(0, this._pos[i] - (size - g.card) / 2 - (vert ? g.head / 2 : 0));
    if (vert) sc.scrollTop = at;
    else sc.scrollLeft = at;
  }

  /** Make event ``i`` the current one: highlighted, tabbable, in view, described below. */
  _select(i, focus, behavior = 'auto') {
    const n = this._view.length;
    if (!n) return;
    i = Math.max(0, Math.min(n - 1, i));
    const old = this._nodes.get(this._cur);
    if (old && this._cur !== i) this._mark(old, false);
    this._cur = i;
    this._reveal(i, behavior);
    this._paint();
    const node = this._nodes.get(i);
    this._mark(node, true);
    if (focus) node.querySelector('.title').focus({ preventScroll: true });
    this._detail();
  }

  _reveal(i, behavior) {
    const vert = this._mode === 'v', g = GEOM[this._mode], sc = this._sc;
    const p = this._pos[i], at = vert ? sc.scrollTop : sc.scrollLeft;
    const size = vert ? sc.clientHeight : sc.clientWidth;
    const head = vert ? g.head : 0;
    let to = null;
    if (p - head < at) to = p - head - g.pad;
    else if (p + g.card > at + size) to = p + g.card - size + g.pad * 2;
    if (to === null) return;
    sc.scrollTo({ [vert ? 'top' : 'left']: Math.max(0, to), behavior });
  }

  _key(e) {
    const i = this._indexOf(e.target);
    if (i < 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const vert = this._mode === 'v', g = GEOM[this._mode];
    const page = Math.max(1, Math.floor(((vert ? this._sc.clientHeight : this._sc.clientWidth) || 400) / g.item));
    const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, PageDown: page, PageUp: -page }[e.key];
    const j = step ? i + step : e.key === 'Home' ? 0 : e.key === 'End' ? this._view.length - 1 : null;
    if (j === null) return;
    e.preventDefault();
    this._select(j, true);
  }

  _detail() {
    const d = this._det, e = this._view[this._cur];
    d.hidden = !e;
    if (!e) return d.replaceChildren();
    const h = el('h3', 'd-title');
    h.append(this._title(e));
    const parts = [el('p', 'd-date', this._when(e)), h];
    if (e.summary) parts.push(el('p', 'd-sum', plain(e.summary)));
    const facts = el('p', 'd-facts');
    for (const [label, values] of [['Kind', e.kinds], ['Actors', e.actors], ['Places', e.places], ['Tags', e.tags]]) {
      if (!values.length) continue;
      const span = el('span', 'fact');
      span.append(el('b', null, `${label}: `), values.join(', '));
      facts.append(span);
    }
    if (facts.childNodes.length) parts.push(facts);
    const sources = e.sources.filter((s) => s && typeof s === 'object');
    if (sources.length) {
      const p = el('p', 'd-src');
      p.append(el('b', null, sources.length === 1 ? 'Source: ' : `${sources.length} sources: `));
      sources.slice(0, 6).forEach((s, k) => {
        const name = str(s.publisher) || str(s.title) || str(s.source) || `source ${k + 1}`;
        const url = safeURL(s.url, this._base);
        const a = el(url ? 'a' : 'span', null, name);
        if (url) { a.href = url; a.rel = 'noopener noreferrer'; a.target = '_blank'; }
        p.append(k ? ', ' : '', a);
      });
      parts.push(p);
    }
    if (this._url(e)) {
      const more = this._title(e);
      more.className = 'more';
      more.textContent = 'Read more on the event page →';
      parts.push(more);
    }
    d.replaceChildren(...parts);
  }
}

if (!customElements.get('timeline-embed')) customElements.define('timeline-embed', TimelineEmbed);
