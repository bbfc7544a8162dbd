// Copy-paste client configuration for the preset's MCP endpoint (the data plane's public URL, not this port).
import {post} from '../api.js';
import {h, clear, copyButton} from '../dom.js';
import {fail, session} from '../main.js';

const PLACEHOLDER = '<your API key>';

export function endpointUrl(preset) {
  const base = (session.config.mcpBaseUrl || '').replace(/\/+$/, '');
  return base + (session.config.mcpPathTemplate || '/mcp/{slug}').replace('{slug}', preset.slug);
}

function snippets(preset, key) {
  const url = endpointUrl(preset);
  const name = preset.slug;
  return [
    ['Claude Code', 'Run in a terminal:', `claude mcp add --transport http ${name} ${url} --header "Authorization: Bearer ${key}"`],
    ['Claude Desktop', 'claude_desktop_config.json (Settings → Developer → Edit Config); uses the mcp-remote bridge:', JSON.stringify({mcpServers: {[name]: {
      command: 'npx', args: ['-y', 'mcp-remote', url, '--header', 'Authorization:${AUTH_HEADER}'], env: {AUTH_HEADER: `Bearer ${key}`}}}}, null, 2)],
    ['VS Code', '.vscode/mcp.json (VS Code asks for the key once and stores it securely):', JSON.stringify({
      inputs: [{type: 'promptString', id: `${name}-key`, description: `API key for ${preset.name}`, password: true}],
      servers: {[name]: {type: 'http', url, headers: {Authorization: `Bearer \${input:${name}-key}`}}}}, null, 2)],
    ['Cursor', '~/.cursor/mcp.json (or .cursor/mcp.json in a project):', JSON.stringify({mcpServers: {[name]: {
      url, headers: {Authorization: `Bearer ${key}`}}}}, null, 2)],
  ];
}

export function connectView(preset) {
  const box = h('div', {id: 'snippets'});
  let key = PLACEHOLDER;
  const render = () => clear(box, snippets(preset, key).map(([client, where, text]) => {
    const id = 'snippet-' + client.toLowerCase().replace(/\s+/g, '-');
    return h('section', {class: 'card', 'aria-labelledby': id + '-title'}, h('h3', {id: id + '-title'}, client),
      h('p', {class: 'muted'}, where), h('pre', {id, tabindex: 0}, text), copyButton(() => text, 'Copy'));
  }));
  const keyOut = h('div', {'aria-live': 'polite'});
  const makeKey = h('button', {type: 'button', id: 'connect-make-key', onclick: async () => {
    try {
      const created = await post('/api-keys', {name: `${preset.slug} client`, presetIds: [preset.id]});
      key = created.key;
      clear(keyOut, h('p', {}, 'A key limited to this preset (shown once, now filled into the snippets):'),
        h('div', {class: 'secret', id: 'created-key'}, created.key), copyButton(() => created.key, 'Copy key'));
      render();
    } catch (e) { fail(e); }
  }}, 'Create a key for this preset');
  render();
  const url = endpointUrl(preset);
  return h('div', {},
    h('p', {}, 'Endpoint: ', h('code', {id: 'endpoint-url'}, url), ' ', copyButton(() => url, 'Copy URL')),
    h('p', {class: 'muted'}, 'Streamable HTTP. Clients send the key as "Authorization: Bearer <key>"',
      session.config.oauth ? ', or sign in through the OAuth issuer when they support MCP authorization.' : '.'),
    h('div', {class: 'row'}, makeKey), keyOut, box);
}
