// Usage dashboard of one preset: calls over time, error rate, latency percentiles per tool and per server,
// top tools and top callers, over a chosen time range (GET /presets/{id}/stats).
import {get} from '../api.js';
import {h, clear, field, input, select, table} from '../dom.js';
import {fail} from '../main.js';
import {chartCard, timeChart, barChart} from '../charts.js';

const RANGES = [['1h', 'Last hour', 3600, 'minute'], ['6h', 'Last 6 hours', 6 * 3600, 'minute'], ['24h', 'Last 24 hours', 86400, 'hour'],
  ['7d', 'Last 7 days', 7 * 86400, 'hour'], ['30d', 'Last 30 days', 30 * 86400, 'day'], ['90d', 'Last 90 days', 90 * 86400, 'day'],
  ['custom', 'Custom…', 0, null]];
const STEP = {minute: 60, hour: 3600, day: 86400};

function autoBucket(seconds) {
  return seconds <= 6 * 3600 ? 'minute' : seconds <= 14 * 86400 ? 'hour' : 'day';
}

function fmt(v, unit = '') {
  return v == null ? '—' : `${v}${unit}`;
}

/** Every bucket of the window, zero where the series has no point, so gaps show as zero calls. */
function buckets(stats) {
  const step = STEP[stats.bucket];
  const start = Math.floor(Date.parse(stats.from) / 1000 / step) * step;
  const end = Date.parse(stats.to) / 1000;
  const byAt = new Map(stats.series.map(p => [Date.parse(p.at) / 1000, p]));
  const xs = [];
  const calls = [];
  const errors = [];
  const rate = [];
  const p50 = [];
  const p95 = [];
  const p99 = [];
  for (let t = start; t < end && xs.length < 20000; t += step) {
    const p = byAt.get(t);
    xs.push(t);
    calls.push(p ? p.calls : 0);
    errors.push(p ? p.errors : 0);
    rate.push(p && p.calls ? Math.round((p.errors / p.calls) * 1000) / 10 : null);
    p50.push(p ? p.p50 : null);
    p95.push(p ? p.p95 : null);
    p99.push(p ? p.p99 ?? null : null);
  }
  return {xs, calls, errors, rate, p50, p95, p99};
}

function metric(label, value, id) {
  return h('div', {class: 'metric', id}, h('div', {class: 'v'}, value), h('div', {class: 'k'}, label));
}

function dataTable(summary, columns, rows, id) {
  return h('details', {}, h('summary', {}, summary), table(columns, rows, {id, label: summary}));
}

function render(out, stats) {
  const t = stats.totals;
  const lat = t.latencyMs || {};
  const b = buckets(stats);
  const charts = h('div', {class: 'charts'});
  const cards = h('div', {class: 'cards', id: 'usage-totals', dataset: {calls: t.calls}},
    metric('calls', String(t.calls), 'total-calls'), metric('errors', String(t.errors), 'total-errors'),
    metric('error rate', t.calls ? `${Math.round((t.errors / t.calls) * 1000) / 10}%` : '—', 'total-error-rate'),
    metric('p50', fmt(lat.p50, ' ms')), metric('p95', fmt(lat.p95, ' ms')), metric('p99', fmt(lat.p99, ' ms')));
  clear(out, cards, charts);

  const calls = chartCard('chart-calls', 'Calls over time', `${t.calls} call${t.calls === 1 ? '' : 's'}, ${t.errors} error${t.errors === 1 ? '' : 's'} (per ${stats.bucket})`);
  calls.card.dataset.calls = String(t.calls);
  const rate = chartCard('chart-error-rate', 'Error rate', t.calls ? `${Math.round((t.errors / t.calls) * 1000) / 10}% of calls failed` : 'No calls in this range.');
  const latency = chartCard('chart-latency', 'Latency over time (ms)', `p50 ${fmt(lat.p50, ' ms')}, p95 ${fmt(lat.p95, ' ms')}, p99 ${fmt(lat.p99, ' ms')}`);
  const tools = stats.tools || [];
  const servers = stats.servers || [];
  const callers = stats.callers || [];
  const perTool = chartCard('chart-tool-latency', 'Latency per tool (ms)', `${tools.length} tool${tools.length === 1 ? '' : 's'} called`);
  const perServer = chartCard('chart-server-latency', 'Latency per server (ms)', `${servers.length} server${servers.length === 1 ? '' : 's'} called`);
  const topTools = chartCard('chart-top-tools', 'Top tools', tools.slice(0, 10).map(x => `${x.tool} ${x.calls}`).join(', ') || 'No calls.');
  const topCallers = chartCard('chart-top-callers', 'Top callers', callers.map(c => `${c.displayName || c.principal} ${c.calls}`).join(', ') || 'No calls.');
  charts.append(calls.card, rate.card, latency.card, perTool.card, perServer.card, topTools.card, topCallers.card);

  timeChart(calls.plot, b.xs, [{label: 'calls', values: b.calls, fill: true}, {label: 'errors', values: b.errors}], {yLabel: 'calls', stepped: true});
  timeChart(rate.plot, b.xs, [{label: 'error rate %', values: b.rate}], {yLabel: '%'});
  timeChart(latency.plot, b.xs, [{label: 'p50', values: b.p50}, {label: 'p95', values: b.p95}, {label: 'p99', values: b.p99}], {yLabel: 'ms'});
  const empty = (plot, text) => clear(plot, h('p', {class: 'empty'}, text));
  if (tools.length) barChart(perTool.plot, tools.slice(0, 15).map(x => x.tool), [{label: 'p50', values: tools.map(x => x.p50)},
    {label: 'p95', values: tools.map(x => x.p95)}, {label: 'p99', values: tools.map(x => x.p99)}], {unit: ' ms'});
  else empty(perTool.plot, 'No tool calls in this range.');
  if (servers.length) barChart(perServer.plot, servers.map(x => x.serverSlug || x.serverId || '?'), [{label: 'p50', values: servers.map(x => x.p50)},
    {label: 'p95', values: servers.map(x => x.p95)}, {label: 'p99', values: servers.map(x => x.p99)}], {unit: ' ms'});
  else empty(perServer.plot, 'No server calls in this range.');
  if (tools.length) barChart(topTools.plot, tools.slice(0, 10).map(x => x.tool), [{label: 'calls', values: tools.slice(0, 10).map(x => x.calls)},
    {label: 'errors', values: tools.slice(0, 10).map(x => x.errors)}]);
  else empty(topTools.plot, 'No calls in this range.');
  if (callers.length) barChart(topCallers.plot, callers.map(c => c.displayName || c.principal || '?'), [{label: 'calls', values: callers.map(c => c.calls)},
    {label: 'errors', values: callers.map(c => c.errors)}]);
  else empty(topCallers.plot, 'No calls in this range.');

  out.append(
    dataTable('Per tool (table)', [{label: 'Tool', cell: x => h('code', {}, x.tool)}, {label: 'Calls', num: true, cell: x => x.calls},
      {label: 'Errors', num: true, cell: x => x.errors}, {label: 'p50 ms', num: true, cell: x => fmt(x.p50)},
      {label: 'p95 ms', num: true, cell: x => fmt(x.p95)}, {label: 'p99 ms', num: true, cell: x => fmt(x.p99)}], tools, 'usage-tools'),
    dataTable('Per server (table)', [{label: 'Server', cell: x => x.serverSlug || x.serverId}, {label: 'Calls', num: true, cell: x => x.calls},
      {label: 'Errors', num: true, cell: x => x.errors}, {label: 'p50 ms', num: true, cell: x => fmt(x.p50)},
      {label: 'p95 ms', num: true, cell: x => fmt(x.p95)}, {label: 'p99 ms', num: true, cell: x => fmt(x.p99)}], servers, 'usage-servers'),
    dataTable('Top callers (table)', [{label: 'Caller', cell: c => [c.displayName || '', ' ', h('code', {}, c.principal)]},
      {label: 'Calls', num: true, cell: c => c.calls}, {label: 'Errors', num: true, cell: c => c.errors}], callers, 'usage-callers'),
    dataTable('Top errors (table)', [{label: 'Code', cell: e => h('code', {}, e.code)}, {label: 'Count', num: true, cell: e => e.count},
      {label: 'Example', cell: e => e.sample || ''}], stats.topErrors || [], 'usage-errors'));
}

export function usageView(preset) {
  const range = select('range', RANGES.map(([v, l]) => [v, l]), '24h', {id: 'usage-range'});
  const from = input('from', {type: 'datetime-local', id: 'usage-from'});
  const to = input('to', {type: 'datetime-local', id: 'usage-to'});
  const custom = h('div', {class: 'grid', hidden: true}, field('From', from), field('To', to));
  const out = h('div', {id: 'usage', 'aria-live': 'polite', 'aria-busy': 'true'});
  let latest = 0;
  const load = async () => {
    // Only the newest request renders: an older answer arriving late must not replace it.
    const mine = ++latest;
    let fromIso;
    let toIso;
    let bucket;
    if (range.value === 'custom') {
      if (!from.value || !to.value) { clear(out, h('p', {class: 'muted'}, 'Choose both ends of the range.')); return; }
      fromIso = new Date(from.value).toISOString();
      toIso = new Date(to.value).toISOString();
      bucket = autoBucket((Date.parse(toIso) - Date.parse(fromIso)) / 1000);
    } else {
      const [, , seconds, b] = RANGES.find(r => r[0] === range.value);
      const now = Date.now();
      toIso = new Date(now).toISOString();
      fromIso = new Date(now - seconds * 1000).toISOString();
      bucket = b;
    }
    out.setAttribute('aria-busy', 'true');
    try {
      const stats = await get(`/presets/${preset.id}/stats?${new URLSearchParams({from: fromIso, to: toIso, bucket})}`);
      if (mine !== latest) return;
      render(out, stats);
    } catch (e) {
      if (mine !== latest) return;
      clear(out, h('p', {class: 'err', role: 'alert'}, `Could not load the statistics: ${e.message}`));
      fail(e);
    } finally {
      if (mine === latest) out.setAttribute('aria-busy', 'false');
    }
  };
  range.addEventListener('change', () => { custom.hidden = range.value !== 'custom'; if (range.value !== 'custom') load(); });
  const form = h('form', {class: 'card', id: 'usage-form', 'aria-label': 'Time range', onsubmit: ev => { ev.preventDefault(); load(); }},
    h('div', {class: 'row'}, field('Time range', range), h('button', {type: 'submit', id: 'usage-refresh'}, 'Refresh')), custom);
  const wrap = h('div', {}, form, out);
  // Render after the wrapper is in the page, so the charts can measure their width.
  requestAnimationFrame(load);
  return wrap;
}
