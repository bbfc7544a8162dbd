// API keys: create (scope to presets, expiry; admins for another principal), list, revoke.
import {post, del, all} from '../api.js';
import {h, clear, field, input, select, table, badge, showFieldErrors, when, copyButton} from '../dom.js';
import {say, fail, session} from '../main.js';

export async function keysPage(main, shown) {
  const [keys, presets, principals] = await Promise.all([all('/api-keys'), all('/presets'),
    session.me.admin ? all('/principals').catch(() => []) : Promise.resolve([])]);
  const slug = new Map(presets.map(p => [p.id, p.slug]));
  const scope = h('fieldset', {class: 'field'}, h('legend', {class: 'legend'}, 'Presets this key may use'),
    h('p', {class: 'hint'}, 'None ticked = an unrestricted key (also works for this console and /api/v1). Ticked = a data-plane key for those presets only.'),
    h('ul', {class: 'tools', id: 'key-presets'}, presets.map(p => h('li', {}, h('label', {},
      h('input', {type: 'checkbox', name: 'presetIds', value: p.id, dataset: {preset: p.slug}}), p.name, ' ', h('code', {class: 'muted'}, p.slug))))));
  const owner = principals.length ? field('For principal', select('principalId', [['', 'Me'], ...principals.map(p => [p.id, p.displayName || p.email || p.subject])], '', {id: 'key-principal'})) : null;
  const created = h('div', {'aria-live': 'polite', id: 'key-created'});
  if (shown) clear(created, shown);
  const form = h('form', {class: 'card', id: 'key-form', 'aria-labelledby': 'key-form-title', onsubmit: async ev => {
    ev.preventDefault();
    const fd = new FormData(form);
    const body = {name: fd.get('name'), presetIds: fd.getAll('presetIds')};
    if (fd.get('expiresAt')) body.expiresAt = new Date(fd.get('expiresAt')).toISOString();
    if (fd.get('principalId')) body.principalId = fd.get('principalId');
    try {
      const k = await post('/api-keys', body);
      say('Key created. Copy it now: it is not shown again.');
      await keysPage(main, h('div', {class: 'card'}, h('p', {}, `New key "${body.name}" (shown once):`),
        h('div', {class: 'secret', id: 'new-key'}, k.key), copyButton(() => k.key, 'Copy key')));
    } catch (e) { showFieldErrors(form, e.problem); fail(e); }
  }},
  h('h2', {id: 'key-form-title'}, 'Create an API key'),
  h('div', {class: 'grid'}, field('Name', input('name', {id: 'key-name', required: true, maxlength: 100})),
    field('Expires', input('expiresAt', {type: 'datetime-local', id: 'key-expires'}), 'Empty = never.'), owner),
  scope, h('div', {class: 'row'}, h('button', {class: 'primary', type: 'submit', id: 'key-create'}, 'Create key')));
  clear(main, h('h1', {}, 'API keys'), created,
    table([
      {label: 'Name', cell: k => k.name},
      {label: 'Prefix', cell: k => h('code', {}, k.prefix)},
      {label: 'Scope', cell: k => (k.presetIds || []).length ? k.presetIds.map(id => h('code', {}, (slug.get(id) || id) + ' ')) : 'all (incl. /api/v1)'},
      {label: 'Expires', cell: k => when(k.expiresAt)},
      {label: 'Last used', cell: k => when(k.lastUsedAt)},
      {label: 'State', cell: k => k.revokedAt ? badge('revoked', 'bad') : k.expiresAt && Date.parse(k.expiresAt) < Date.now() ? badge('expired', 'warn') : badge('active', 'good')},
      {label: '', cell: k => k.revokedAt ? '' : h('button', {type: 'button', class: 'danger', 'aria-label': `Revoke key ${k.name}`, onclick: async () => {
        if (!confirm(`Revoke "${k.name}"? Clients using it stop at once.`)) return;
        try { await del(`/api-keys/${k.id}`); say('Key revoked.'); await keysPage(main); } catch (e) { fail(e); }
      }}, 'Revoke')},
    ], keys, {id: 'keys-table', label: 'API keys', empty: 'No keys yet.'}),
    form);
}
