// The console shell: sign-in, navigation, hash routes. Each route's page renders into a fresh view in <main>.
import {get, credential, setUnauthorizedHandler, ApiError} from './api.js';
import {takeKeyFromFragment, startOAuth, finishOAuth} from './auth.js';
import {h, clear, field, input} from './dom.js';
import {serversPage, serverAuditPage} from './pages/servers.js';
import {presetsPage} from './pages/presets.js';
import {presetPage} from './pages/preset.js';
import {keysPage} from './pages/keys.js';
import {principalsPage} from './pages/principals.js';
import {auditView} from './pages/audit.js';

export const session = {config: null, me: null};

const main = document.getElementById('main');
const statusEl = document.getElementById('status');

/** One line in the live region: polite for news, styled as an error for failures. */
export function say(message, isError = false) {
  statusEl.className = 'status' + (isError ? ' error' : '');
  statusEl.textContent = message || '';
}

export function fail(e) {
  say(e instanceof ApiError ? `${e.message} (HTTP ${e.status})` : String(e.message || e), true);
}

const routes = [
  [/^#\/servers$/, (m, view) => serversPage(view)],
  [/^#\/servers\/([0-9a-f-]+)\/audit$/, (m, view) => serverAuditPage(view, m[1])],
  [/^#\/presets$/, (m, view) => presetsPage(view)],
  [/^#\/presets\/([0-9a-f-]+)(?:\/([a-z]+))?$/, (m, view) => presetPage(view, m[1], m[2] || 'settings')],
  [/^#\/keys$/, (m, view) => keysPage(view)],
  [/^#\/principals$/, (m, view) => principalsPage(view)],
  [/^#\/audit$/, async (m, view) => {
    clear(view, h('h1', {}, 'Audit trail'), h('p', {class: 'muted'}, session.me.admin
      ? 'Every change to presets, servers, API keys and principals.' : 'The changes you made.'));
    view.append(await auditView('/audit-events', {global: true}));
  }],
];

async function route() {
  if (!session.me) return;
  const hash = location.hash || '#/presets';
  if (hash === '#' || hash === '#/') { location.hash = '#/presets'; return; }
  const top = hash.split('/')[1];
  document.querySelectorAll('#nav a').forEach(a => {
    if (a.dataset.nav === top) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  say('');
  // Each navigation renders into a view of its own: a page still loading for an earlier address finishes into a
  // view that is no longer shown, so it cannot replace the page asked for last.
  const view = h('div', {class: 'view'});
  main.replaceChildren(view);
  for (const [re, render] of routes) {
    const m = hash.match(re);
    if (m) {
      try {
        await render(m, view);
      } catch (e) {
        if (view.isConnected) fail(e);
      }
      const heading = view.querySelector('h1');
      if (heading && view.isConnected) { heading.tabIndex = -1; heading.focus({preventScroll: true}); }
      return;
    }
  }
  clear(view, h('h1', {}, 'Not found'), h('p', {}, h('a', {href: '#/presets'}, 'Go to presets')));
}

function signOut(message) {
  credential.clear();
  session.me = null;
  document.getElementById('nav').hidden = true;
  clear(document.getElementById('who'));
  signInPage(message);
}

function signInPage(message) {
  const key = input('apiKey', {type: 'password', id: 'api-key', autocomplete: 'off', required: true, spellcheck: 'false'});
  const form = h('form', {class: 'card', id: 'sign-in', onsubmit: async ev => {
    ev.preventDefault();
    credential.set(key.value.trim());
    await enter();
  }}, field('API key', key, 'An mgw_... key, or the administrator key (MGW_ADMIN_API_KEY). Kept in this tab only.'),
  h('div', {class: 'row'}, h('button', {class: 'primary', type: 'submit'}, 'Sign in')));
  const oauth = session.config && session.config.oauth;
  clear(main, h('h1', {}, 'Sign in'), message ? h('p', {class: 'err', role: 'alert'}, message) : null, form,
    oauth ? h('div', {class: 'card'}, h('p', {}, 'Or sign in through your identity provider:'),
      h('button', {type: 'button', id: 'oauth-sign-in', onclick: () => startOAuth(oauth).catch(fail)},
        'Sign in with ' + new URL(oauth.issuer).host)) : null);
  key.focus();
}

async function enter() {
  try {
    session.me = await get('/me');
  } catch (e) {
    credential.clear();
    signInPage(e instanceof ApiError && e.status === 401 ? 'That key was not accepted.'
      : e instanceof ApiError && e.status === 403 ? 'That key is limited to some presets (a data-plane key); use an unrestricted key.'
        : 'Could not reach the API: ' + e.message);
    return;
  }
  const me = session.me;
  document.getElementById('nav').hidden = false;
  document.querySelectorAll('[data-admin]').forEach(el => { el.hidden = !me.admin; });
  clear(document.getElementById('who'),
    h('span', {id: 'who-name'}, me.displayName || me.email || me.subject), me.admin ? h('span', {class: 'badge'}, 'admin') : null,
    h('button', {type: 'button', id: 'sign-out', onclick: () => signOut('Signed out.')}, 'Sign out'));
  if (!location.hash || location.hash === '#' || location.hash === '#/') history.replaceState(null, '', '#/presets');
  await route();
}

async function boot() {
  const fromLink = takeKeyFromFragment();
  try {
    session.config = await get('/console-config', {anonymous: true});
  } catch (e) {
    session.config = {mcpBaseUrl: location.origin.replace(/:\d+$/, ':8080'), oauth: null};
  }
  // The skip link moves focus, not the address: "#main" is not a route.
  document.querySelector('a.skip').addEventListener('click', ev => { ev.preventDefault(); main.focus(); });
  setUnauthorizedHandler(() => signOut('Your session ended (the key or token is no longer accepted). Sign in again.'));
  // A /#key= link opened in a tab that already shows the console changes only the fragment: no reload.
  window.addEventListener('hashchange', () => (takeKeyFromFragment() ? enter() : route()));
  try {
    if (session.config.oauth && await finishOAuth(session.config.oauth)) {
      await enter();
      return;
    }
  } catch (e) {
    signInPage(e.message);
    return;
  }
  if (fromLink || credential.get()) await enter();
  else signInPage();
}

boot();
