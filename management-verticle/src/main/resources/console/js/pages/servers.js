// Upstream servers: register, test the connection (live tool list or the upstream's error), status, circuit.
import {get, post, patch, del, all} from '../api.js';
import {h, clear, field, input, select, table, badge, showFieldErrors, when} from '../dom.js';
import {say, fail, session} from '../main.js';
import {auditView} from './audit.js';

function lines(text) {
  return text.split('\n').map(s => s.trim()).filter(Boolean);
}

/** "Name: value" lines to an object. */
function pairs(text, sep) {
  const out = {};
  for (const line of lines(text)) {
    const i = line.indexOf(sep);
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

function registerForm(onDone) {
  const transport = select('transport', [['streamable_http', 'Streamable HTTP'], ['sse', 'SSE (legacy)'], ['stdio', 'stdio (admins)']], 'streamable_http', {id: 'server-transport'});
  const url = input('url', {id: 'server-url', type: 'url', placeholder: 'https://mcp.example.com/mcp'});
  const command = input('command', {id: 'server-command', placeholder: 'npx'});
  const args = h('textarea', {name: 'args', id: 'server-args', placeholder: 'one argument per line'});
  const headers = h('textarea', {name: 'headers', id: 'server-headers', placeholder: 'Authorization: Bearer ...'});
  const env = h('textarea', {name: 'env', id: 'server-env', placeholder: 'NAME=value'});
  const httpFields = h('div', {class: 'grid'}, field('URL', url), field('Headers', headers, 'One "Name: value" per line; stored encrypted, shown masked.'));
  const stdioFields = h('div', {class: 'grid', hidden: true}, field('Command', command), field('Arguments', args),
    field('Environment', env, 'One NAME=value per line; stored encrypted.'));
  transport.addEventListener('change', () => {
    const stdio = transport.value === 'stdio';
    httpFields.hidden = stdio;
    stdioFields.hidden = !stdio;
  });
  const form = h('form', {class: 'card', id: 'server-form', 'aria-labelledby': 'server-form-title', onsubmit: async ev => {
    ev.preventDefault();
    const fd = new FormData(form);
    const body = {slug: fd.get('slug'), name: fd.get('name'), transport: fd.get('transport')};
    if (fd.get('description')) body.description = fd.get('description');
    if (body.transport === 'stdio') {
      body.command = fd.get('command');
      body.args = lines(fd.get('args'));
      body.env = pairs(fd.get('env'), '=');
    } else {
      body.url = fd.get('url');
      body.headers = pairs(fd.get('headers'), ':');
    }
    if (fd.get('toolCallTimeoutMs')) body.toolCallTimeoutMs = Number(fd.get('toolCallTimeoutMs'));
    try {
      const saved = await post('/servers', body);
      say(`Registered server "${saved.name}".`);
      form.reset();
      onDone();
    } catch (e) {
      showFieldErrors(form, e.problem);
      fail(e);
    }
  }},
  h('h2', {id: 'server-form-title'}, 'Register a server'),
  h('div', {class: 'grid'},
    field('Slug', input('slug', {id: 'server-slug', required: true, pattern: '[a-z0-9]([a-z0-9\\-]*[a-z0-9])?', minlength: 3, maxlength: 50}), '3-50 of a-z, 0-9 and -; prefixes tool names on collisions.'),
    field('Name', input('name', {id: 'server-name', required: true, maxlength: 100})),
    field('Transport', transport),
    field('Tool call timeout (ms)', input('toolCallTimeoutMs', {type: 'number', min: 100, max: 600000}), 'Empty = the gateway default.')),
  field('Description', input('description', {maxlength: 500})),
  httpFields, stdioFields,
  h('div', {class: 'row'}, h('button', {class: 'primary', type: 'submit', id: 'server-register'}, 'Register')));
  return form;
}

/** One gateway node's view (the node that answered /status): the worst breaker over that node's instances. */
function circuitBadge(st) {
  const instances = n => ` on ${n} instance${n === 1 ? '' : 's'}`;
  return st.circuit === 'open' ? badge('circuit open' + instances(st.openInstances), 'bad')
    : st.circuit === 'half_open' ? badge('circuit half-open' + instances(st.halfOpenInstances), 'warn')
      : badge('circuit closed', 'good');
}

/** "Test connection": the upstream's live tool list, or its error, in a region under the table. */
export async function testConnection(server, out) {
  clear(out, h('p', {}, `Connecting to ${server.name}…`));
  try {
    const res = await get(`/servers/${server.id}/tools`);
    const tools = res.tools || [];
    const others = h('p', {class: 'muted', id: 'test-features'}, 'Listing prompts and resources…');
    clear(out, h('h3', {}, `${server.name}: connected, ${tools.length} tool${tools.length === 1 ? '' : 's'}`),
      table([{label: 'Tool', cell: t => h('code', {}, t.name)}, {label: 'Description', cell: t => t.description || ''}],
        tools, {id: 'test-tools', label: `Tools of ${server.name}`}), others);
    const [prompts, resources] = await Promise.all([get(`/servers/${server.id}/prompts`), get(`/servers/${server.id}/resources`)]
      .map(p => p.catch(e => ({error: e.message}))));
    const n = (count, one) => `${count} ${one}${count === 1 ? '' : 's'}`;
    clear(others, prompts.error || resources.error ? `Could not list prompts or resources: ${prompts.error || resources.error}`
      : `Also offers ${n(prompts.prompts.length, 'prompt')}, ${n(resources.resources.length, 'resource')} and `
        + `${n(resources.resourceTemplates.length, 'resource template')} (pick them per preset).`);
  } catch (e) {
    clear(out, h('h3', {}, `${server.name}: connection failed`), h('p', {class: 'err', id: 'test-error', role: 'alert'}, e.message));
  }
}

export async function serversPage(main) {
  const servers = await all('/servers');
  const out = h('div', {id: 'test-result', 'aria-live': 'polite'});
  const circuits = new Map(servers.map(s => [s.id, h('span', {class: 'muted'}, '…')]));
  const rows = table([
    {label: 'Name', cell: s => [h('strong', {}, s.name), h('div', {class: 'muted'}, h('code', {}, s.slug))]},
    {label: 'Transport', cell: s => s.transport},
    {label: 'Endpoint', cell: s => h('code', {}, s.url || [s.command, ...(s.args || [])].join(' '))},
    {label: 'Status', cell: s => [badge(s.status, s.status === 'active' ? 'good' : 'warn'), ' ', circuits.get(s.id)]},
    {label: 'Actions', cell: s => h('div', {class: 'row'},
      h('button', {type: 'button', 'aria-label': `Test connection to ${s.name}`, dataset: {test: s.slug}, onclick: () => testConnection(s, out)}, 'Test connection'),
      h('button', {type: 'button', onclick: async () => {
        try {
          await patch(`/servers/${s.id}`, {status: s.status === 'active' ? 'disabled' : 'active'});
          await serversPage(main);
        } catch (e) { fail(e); }
      }}, s.status === 'active' ? 'Disable' : 'Enable'),
      h('a', {href: `#/servers/${s.id}/audit`}, 'History'),
      h('button', {type: 'button', class: 'danger', onclick: async () => {
        if (!confirm(`Remove server "${s.name}"?`)) return;
        try { await del(`/servers/${s.id}`); say('Server removed.'); await serversPage(main); } catch (e) { fail(e); }
      }}, 'Remove'))},
  ], servers, {id: 'servers-table', label: 'Servers', empty: 'No servers yet: register one below.'});
  clear(main, h('h1', {}, 'Servers'),
    h('p', {class: 'muted'}, session.me.admin ? 'All registered upstream MCP servers.' : 'The upstream MCP servers you registered.'),
    rows,
    h('p', {class: 'muted', id: 'circuit-note'}, 'Circuit: the worst breaker state over the gateway instances of one ',
      'gateway node, the one that answered; in a cluster, other nodes keep their own breakers and may see a server differently.'),
    out, registerForm(() => serversPage(main)));
  for (const s of servers) {
    get(`/servers/${s.id}/status`).then(st => clear(circuits.get(s.id), circuitBadge(st)))
      .catch(() => clear(circuits.get(s.id), badge('circuit unknown')));
  }
}

export async function serverAuditPage(main, id) {
  const server = await get(`/servers/${id}`);
  clear(main, h('p', {}, h('a', {href: '#/servers'}, '← Servers')), h('h1', {}, `History of ${server.name}`),
    h('p', {class: 'muted'}, 'Registered ', when(server.createdAt)));
  main.append(await auditView(`/servers/${id}/events`));
}
