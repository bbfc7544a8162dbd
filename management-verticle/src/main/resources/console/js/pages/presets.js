// Presets: the list the caller may see (own, shared, public; admins all) and "create".
import {post, all} from '../api.js';
import {h, clear, field, input, select, table, badge, showFieldErrors} from '../dom.js';
import {say, fail, session} from '../main.js';

export const VISIBILITIES = [['private', 'Private (owner and admins)'], ['invite_only', 'Invite only (grants)'], ['public', 'Public (any signed-in caller)']];

export async function presetsPage(main) {
  const presets = await all('/presets');
  const form = h('form', {class: 'card', id: 'preset-form', 'aria-labelledby': 'preset-form-title', onsubmit: async ev => {
    ev.preventDefault();
    const fd = new FormData(form);
    const body = {slug: fd.get('slug'), name: fd.get('name'), visibility: fd.get('visibility')};
    if (fd.get('description')) body.description = fd.get('description');
    if (fd.get('rateLimitPerMinute')) body.rateLimitPerMinute = Number(fd.get('rateLimitPerMinute'));
    try {
      const saved = await post('/presets', body);
      say(`Created preset "${saved.name}". Link servers and pick tools next.`);
      location.hash = `#/presets/${saved.id}/servers`;
    } catch (e) {
      showFieldErrors(form, e.problem);
      fail(e);
    }
  }},
  h('h2', {id: 'preset-form-title'}, 'Create a preset'),
  h('div', {class: 'grid'},
    field('Slug', input('slug', {id: 'preset-slug', required: true, minlength: 3, maxlength: 50}), 'Clients connect to /mcp/{slug}.'),
    field('Name', input('name', {id: 'preset-name', required: true, maxlength: 100})),
    field('Visibility', select('visibility', VISIBILITIES, 'private', {id: 'preset-visibility'})),
    field('Rate limit per minute', input('rateLimitPerMinute', {id: 'preset-rate', type: 'number', min: 1}), 'Per caller; empty = the gateway default.')),
  field('Description', input('description', {maxlength: 500})),
  h('div', {class: 'row'}, h('button', {class: 'primary', type: 'submit', id: 'preset-create'}, 'Create')));
  clear(main, h('h1', {}, 'Presets'),
    h('p', {class: 'muted'}, session.me.admin ? 'Every preset (you are an administrator).' : 'Your presets and those shared with you.'),
    table([
      {label: 'Name', cell: p => h('a', {href: `#/presets/${p.id}`, dataset: {preset: p.slug}}, p.name)},
      {label: 'Slug', cell: p => h('code', {}, p.slug)},
      {label: 'Visibility', cell: p => p.visibility},
      {label: 'Status', cell: p => badge(p.status, p.status === 'active' ? 'good' : 'warn')},
      {label: 'Servers', num: true, cell: p => (p.servers || []).length},
      {label: 'Usage', cell: p => h('a', {href: `#/presets/${p.id}/usage`, 'aria-label': `Usage of ${p.name}`}, 'Usage')},
    ], presets, {id: 'presets-table', label: 'Presets', empty: 'No presets yet: create one below.'}),
    form);
}
