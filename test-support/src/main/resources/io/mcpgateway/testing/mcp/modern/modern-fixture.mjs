// A 2026-07-28 (modern) MCP server on the TypeScript SDK v2, for gateway tests: `node modern-fixture.mjs NAME`
// prints "listening <port>" once it serves http://127.0.0.1:<port>/mcp. Both eras are served by the SDK
// (legacy 2025 requests statelessly; input_required returns become real server-to-client requests there).
// Tools: <name>_echo {text}, <name>_confirm {what} (asks an elicitation, input_required), <name>_sample
// {prompt} (asks a sampling request), <name>_stateful {step} (requestState only), <name>_slow {ms} (logs, then waits unless
// cancelled), <name>_cancelled (how many calls this process saw cancelled). Prompt <name>_greeting (and
// those added through /control/prompt); resources <name>://doc/a and <name>://doc/b (subscribable).
// Test control over HTTP, not MCP: GET /control/listens lists the open subscriptions/listen filters; POST
// /control/update?uri=U sends notifications/resources/updated for U; POST /control/prompt?name=N adds a prompt.
// `--port=N` listens on N instead of a free port. `node modern-fixture.mjs NAME --stdio` serves the same tools
// over stdio instead (both eras: the SDK's serveStdio answers a server/discover probe as a modern server and an
// initialize as a 2025 one).
import http from 'node:http';
import { McpServer, createMcpHandler, fromJsonSchema, inputRequired, inputResponse } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';

const name = process.argv[2] || 'modern';
const stdio = process.argv.includes('--stdio');
let cancelledCalls = 0;
const obj = (properties, required = []) => fromJsonSchema({ type: 'object', properties, required });
const addedPrompts = [];
/** The open listen streams (HTTP): a key per request -> the filter it asked for. */
const listens = new Map();
let nextListen = 0;

function build() {
  const server = new McpServer({ name, version: '1.0.0' }, {
    capabilities: { tools: { listChanged: true }, logging: {}, prompts: { listChanged: true },
      resources: { subscribe: true, listChanged: true } },
    cacheHints: { 'tools/list': { ttlMs: 60000, cacheScope: 'public' } }
  });
  server.registerTool(name + '_echo', { description: 'echoes text', inputSchema: obj({ text: { type: 'string' } }, ['text']) },
    async ({ text }) => ({ content: [{ type: 'text', text: name + ': ' + text }] }));
  server.registerTool(name + '_confirm', { description: 'asks the user to confirm', inputSchema: obj({ what: { type: 'string' } }, ['what']) },
    async ({ what }, ctx) => {
      const answer = inputResponse(ctx.mcpReq.inputResponses, 'confirm');
      if (answer.kind !== 'elicit') {
        return inputRequired({ inputRequests: { confirm: inputRequired.elicit({ message: 'Confirm ' + what + '?',
          requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } }) } });
      }
      return { content: [{ type: 'text', text: 'confirm ' + what + ': ' + answer.action + ' ' + JSON.stringify(answer.content ?? {}) }] };
    });
  server.registerTool(name + '_sample', { description: 'asks the client LLM', inputSchema: obj({ prompt: { type: 'string' } }, ['prompt']) },
    async ({ prompt }, ctx) => {
      const answer = inputResponse(ctx.mcpReq.inputResponses, 'llm');
      if (answer.kind !== 'sampling') {
        return inputRequired({ inputRequests: { llm: inputRequired.createMessage({ messages: [{ role: 'user',
          content: { type: 'text', text: prompt } }], maxTokens: 50 }) } });
      }
      return { content: [{ type: 'text', text: 'sampled: ' + JSON.stringify(answer.content ?? answer) }] };
    });
  server.registerTool(name + '_stateful', { description: 'two rounds carried in requestState', inputSchema: obj({}) },
    async (_args, ctx) => {
      const state = ctx.mcpReq.requestState();
      if (!state) {
        return inputRequired({ requestState: 'round-1' });
      }
      return { content: [{ type: 'text', text: 'resumed from ' + state }] };
    });
  server.registerTool(name + '_slow', { description: 'waits ms unless cancelled', inputSchema: obj({ ms: { type: 'number' } }) },
    async ({ ms }, ctx) => {
      await ctx.mcpReq.notify({ method: 'notifications/message', params: { level: 'info', data: 'sleeping' } });
      const aborted = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), ms ?? 0);
        ctx.mcpReq.signal.addEventListener('abort', () => { clearTimeout(timer); cancelledCalls++; resolve(true); });
      });
      return { content: [{ type: 'text', text: aborted ? 'aborted' : 'slept' }] };
    });
  server.registerTool(name + '_cancelled', { description: 'how many calls were cancelled', inputSchema: obj({}) },
    async () => ({ content: [{ type: 'text', text: String(cancelledCalls) }] }));
  for (const prompt of [name + '_greeting', ...addedPrompts]) {
    server.registerPrompt(prompt, { description: 'says hello' },
      async () => ({ messages: [{ role: 'user', content: { type: 'text', text: prompt + ': hello' } }] }));
  }
  for (const doc of ['a', 'b']) {
    const uri = name + '://doc/' + doc;
    server.registerResource(name + '-doc-' + doc, uri, { mimeType: 'text/plain' },
      async () => ({ contents: [{ uri, mimeType: 'text/plain', text: 'document ' + doc }] }));
  }
  return server;
}

if (stdio) {
  serveStdio(() => build());
} else {
  serveHttp();
}

function control(handler, req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/control/listens') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify([...listens.values()]));
  } else if (req.method === 'POST' && url.pathname === '/control/update') {
    handler.notify.resourceUpdated(url.searchParams.get('uri'));
    res.writeHead(204).end();
  } else if (req.method === 'POST' && url.pathname === '/control/prompt') {
    addedPrompts.push(url.searchParams.get('name'));
    handler.notify.promptsChanged();
    res.writeHead(204).end();
  } else {
    res.writeHead(404).end();
  }
}

function serveHttp() {
  const handler = createMcpHandler(() => build());
  const httpServer = http.createServer(async (req, res) => {
    try {
      if (req.url.startsWith('/control/')) {
        control(handler, req, res);
        return;
      }
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const body = Buffer.concat(chunks);
      try {
        const message = JSON.parse(body.toString());
        if (message?.method === 'subscriptions/listen') {
          const key = nextListen++;
          listens.set(key, message.params?.notifications ?? {});
          res.on('close', () => listens.delete(key));
        }
      } catch {
        // not JSON: the handler answers it
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      const request = new Request('http://' + req.headers.host + req.url, { method: req.method, headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body });
      const response = await handler.fetch(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) {
        const reader = response.body.getReader();
        req.on('close', () => reader.cancel().catch(() => {}));
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          res.write(value);
        }
      }
      res.end();
    } catch (e) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    }
  });
  // --port=N: a restarted fixture comes back where the gateway knows it.
  const port = Number((process.argv.find((a) => a.startsWith('--port=')) ?? '--port=0').slice(7));
  httpServer.listen(port, '127.0.0.1', () => console.log('listening ' + httpServer.address().port));
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
