// Sign-in: an API key typed in, a /#key=<api key> link, or the OAuth issuer (authorization code + PKCE).
import {credential} from './api.js';

const PKCE = 'mgw.console.pkce';

/**
 * A /#key=... link: take the key, drop it from the address bar and history at once (the fragment never
 * reached the server). Returns true when a key was taken.
 */
export function takeKeyFromFragment() {
  const hash = location.hash || '';
  if (!hash.startsWith('#key=')) return false;
  const key = decodeURIComponent(hash.slice(5));
  history.replaceState(null, '', location.pathname + '#/presets');
  if (key) credential.set(key);
  return !!key;
}

function base64url(bytes) {
  let s = '';
  bytes.forEach(b => { s += String.fromCharCode(b); });
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function random(n = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(n)));
}

async function discover(issuer) {
  const base = issuer.replace(/\/+$/, '');
  for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    try {
      const res = await fetch(base + path, {credentials: 'omit'});
      if (res.ok) return await res.json();
    } catch (e) { /* try the next well-known document */ }
  }
  throw new Error(`could not read the issuer's metadata at ${base}/.well-known/openid-configuration`);
}

function redirectUri() {
  return location.origin + '/';
}

/** Starts the authorization code flow with PKCE (RFC 7636, S256). */
export async function startOAuth(oauth) {
  if (!crypto.subtle) throw new Error('OAuth sign-in needs a secure context (https or localhost)');
  const meta = await discover(oauth.issuer);
  const verifier = random(48);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const state = random(16);
  sessionStorage.setItem(PKCE, JSON.stringify({verifier, state, tokenEndpoint: meta.token_endpoint}));
  const scopes = ['openid', ...(oauth.scopes || [])].join(' ');
  const q = new URLSearchParams({response_type: 'code', client_id: oauth.clientId, redirect_uri: redirectUri(),
    scope: scopes, state, code_challenge: challenge, code_challenge_method: 'S256'});
  if (oauth.audience) q.set('resource', oauth.audience);
  location.assign(meta.authorization_endpoint + '?' + q);
}

/** Back from the issuer with ?code&state: swap the code for an access token. Returns true when signed in. */
export async function finishOAuth(oauth) {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return false;
  history.replaceState(null, '', location.pathname + '#/presets');
  const saved = JSON.parse(sessionStorage.getItem(PKCE) || 'null');
  sessionStorage.removeItem(PKCE);
  if (params.has('error')) throw new Error(`the issuer refused the sign-in: ${params.get('error_description') || params.get('error')}`);
  if (!saved || saved.state !== params.get('state')) throw new Error('the sign-in answer does not match the request (state); try again');
  const form = new URLSearchParams({grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri(),
    client_id: oauth.clientId, code_verifier: saved.verifier});
  if (oauth.audience) form.set('resource', oauth.audience);
  const res = await fetch(saved.tokenEndpoint, {method: 'POST', credentials: 'omit',
    headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: form});
  const json = await res.json().catch(() => ({}));
  if (!res.ok || !json.access_token) throw new Error(`the token endpoint refused the code: ${json.error_description || json.error || res.status}`);
  credential.set(json.access_token);
  return true;
}
