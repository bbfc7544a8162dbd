// One preset: settings, linked servers with the tool picker, the federated catalog, client configuration,
// access grants, audit trail and usage.
import {get, post, patch, put, del, all} from '../api.js';
import {h, clear, field, input, select, table, badge, showFieldErrors, when} from '../dom.js';
import {say, fail, session} from '../main.js';
import {VISIBILITIES} from './presets.js';
import {auditView} from './audit.js';
import {usageView} from './usage.js';
import {connectView} from './connect.js';

/**
 * The per-link allow-lists the Servers page edits: what each lists, from where, and the field of the link it fills.
 * Resources and resource templates share one list (a URI matching an allowed template is allowed).
 */
const KINDS = [
  {key: 'tools', legend: 'Tools', noun: 'tool', plural: 'tools', field: 'allowedToolNames',
    load: id => get(`/servers/${id}/tools`).then(r => (r.tools || []).map(t => ({id: t.name, text: t.description || ''})))},
  {key: 'prompts', legend: 'Prompts', noun: 'prompt', plural: 'prompts', field: 'allowedPromptNames',
    load: id => get(`/servers/${id}/prompts`).then(r => (r.prompts || []).map(p => ({id: p.name, text: p.description || p.title || ''})))},
  {key: 'resources', legend: 'Resources and resource templates', noun: 'resource', plural: 'resources', field: 'allowedResourceUris',
    load: id => get(`/servers/${id}/resources`).then(r => [
      ...(r.resources || []).map(x => ({id: x.uri, text: [x.name, x.description].filter(Boolean).join(': ')})),
      ...(r.resourceTemplates || []).map(x => ({id: x.uriTemplate, text: ['template', x.name, x.description].filter(Boolean).join(': ')}))])},
];

const TABS = [['settings', 'Settings'], ['servers', 'Linked servers'], ['catalog', 'Catalog'], ['connect', 'Connect'],
  ['access', 'Access'], ['audit', 'Audit'], ['usage', 'Usage']];

export async function presetPage(main, id, tab) {
  const preset = await get(`/presets/${id}`);
  const manages = session.me.admin || preset.ownerId === session.me.id;
  const tabs = h('nav', {class: 'tabs', 'aria-label': 'Preset sections'}, TABS
    .filter(([t]) => manages || ['catalog', 'connect'].includes(t))
    .map(([t, label]) => h('a', {href: `#/presets/${id}/${t}`, 'aria-current': t === tab ? 'page' : null, dataset: {tab: t}}, label)));
  const body = h('section', {id: 'preset-section', 'aria-label': TABS.find(([t]) => t === tab)?.[1] || tab});
  clear(main, h('p', {}, h('a', {href: '#/presets'}, '← Presets')),
    h('h1', {}, preset.name, ' ', h('code', {class: 'muted'}, preset.slug)),
    h('p', {}, badge(preset.visibility), ' ', badge(preset.status, preset.status === 'active' ? 'good' : 'warn'),
      manages ? null : ' (shared with you: read only)'),
    tabs, body);
  const render = {settings, servers, catalog, connect: p => connectView(p), access, audit: p => auditView(`/presets/${p.id}/events`), usage: p => usageView(p)}[tab];
  if (!render) { clear(body, h('p', {}, 'No such section.')); return; }
  const content = await render(preset, main);
  if (content) clear(body, content);
}

function settings(preset, main) {
  const form = h('form', {class: 'card', id: 'settings-form', 'aria-label': 'Preset settings', onsubmit: async ev => {
    ev.preventDefault();
    const fd = new FormData(form);
    const rate = fd.get('rateLimitPerMinute');
    try {
      await patch(`/presets/${preset.id}`, {name: fd.get('name'), description: fd.get('description') || null,
        visibility: fd.get('visibility'), status: fd.get('status'), rateLimitPerMinute: rate ? Number(rate) : null});
      say('Saved.');
      await presetPage(main, preset.id, 'settings');
    } catch (e) { showFieldErrors(form, e.problem); fail(e); }
  }},
  h('div', {class: 'grid'},
    field('Name', input('name', {value: preset.name, required: true, maxlength: 100})),
    field('Visibility', select('visibility', VISIBILITIES, preset.visibility, {id: 'settings-visibility'})),
    field('Status', select('status', [['active', 'Active'], ['disabled', 'Disabled (not served)'], ['archived', 'Archived']], preset.status)),
    field('Rate limit per minute', input('rateLimitPerMinute', {type: 'number', min: 1, value: preset.rateLimitPerMinute ?? ''}), 'Per caller; empty = the gateway default.')),
  field('Description', input('description', {value: preset.description || '', maxlength: 500})),
  h('div', {class: 'row'}, h('button', {type: 'submit', class: 'primary'}, 'Save'),
    h('button', {type: 'button', class: 'danger', onclick: async () => {
      if (!confirm(`Delete preset "${preset.name}"? Clients of /mcp/${preset.slug} stop working.`)) return;
      try { await del(`/presets/${preset.id}`); say('Preset deleted.'); location.hash = '#/presets'; } catch (e) { fail(e); }
    }}, 'Delete preset')));
  return h('div', {}, form, h('p', {class: 'muted'}, 'Created ', when(preset.createdAt), ' · changed ', when(preset.updatedAt)));
}

/**
 * One allow-list of a link: "all" (also what the server adds later) or "only the selected", with a filter box and
 * "Select all shown" / "Clear shown". An empty selection is "all", as in the API.
 */
function picker(kind, link, serverName) {
  const sid = `${kind.key}-${link.serverId}`;
  const chosen = new Set(link[kind.field] || []);
  const modeAll = h('input', {type: 'radio', name: `mode-${sid}`, value: 'all', id: `all-${sid}`, checked: chosen.size === 0});
  const modeSome = h('input', {type: 'radio', name: `mode-${sid}`, value: 'some', id: `some-${sid}`, checked: chosen.size > 0});
  const search = h('input', {type: 'search', id: `search-${sid}`, placeholder: `Filter ${kind.plural}`, 'aria-label': `Filter ${kind.plural} of ${serverName}`});
  const list = h('ul', {class: 'tools', 'aria-label': `${kind.legend} of ${serverName}`});
  const count = h('span', {class: 'muted', 'aria-live': 'polite'});
  let items = [];
  const matches = () => {
    const q = search.value.trim().toLowerCase();
    return items.filter(t => !q || t.id.toLowerCase().includes(q) || t.text.toLowerCase().includes(q));
  };
  const updateCount = () => { count.textContent = modeAll.checked ? `all ${items.length} ${kind.plural}` : `${chosen.size} of ${items.length} selected`; };
  const renderList = () => {
    const shown = matches();
    clear(list, shown.map(t => {
      const cb = h('input', {type: 'checkbox', value: t.id, checked: chosen.has(t.id), disabled: modeAll.checked, dataset: {[kind.noun]: t.id},
        onchange: () => { if (cb.checked) chosen.add(t.id); else chosen.delete(t.id); updateCount(); }});
      return h('li', {}, h('label', {}, cb, h('code', {}, t.id), h('span', {class: 'desc'}, t.text)));
    }));
    if (shown.length === 0) list.append(h('li', {class: 'muted'}, items.length ? `No ${kind.noun} matches the filter.` : `No ${kind.plural}.`));
    updateCount();
  };
  const selectShown = on => {
    modeSome.checked = true;
    matches().forEach(t => (on ? chosen.add(t.id) : chosen.delete(t.id)));
    renderList();
  };
  search.addEventListener('input', renderList);
  modeAll.addEventListener('change', renderList);
  modeSome.addEventListener('change', renderList);
  kind.load(link.serverId).then(loaded => {
    items = loaded.sort((a, b) => a.id.localeCompare(b.id));
    // Items allowed earlier but gone from the server stay visible, so they can be removed.
    for (const id of chosen) if (!items.some(t => t.id === id)) items.push({id, text: '(not offered by the server now)'});
    renderList();
  }).catch(e => { clear(list, h('li', {class: 'err', role: 'alert'}, `Could not list the ${kind.plural}: ${e.message}`)); });
  list.append(h('li', {class: 'muted'}, `Loading ${kind.plural}…`));
  const element = h('fieldset', {class: 'picker', dataset: {kind: kind.key}},
    h('legend', {class: 'legend'}, kind.legend),
    h('div', {class: 'row'}, h('label', {for: modeAll.id, class: 'choice'}, modeAll, `All ${kind.plural} (also ${kind.plural} the server adds later)`),
      h('label', {for: modeSome.id, class: 'choice'}, modeSome, `Only the selected ${kind.plural}`)),
    h('div', {class: 'row'}, search,
      h('button', {type: 'button', 'aria-label': `Select all shown ${kind.plural} of ${serverName}`, onclick: () => selectShown(true)}, 'Select all shown'),
      h('button', {type: 'button', 'aria-label': `Clear shown ${kind.plural} of ${serverName}`, onclick: () => selectShown(false)}, 'Clear shown'), count),
    list);
  return {kind, element, all: () => modeAll.checked, chosen: () => [...chosen].sort()};
}

/** A linked server: enabled, its tools, prompts and resources (each all or picked), save, unlink. */
function linkCard(preset, link, serverName, main) {
  const enabled = h('input', {type: 'checkbox', name: 'enabled', checked: link.enabled, id: `enabled-${link.serverId}`});
  const pickers = KINDS.map(kind => picker(kind, link, serverName));
  const save = h('button', {type: 'button', class: 'primary', dataset: {save: link.serverSlug || ''}, onclick: async () => {
    const empty = pickers.find(p => !p.all() && p.chosen().length === 0);
    if (empty) { say(`Pick at least one ${empty.kind.noun}, or choose "All ${empty.kind.plural}".`, true); return; }
    const body = {enabled: enabled.checked};
    for (const p of pickers) body[p.kind.field] = p.all() ? [] : p.chosen();
    try {
      await put(`/presets/${preset.id}/servers/${link.serverId}`, body);
      say(`Saved what ${serverName} exposes.`);
    } catch (e) { fail(e); }
  }}, 'Save');
  return h('section', {class: 'card', 'aria-label': `Link to ${serverName}`, dataset: {link: link.serverSlug || link.serverId}},
    h('h3', {}, serverName, ' ', h('code', {class: 'muted'}, link.serverSlug || '')),
    h('div', {class: 'row'}, enabled, h('label', {for: enabled.id}, 'Enabled')),
    pickers.map(p => p.element),
    h('div', {class: 'row'}, save, h('button', {type: 'button', class: 'danger', onclick: async () => {
      try { await del(`/presets/${preset.id}/servers/${link.serverId}`); say(`Unlinked ${serverName}.`); await presetPage(main, preset.id, 'servers'); } catch (e) { fail(e); }
    }}, 'Unlink')),
    h('p', {class: 'muted'}, 'Names and URIs that another linked server offers too are renamed for clients: see the ',
      h('a', {href: `#/presets/${preset.id}/catalog`}, 'catalog'), '.'));
}

async function servers(preset, main) {
  const owned = await all('/servers');
  const names = new Map(owned.map(s => [s.id, s.name]));
  const linked = new Set(preset.servers.map(s => s.serverId));
  const candidates = owned.filter(s => !linked.has(s.id));
  const pick = select('serverId', [['', 'Choose a server…'], ...candidates.map(s => [s.id, `${s.name} (${s.slug})`])], '', {id: 'link-server'});
  const linkForm = h('form', {class: 'card', id: 'link-form', 'aria-label': 'Link a server', onsubmit: async ev => {
    ev.preventDefault();
    if (!pick.value) return;
    try {
      await put(`/presets/${preset.id}/servers/${pick.value}`, {enabled: true, allowedToolNames: []});
      say('Linked. All its tools, prompts and resources are exposed until you pick some.');
      await presetPage(main, preset.id, 'servers');
    } catch (e) { fail(e); }
  }}, h('div', {class: 'row'}, field('Link a server', pick), h('button', {type: 'submit', class: 'primary', id: 'link-submit'}, 'Link')),
  candidates.length === 0 ? h('p', {class: 'muted'}, owned.length ? 'Every server you may link is linked.' : h('span', {}, 'No servers yet: ', h('a', {href: '#/servers'}, 'register one'), '.')) : null);
  return h('div', {}, linkForm,
    preset.servers.length === 0 ? h('p', {class: 'muted'}, 'No servers linked yet.') : null,
    preset.servers.map(link => linkCard(preset, link, names.get(link.serverId) || link.serverSlug || link.serverId, main)),
    h('p', {}, h('a', {href: `#/presets/${preset.id}/catalog`}, 'See the catalog as clients see it →')));
}

/** What happened to clashing names or URIs of one list (renamed for each claimant, or hidden). */
function collisions(notes, id, label, none) {
  return notes.length ? [h('h3', {}, label), table([
    {label: 'Name clients see', cell: n => n.name ? h('code', {}, n.name) : '(hidden)'},
    {label: 'Original', cell: n => h('code', {}, n.originalName || '')},
    {label: 'Server', cell: n => n.serverSlug || ''},
    {label: 'What happened', cell: n => n.reason},
  ], notes, {id, label})] : h('p', {class: 'muted', id: none}, `${label}: none.`);
}

/** One federated list as clients see it: exposed id, original id, server, description. */
function exposedTable(rows, idField, originalField, id, label, empty) {
  return table([
    {label: 'As clients see it', cell: t => h('code', {}, t[idField])},
    {label: 'Original', cell: t => h('code', {}, t[originalField])},
    {label: 'Server', cell: t => t.serverSlug},
    {label: 'Description', cell: t => [t.name && idField !== 'name' ? t.name + (t.description ? ': ' : '') : '', t.description || '']},
  ], rows, {id, label, empty});
}

async function catalog(preset) {
  // The gateway builds these lists exactly as it serves them; a failure of one does not hide the others.
  const [tools, prompts, resources] = await Promise.all(['tools', 'prompts', 'resources']
    .map(list => get(`/presets/${preset.id}/${list}`).catch(e => ({error: e.message}))));
  const failed = (what, res) => res.error ? h('p', {class: 'err', role: 'alert'}, `Could not build the ${what}: ${res.error}`) : null;
  const unavailable = new Map();
  for (const res of [tools, prompts, resources]) for (const u of res.unavailable || []) unavailable.set(u.serverId, u);
  return h('div', {},
    h('p', {class: 'muted'}, 'What a client of ', h('code', {}, `/mcp/${preset.slug}`), ' receives from tools/list, prompts/list, ',
      'resources/list and resources/templates/list. A name or URI only one linked server offers passes unchanged; when ',
      'several offer it, each is renamed: ', h('code', {}, '{server}__{name}'), ' for tools and prompts, ',
      h('code', {}, 'mcpgw://{server}/{uri}'), ' for resources and templates.'),
    h('h2', {}, 'Tools'),
    failed('tool catalog', tools) || [
      exposedTable(tools.tools || [], 'name', 'originalName', 'catalog-table', 'Federated tools', 'No tools exposed.'),
      collisions(tools.notes || [], 'collisions-table', 'Tool name collisions', 'no-collisions')],
    h('h2', {}, 'Prompts'),
    failed('prompt list', prompts) || [
      exposedTable(prompts.prompts || [], 'name', 'originalName', 'prompts-table', 'Federated prompts', 'No prompts exposed.'),
      collisions(prompts.notes || [], 'prompt-collisions-table', 'Prompt name collisions', 'no-prompt-collisions')],
    h('h2', {}, 'Resources'),
    failed('resource list', resources) || [
      exposedTable(resources.resources || [], 'uri', 'originalUri', 'resources-table', 'Federated resources', 'No resources exposed.'),
      h('h3', {}, 'Resource templates'),
      exposedTable(resources.resourceTemplates || [], 'uriTemplate', 'originalUriTemplate', 'templates-table',
        'Federated resource templates', 'No resource templates exposed.'),
      collisions(resources.notes || [], 'resource-collisions-table', 'Resource URI collisions', 'no-resource-collisions')],
    unavailable.size ? [h('h2', {}, 'Unavailable servers'), table([
      {label: 'Server', cell: u => u.serverSlug || u.serverId},
      {label: 'Error', cell: u => h('span', {class: 'err'}, u.error)},
    ], [...unavailable.values()], {id: 'unavailable-table', label: 'Unavailable servers'})] : null);
}

async function access(preset, main) {
  if (preset.visibility !== 'invite_only') {
    return h('div', {}, h('p', {}, preset.visibility === 'public' ? 'This preset is public: every signed-in caller may use it.'
      : 'This preset is private: only its owner and administrators may use it.'),
    h('p', {}, 'Switch the visibility to "Invite only" in ', h('a', {href: `#/presets/${preset.id}/settings`}, 'Settings'), ' to share it with chosen principals.'),
    keysHint(preset));
  }
  const grants = await all(`/presets/${preset.id}/access`);
  const principals = session.me.admin ? await all('/principals').catch(() => []) : [];
  const label = new Map(principals.map(p => [p.id, p.displayName || p.email || p.subject]));
  const who = principals.length
    ? select('principalId', [['', 'Choose a principal…'], ...principals.map(p => [p.id, `${label.get(p.id)} (${p.id.slice(0, 8)})`])], '', {id: 'grant-principal'})
    : input('principalId', {id: 'grant-principal', placeholder: 'principal id (UUID)', required: true});
  const form = h('form', {class: 'card', id: 'grant-form', 'aria-label': 'Grant access', onsubmit: async ev => {
    ev.preventDefault();
    try {
      await post(`/presets/${preset.id}/access`, {principalId: who.value.trim()});
      say('Access granted.');
      await presetPage(main, preset.id, 'access');
    } catch (e) { showFieldErrors(form, e.problem); fail(e); }
  }}, h('div', {class: 'row'}, field('Grant access to', who, principals.length ? null : 'Ask the person for their id (GET /api/v1/me shows it).'),
    h('button', {type: 'submit', class: 'primary'}, 'Grant')));
  return h('div', {}, table([
    {label: 'Principal', cell: g => [label.get(g.principalId) || '', ' ', h('code', {}, g.principalId)]},
    {label: 'Granted', cell: g => when(g.grantedAt)},
    {label: '', cell: g => h('button', {type: 'button', class: 'danger', onclick: async () => {
      try { await del(`/presets/${preset.id}/access/${g.principalId}`); say('Access revoked.'); await presetPage(main, preset.id, 'access'); } catch (e) { fail(e); }
    }}, 'Revoke')},
  ], grants, {id: 'grants-table', label: 'Access grants', empty: 'No grants yet.'}), form, keysHint(preset));
}

function keysHint(preset) {
  return h('p', {class: 'muted'}, 'API keys limited to this preset are made on the ', h('a', {href: '#/keys'}, 'API keys'),
    ' page or on ', h('a', {href: `#/presets/${preset.id}/connect`}, 'Connect'), '.');
}
