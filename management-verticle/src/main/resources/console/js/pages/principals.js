// Principals (administrators): the users grants and keys name. OAuth users appear on first sign-in.
import {post, all} from '../api.js';
import {h, clear, field, input, table, badge, showFieldErrors, when} from '../dom.js';
import {say, fail, session} from '../main.js';

export async function principalsPage(main) {
  if (!session.me.admin) {
    clear(main, h('h1', {}, 'Principals'), h('p', {}, 'Only administrators list principals. Your id: ', h('code', {}, session.me.id)));
    return;
  }
  const principals = await all('/principals');
  const form = h('form', {class: 'card', id: 'principal-form', 'aria-labelledby': 'principal-form-title', onsubmit: async ev => {
    ev.preventDefault();
    const fd = new FormData(form);
    try {
      const p = await post('/principals', {subject: fd.get('subject'), displayName: fd.get('displayName') || null,
        email: fd.get('email') || null, admin: fd.get('admin') === 'on'});
      say(`Created ${p.displayName || p.subject}. Give them an API key on the API keys page.`);
      await principalsPage(main);
    } catch (e) { showFieldErrors(form, e.problem); fail(e); }
  }},
  h('h2', {id: 'principal-form-title'}, 'Create a local user'),
  h('div', {class: 'grid'}, field('Subject', input('subject', {required: true, maxlength: 200, id: 'principal-subject'}), 'A unique login name.'),
    field('Display name', input('displayName', {maxlength: 200})), field('Email', input('email', {type: 'email', maxlength: 320}))),
  h('div', {class: 'row'}, h('input', {type: 'checkbox', name: 'admin', id: 'principal-admin'}), h('label', {for: 'principal-admin'}, 'Administrator')),
  h('div', {class: 'row'}, h('button', {type: 'submit', class: 'primary'}, 'Create')));
  clear(main, h('h1', {}, 'Principals'), table([
    {label: 'Name', cell: p => p.displayName || p.email || p.subject},
    {label: 'Id', cell: p => h('code', {}, p.id)},
    {label: 'Issuer', cell: p => p.issuer},
    {label: 'Role', cell: p => (p.admin ? badge('admin') : 'user')},
    {label: 'Since', cell: p => when(p.createdAt)},
  ], principals, {id: 'principals-table', label: 'Principals'}), form);
}
