// An audit trail with filters (event type prefix, actor, time window) and "load more" paging.
import {get} from '../api.js';
import {h, clear, field, input, select, when} from '../dom.js';
import {fail} from '../main.js';

const TYPES = [['', 'All events'], ['preset.created', 'Preset created'], ['preset.updated', 'Preset settings changed'],
  ['preset.server', 'Server links'], ['preset.access', 'Access grants'], ['preset.deleted', 'Preset deleted'],
  ['server.', 'Server changes'], ['api_key.', 'API keys'], ['principal.', 'Principals']];
const AGGREGATES = [['', 'Everything'], ['preset', 'Presets'], ['server', 'Servers'], ['api_key', 'API keys'], ['principal', 'Principals']];

function isoFromLocal(value) {
  return value ? new Date(value).toISOString() : '';
}

/** The trail at `path`; `global` adds the "what" filter and column (GET /audit-events). */
export async function auditView(path, {global = false} = {}) {
  const aggregate = global ? select('aggregateType', AGGREGATES, '', {id: 'audit-aggregate'}) : null;
  const type = select('type', TYPES, '', {id: 'audit-type'});
  const custom = input('typePrefix', {id: 'audit-type-prefix', placeholder: 'e.g. preset.server_linked'});
  const actor = input('actorId', {id: 'audit-actor', placeholder: 'principal id'});
  const from = input('from', {id: 'audit-from', type: 'datetime-local'});
  const to = input('to', {id: 'audit-to', type: 'datetime-local'});
  const body = h('tbody');
  const more = h('button', {type: 'button', hidden: true}, 'Load more');
  let cursor = null;

  const query = () => {
    const q = new URLSearchParams({limit: '50'});
    const t = custom.value.trim() || type.value;
    if (t) q.set('type', t);
    if (aggregate && aggregate.value) q.set('aggregateType', aggregate.value);
    if (actor.value.trim()) q.set('actorId', actor.value.trim());
    if (from.value) q.set('from', isoFromLocal(from.value));
    if (to.value) q.set('to', isoFromLocal(to.value));
    if (cursor) q.set('cursor', cursor);
    return q;
  };
  const load = async reset => {
    if (reset) { cursor = null; body.replaceChildren(); }
    try {
      const page = await get(`${path}?${query()}`);
      for (const e of page.items) {
        body.append(h('tr', {}, h('td', {}, when(e.occurredAt)), h('td', {}, h('code', {}, e.type)),
          global ? h('td', {}, e.aggregateType === 'preset' ? h('a', {href: `#/presets/${e.aggregateId}/audit`}, 'preset ', h('code', {}, e.aggregateId.slice(0, 8)))
            : e.aggregateType === 'server' ? h('a', {href: `#/servers/${e.aggregateId}/audit`}, 'server ', h('code', {}, e.aggregateId.slice(0, 8)))
              : [e.aggregateType, ' ', h('code', {}, e.aggregateId.slice(0, 8))]) : null,
          h('td', {}, h('code', {}, e.actorId || '—')),
          h('td', {}, h('details', {}, h('summary', {}, 'Details'), h('pre', {class: 'wrap'}, JSON.stringify(e.data, null, 2))))));
      }
      if (reset && page.items.length === 0) body.append(h('tr', {}, h('td', {colspan: global ? 5 : 4, class: 'muted'}, 'No events match.')));
      cursor = page.nextCursor;
      more.hidden = !cursor;
    } catch (e) { fail(e); }
  };
  more.addEventListener('click', () => load(false));
  const form = h('form', {class: 'card', id: 'audit-filters', 'aria-label': 'Audit filters', onsubmit: ev => { ev.preventDefault(); load(true); }},
    h('div', {class: 'grid'}, aggregate ? field('What', aggregate) : null, field('Event', type), field('Or type prefix', custom), field('Actor', actor),
      field('From', from), field('To', to)),
    h('div', {class: 'row'}, h('button', {type: 'submit', class: 'primary'}, 'Apply filters')));
  const wrap = h('div', {}, form, h('div', {class: 'table-wrap'}, h('table', {id: 'audit-table', 'aria-label': 'Audit trail'},
    h('thead', {}, h('tr', {}, (global ? ['When', 'Event', 'What', 'Actor', 'Data'] : ['When', 'Event', 'Actor', 'Data'])
      .map(c => h('th', {scope: 'col'}, c)))), body)), more);
  await load(true);
  return wrap;
}

