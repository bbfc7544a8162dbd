// Small DOM helpers. Text goes in as text nodes, never as HTML, so API data cannot inject markup.

let uid = 0;

/** h('button', {class: 'primary', onclick: fn}, 'Save') */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function nextId(prefix = 'f') {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A labelled form field. `input` is an element; its id is set here if missing. */
export function field(label, input, hint) {
  if (!input.id) input.id = nextId();
  const err = h('div', {class: 'err', id: input.id + '-err'});
  const hintEl = hint ? h('div', {class: 'hint', id: input.id + '-hint'}, hint) : null;
  input.setAttribute('aria-describedby', [hintEl && hintEl.id, err.id].filter(Boolean).join(' '));
  return h('div', {class: 'field', dataset: {field: input.name || ''}}, h('label', {for: input.id}, label), input, hintEl, err);
}

export function input(name, attrs = {}) {
  return h('input', {name, type: 'text', ...attrs});
}

export function select(name, options, value, attrs = {}) {
  return h('select', {name, ...attrs}, options.map(o => {
    const [v, label] = Array.isArray(o) ? o : [o, o];
    return h('option', {value: v, selected: v === value ? true : null}, label);
  }));
}

/** Shows problem+json field errors next to their inputs; returns true when any was placed. */
export function showFieldErrors(form, problem) {
  form.querySelectorAll('.err').forEach(e => { e.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach(e => e.removeAttribute('aria-invalid'));
  let placed = false;
  for (const fe of (problem && problem.errors) || []) {
    const name = String(fe.field || '').split(/[.[]/)[0];
    const inputEl = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (inputEl) {
      inputEl.setAttribute('aria-invalid', 'true');
      const err = form.querySelector('#' + CSS.escape(inputEl.id + '-err'));
      if (err) err.textContent = (err.textContent ? err.textContent + '; ' : '') + fe.reason;
      placed = true;
    }
  }
  return placed;
}

export function table(columns, rows, opts = {}) {
  const head = h('tr', {}, columns.map(c => h('th', {scope: 'col', class: c.num ? 'num' : null}, c.label)));
  const body = rows.length === 0
    ? [h('tr', {}, h('td', {colspan: columns.length, class: 'muted'}, opts.empty || 'Nothing here yet.'))]
    : rows.map(r => h('tr', {}, columns.map(c => h('td', {class: c.num ? 'num' : null}, c.cell(r)))));
  return h('div', {class: 'table-wrap'}, h('table', {id: opts.id, 'aria-label': opts.label},
    opts.caption ? h('caption', {class: 'muted'}, opts.caption) : null, h('thead', {}, head), h('tbody', {}, body)));
}

export function badge(text, kind) {
  return h('span', {class: 'badge' + (kind ? ' ' + kind : '')}, text);
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return h('time', {datetime: iso, title: iso}, d.toLocaleString());
}

/** Copies text; falls back to selecting the element when the clipboard API is unavailable (plain http). */
export function copyButton(getText, label = 'Copy') {
  const b = h('button', {type: 'button', onclick: async () => {
    try {
      await navigator.clipboard.writeText(getText());
      b.textContent = 'Copied';
    } catch (e) {
      b.textContent = 'Select and copy manually';
    }
    setTimeout(() => { b.textContent = label; }, 2000);
  }}, label);
  return b;
}
