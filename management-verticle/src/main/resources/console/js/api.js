// The public /api/v1 API. The credential lives in sessionStorage (this tab only, gone when it closes) and
// is sent only in the Authorization header: no cookie, so no CSRF exposure (docs/CONSOLE.md).

const KEY = 'mgw.console.credential';

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

export const credential = {
  get: () => sessionStorage.getItem(KEY),
  set: value => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export async function api(method, path, body, {anonymous = false, bearer} = {}) {
  const headers = {Accept: 'application/json, application/problem+json'};
  const token = bearer || credential.get();
  if (!anonymous && token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch('/api/v1' + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit', cache: 'no-store', redirect: 'error',
  });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = {detail: text}; }
  if (!res.ok) {
    if (res.status === 401 && !bearer && !anonymous) onUnauthorized();
    throw new ApiError(res.status, json);
  }
  return json;
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body) => api('POST', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = path => api('DELETE', path);

/** Every page of a list (bounded: at most `max` items). */
export async function all(path, max = 500) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(`${path}${sep}limit=100${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}
