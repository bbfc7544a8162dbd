// One preset: settings, linked servers with the tool picker, the federated catalog, client configuration,
// access grants, audit trail and usage.
import {get, post, patch, put, del, all} from '../api.js';
import {h, clear, field, input, select, table, badge, showFieldErrors, when} from '../dom.js';
import {say, fail, session} from '../main.js';
import {VISIBILITIES} from './presets.js';
import {auditView} from './audit.js';
import {usageView} from './usage.js';
import {connectView} from './connect.js';

/** Per-link allow-lists besides tools that the API may carry; kept as they are and shown read-only. */
const KEPT_LISTS = ['allowedPromptNames', 'allowedResourceUris'];

const TABS = [['settings', 'Settings'], ['servers', 'Servers & tools'], ['catalog', 'Catalog'], ['connect', 'Connect'],
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

/** The tool picker of one linked server: search, select all (shown), clear; empty selection = all tools. */
function linkCard(preset, link, serverName, main) {
  const card = h('section', {class: 'card', 'aria-label': `Tools of ${serverName}`, dataset: {link: link.serverSlug || link.serverId}});
  const enabled = h('input', {type: 'checkbox', name: 'enabled', checked: link.enabled, id: `enabled-${link.serverId}`});
  const modeAll = h('input', {type: 'radio', name: `mode-${link.serverId}`, value: 'all', id: `all-${link.serverId}`, checked: link.allowedToolNames.length === 0});
  const modeSome = h('input', {type: 'radio', name: `mode-${link.serverId}`, value: 'some', id: `some-${link.serverId}`, checked: link.allowedToolNames.length > 0});
  const search = h('input', {type: 'search', id: `search-${link.serverId}`, placeholder: 'Filter tools', 'aria-label': `Filter tools of ${serverName}`});
  const list = h('ul', {class: 'tools', 'aria-label': `Tools of ${serverName}`});
  const chosen = new Set(link.allowedToolNames);
  const count = h('span', {class: 'muted', 'aria-live': 'polite'});
  let tools = [];
  const updateCount = () => { count.textContent = modeAll.checked ? `all ${tools.length} tools` : `${chosen.size} of ${tools.length} selected`; };
  const renderList = () => {
    const q = search.value.trim().toLowerCase();
    const shown = tools.filter(t => !q || t.name.toLowerCase().includes(q) || (t.description || '').toLowerCase().includes(q));
    clear(list, shown.map(t => {
      const cb = h('input', {type: 'checkbox', value: t.name, checked: chosen.has(t.name), disabled: modeAll.checked, dataset: {tool: t.name},
        onchange: () => { if (cb.checked) chosen.add(t.name); else chosen.delete(t.name); updateCount(); }});
      return h('li', {}, h('label', {}, cb, h('code', {}, t.name), h('span', {class: 'desc'}, t.description || '')));
    }));
    if (shown.length === 0) list.append(h('li', {class: 'muted'}, tools.length ? 'No tool matches the filter.' : 'No tools.'));
    updateCount();
    return shown;
  };
  const selectShown = on => {
    modeSome.checked = true;
    const q = search.value.trim().toLowerCase();
    tools.filter(t => !q || t.name.toLowerCase().includes(q) || (t.description || '').toLowerCase().includes(q))
      .forEach(t => (on ? chosen.add(t.name) : chosen.delete(t.name)));
    renderList();
  };
  search.addEventListener('input', renderList);
  modeAll.addEventListener('change', renderList);
  modeSome.addEventListener('change', renderList);
  const save = h('button', {type: 'button', class: 'primary', dataset: {save: link.serverSlug || ''}, onclick: async () => {
    if (modeSome.checked && chosen.size === 0) { say('Pick at least one tool, or choose "All tools".', true); return; }
    try {
      // Allow-lists this page does not edit (prompts, resources, where the API has them) are sent back as read,
      // so saving the tools never widens them.
      const body = {enabled: enabled.checked, allowedToolNames: modeAll.checked ? [] : [...chosen].sort()};
      for (const k of KEPT_LISTS) if (Array.isArray(link[k])) body[k] = link[k];
      await put(`/presets/${preset.id}/servers/${link.serverId}`, body);
      say(`Saved the tools of ${serverName}.`);
    } catch (e) { fail(e); }
  }}, 'Save tools');
  clear(card, h('h3', {}, serverName, ' ', h('code', {class: 'muted'}, link.serverSlug || '')),
    h('div', {class: 'row'}, enabled, h('label', {for: enabled.id}, 'Enabled')),
    h('fieldset', {}, h('legend', {class: 'legend'}, 'Expose'),
      h('div', {class: 'row'}, modeAll, h('label', {for: modeAll.id}, 'All tools (also tools the server adds later)'),
        modeSome, h('label', {for: modeSome.id}, 'Only the selected tools'))),
    h('div', {class: 'row'}, search,
      h('button', {type: 'button', onclick: () => selectShown(true)}, 'Select all shown'),
      h('button', {type: 'button', onclick: () => selectShown(false)}, 'Clear shown'), count),
    list,
    h('div', {class: 'row'}, save, h('button', {type: 'button', class: 'danger', onclick: async () => {
      try { await del(`/presets/${preset.id}/servers/${link.serverId}`); say(`Unlinked ${serverName}.`); await presetPage(main, preset.id, 'servers'); } catch (e) { fail(e); }
    }}, 'Unlink')),
    h('p', {class: 'muted'}, KEPT_LISTS.some(k => Array.isArray(link[k]))
      ? `Prompts: ${(link.allowedPromptNames || []).length ? link.allowedPromptNames.join(', ') : 'all'}; resources: ${(link.allowedResourceUris || []).length ? link.allowedResourceUris.join(', ') : 'all'} (change them through the API; saving here keeps them).`
      : 'Prompts and resources of linked servers are not filtered by the console.'));
  get(`/servers/${link.serverId}/tools`).then(res => {
    tools = (res.tools || []).slice().sort((a, b) => a.name.localeCompare(b.name));
    // Tools allowed earlier but gone from the server stay visible, so they can be removed.
    for (const name of chosen) if (!tools.some(t => t.name === name)) tools.push({name, description: '(not offered by the server now)'});
    renderList();
  }).catch(e => { clear(list, h('li', {class: 'err', role: 'alert'}, `Could not list the tools: ${e.message}`)); });
  list.append(h('li', {class: 'muted'}, 'Loading tools…'));
  return card;
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
      say('Linked. All its tools are exposed until you pick some.');
      await presetPage(main, preset.id, 'servers');
    } catch (e) { fail(e); }
  }}, h('div', {class: 'row'}, field('Link a server', pick), h('button', {type: 'submit', class: 'primary', id: 'link-submit'}, 'Link')),
  candidates.length === 0 ? h('p', {class: 'muted'}, owned.length ? 'Every server you may link is linked.' : h('span', {}, 'No servers yet: ', h('a', {href: '#/servers'}, 'register one'), '.')) : null);
  return h('div', {}, linkForm,
    preset.servers.length === 0 ? h('p', {class: 'muted'}, 'No servers linked yet.') : null,
    preset.servers.map(link => linkCard(preset, link, names.get(link.serverId) || link.serverSlug || link.serverId, main)),
    h('p', {}, h('a', {href: `#/presets/${preset.id}/catalog`}, 'See the catalog as clients see it →')));
}

async function catalog(preset) {
  let cat;
  try {
    cat = await get(`/presets/${preset.id}/tools`);
  } catch (e) {
    return h('p', {class: 'err', role: 'alert'}, `Could not build the catalog: ${e.message}`);
  }
  return h('div', {},
    h('p', {class: 'muted'}, 'The tools/list a client of ', h('code', {}, `/mcp/${preset.slug}`), ' receives: final names after collision handling.'),
    table([
      {label: 'Name clients see', cell: t => h('code', {}, t.name)},
      {label: 'Original name', cell: t => h('code', {}, t.originalName)},
      {label: 'Server', cell: t => t.serverSlug},
      {label: 'Description', cell: t => t.description || ''},
    ], cat.tools || [], {id: 'catalog-table', label: 'Federated tools', empty: 'No tools exposed.'}),
    (cat.notes || []).length ? [h('h2', {}, 'Name collisions'), table([
      {label: 'Name', cell: n => h('code', {}, n.name)},
      {label: 'Original', cell: n => h('code', {}, n.originalName || '')},
      {label: 'What happened', cell: n => n.reason},
    ], cat.notes, {id: 'collisions-table', label: 'Collisions'})] : h('p', {class: 'muted', id: 'no-collisions'}, 'No name collisions.'),
    (cat.unavailable || []).length ? [h('h2', {}, 'Unavailable servers'), table([
      {label: 'Server', cell: u => u.serverSlug || u.serverId},
      {label: 'Error', cell: u => h('span', {class: 'err'}, u.error)},
    ], cat.unavailable, {id: 'unavailable-table', label: 'Unavailable servers'})] : null);
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
