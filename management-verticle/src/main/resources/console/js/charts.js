// Charts on uPlot (served from its WebJar). Every chart also carries a text summary for screen readers.
import uPlot from '/vendor/uplot/uPlot.esm.js';
import {h} from './dom.js';

const COLORS = ['#0b5cad', '#b42318', '#1a7f37', '#9a6700', '#8250df', '#57606a'];
const live = new Set();

function width(el) {
  return Math.max(260, Math.floor(el.getBoundingClientRect().width || el.parentElement.getBoundingClientRect().width) - 8);
}

window.addEventListener('resize', () => {
  for (const {plot, el} of live) {
    if (!el.isConnected) { plot.destroy(); live.delete(plot.__entry); continue; }
    plot.setSize({width: width(el), height: plot.height});
  }
});

function mount(el, opts, data) {
  const plot = new uPlot({...opts, width: width(el), height: opts.height || 220}, data, el);
  const entry = {plot, el};
  plot.__entry = entry;
  live.add(entry);
  return plot;
}

/** A card with a title, a plot area and a textual summary (also shown when there is no data). */
export function chartCard(id, title, summary) {
  const plot = h('div', {class: 'plot', id: id + '-plot'});
  const card = h('figure', {class: 'chart', id, role: 'group', 'aria-labelledby': id + '-title'},
    h('h3', {id: id + '-title'}, title), plot, h('figcaption', {class: 'muted', id: id + '-summary'}, summary));
  return {card, plot};
}

/** Lines over time: xs in seconds since the epoch, series [{label, values}]. */
export function timeChart(el, xs, series, {yLabel = '', stepped = false} = {}) {
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', series.map(s => `${s.label}: ${s.values.filter(v => v != null).reduce((a, b) => a + b, 0)}`).join(', '));
  return mount(el, {
    scales: {x: {time: true}},
    axes: [{}, {label: yLabel}],
    series: [{}, ...series.map((s, i) => ({label: s.label, stroke: COLORS[i % COLORS.length], width: 2,
      fill: i === 0 && s.fill ? 'rgba(11,92,173,0.08)' : undefined, points: {show: xs.length < 3},
      paths: stepped ? uPlot.paths.stepped({align: 1}) : undefined, spanGaps: false}))],
  }, [xs, ...series.map(s => s.values)]);
}

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  children.forEach(c => el.append(c));
  return el;
}

/**
 * Grouped horizontal bars, one group per category (labels), one bar per series: drawn as SVG, which scales
 * with the card from 390 px up. Values may be null (drawn as no bar).
 */
export function barChart(el, labels, series, {unit = ''} = {}) {
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', labels.map((l, i) => `${l}: ${series.map(s => `${s.label} ${s.values[i] ?? '—'}${unit}`).join(', ')}`).join('; '));
  const max = Math.max(1, ...series.flatMap(s => s.values.filter(v => v != null)));
  const bar = 12;
  const gap = 10;
  const labelW = 150;
  const W = 600;
  const group = series.length * bar + gap;
  const H = labels.length * group + 24;
  const plotW = W - labelW - 70;
  const root = svg('svg', {viewBox: `0 0 ${W} ${H}`, width: '100%', preserveAspectRatio: 'xMinYMin meet', 'aria-hidden': 'true', focusable: 'false'});
  labels.forEach((label, i) => {
    const y0 = i * group;
    const name = label.length > 22 ? label.slice(0, 21) + '…' : label;
    root.append(svg('text', {x: labelW - 6, y: y0 + (series.length * bar) / 2 + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#1b1f24'}, document.createTextNode(name)));
    series.forEach((s, j) => {
      const v = s.values[i];
      if (v == null) return;
      const w = Math.max(1, (v / max) * plotW);
      root.append(svg('rect', {x: labelW, y: y0 + j * bar, width: w, height: bar - 2, fill: COLORS[j % COLORS.length]}));
      root.append(svg('text', {x: labelW + w + 4, y: y0 + j * bar + bar - 3, 'font-size': 10, fill: '#57606a'}, document.createTextNode(`${v}${unit}`)));
    });
  });
  const legend = svg('g', {transform: `translate(${labelW}, ${H - 10})`});
  series.forEach((s, j) => {
    legend.append(svg('rect', {x: j * 90, y: -9, width: 10, height: 10, fill: COLORS[j % COLORS.length]}));
    legend.append(svg('text', {x: j * 90 + 14, y: 0, 'font-size': 11, fill: '#1b1f24'}, document.createTextNode(s.label)));
  });
  root.append(legend);
  el.replaceChildren(root);
  return root;
}
