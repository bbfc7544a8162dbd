// The conformance fixture for MCP 2026-07-28, on the TypeScript SDK v2: the tools, prompt and behaviours the
// server scenarios of @modelcontextprotocol/conformance (--requirements 2026-07-28) ask for, each as its
// scenario's requirements describe. Serves both eras (the SDK answers 2025 requests statelessly). Prints
// "listening <port>" once it serves http://127.0.0.1:<port>/mcp.
import http from 'node:http';
import { createHmac, randomUUID } from 'node:crypto';
import { McpServer, ProtocolError, createMcpHandler, fromJsonSchema, inputRequired, inputResponse } from '@modelcontextprotocol/server';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const WAV = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=';
const SECRET = 'fixture-' + randomUUID();
const NO_ARGS = fromJsonSchema({ type: 'object', properties: {} });
const text = (t) => ({ content: [{ type: 'text', text: t }] });
const nameSchema = (prop) => ({ type: 'object', properties: { [prop]: { type: 'string' } }, required: [prop] });

// requestState is attacker-controlled input: HMAC-signed, any change fails verification (mrtr §Server Requirements).
const sign = (payload) => {
  const data = JSON.stringify(payload);
  return JSON.stringify({ data, mac: createHmac('sha256', SECRET).update(data).digest('hex') });
};
const verify = (raw) => {
  try {
    const { data, mac } = JSON.parse(raw);
    return typeof data === 'string' && createHmac('sha256', SECRET).update(data).digest('hex') === mac ? JSON.parse(data) : null;
  } catch {
    return null;
  }
};
const stateOf = (ctx) => {
  const raw = ctx.mcpReq.requestState();
  return typeof raw === 'string' ? raw : undefined;
};
const responses = (ctx) => ctx.mcpReq.inputResponses ?? {};
const elicited = (ctx, key) => {
  const r = inputResponse(responses(ctx), key);
  return r.kind === 'elicit' ? r : null;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// server-stateless's list-change hooks add one tool / prompt each time; every per-request server sees them.
let addedTools = 0;
let addedPrompts = 0;

function build() {
  const server = new McpServer({ name: 'conformance-fixture', version: '1.0.0' }, {
    capabilities: { tools: { listChanged: true }, prompts: { listChanged: true }, logging: {} },
    cacheHints: { 'tools/list': { ttlMs: 60000, cacheScope: 'public' }, 'prompts/list': { ttlMs: 60000, cacheScope: 'public' } }
  });
  const tool = (name, description, cb, schema = NO_ARGS) => server.registerTool(name, { description, inputSchema: schema }, cb);

  tool('test_simple_text', 'Returns simple text', async () => text('This is a simple text response for testing.'));
  tool('test_image_content', 'Returns an image', async () => ({ content: [{ type: 'image', data: PNG, mimeType: 'image/png' }] }));
  tool('test_audio_content', 'Returns audio', async () => ({ content: [{ type: 'audio', data: WAV, mimeType: 'audio/wav' }] }));
  tool('test_embedded_resource', 'Returns an embedded resource', async () => ({ content: [{ type: 'resource',
    resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }] }));
  tool('test_multiple_content_types', 'Returns text, image and resource', async () => ({ content: [
    { type: 'text', text: 'Multiple content types test:' },
    { type: 'image', data: PNG, mimeType: 'image/png' },
    { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: '{"test":"data","value":123}' } }] }));
  tool('test_error_handling', 'Always fails', async () => ({ isError: true,
    content: [{ type: 'text', text: 'This tool intentionally returns an error for testing' }] }));
  tool('test_tool_with_progress', 'Reports 0, 50 and 100 of 100', async (_args, ctx) => {
    const token = ctx.mcpReq._meta?.progressToken;
    for (const p of [0, 50, 100]) {
      if (token !== undefined) {
        await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: p, total: 100 } });
      }
      await sleep(50);
    }
    return text('Tool with progress executed successfully');
  });
  tool('test_tool_with_logging', 'Logs three messages while running', async (_args, ctx) => {
    for (const m of ['Tool execution started', 'Tool processing data', 'Tool execution completed']) {
      await ctx.mcpReq.log?.('info', m).catch?.(() => {});
      await sleep(50);
    }
    return text('Tool with logging executed successfully');
  });
  tool('json_schema_2020_12_tool', 'Tool with JSON Schema 2020-12 features', async () => text('JSON Schema 2020-12 tool called'),
    fromJsonSchema({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object',
      $defs: { address: { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
      properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } }, additionalProperties: false }));

  // SEP-2322 multi round-trip requests
  tool('test_input_required_result_elicitation', 'Asks for a name (elicitation)', async (_a, ctx) => {
    const r = elicited(ctx, 'user_name');
    if (!r || typeof r.content?.name !== 'string') {
      return inputRequired({ inputRequests: { user_name: inputRequired.elicit({ message: 'What is your name?', requestedSchema: nameSchema('name') }) } });
    }
    return text('Hello, ' + r.content.name + '!');
  });
  tool('test_input_required_result_sampling', 'Asks the client LLM (sampling)', async (_a, ctx) => {
    const r = inputResponse(responses(ctx), 'capital_question');
    if (r.kind !== 'sampling') {
      return inputRequired({ inputRequests: { capital_question: inputRequired.createMessage({ messages: [{ role: 'user',
        content: { type: 'text', text: 'What is the capital of France?' } }], maxTokens: 100 }) } });
    }
    const c = r.content ?? r.result?.content;
    return text('Sampling response: ' + (c?.text ?? JSON.stringify(c)));
  });
  tool('test_input_required_result_list_roots', 'Asks for the client roots', async (_a, ctx) => {
    const r = inputResponse(responses(ctx), 'client_roots');
    if (r.kind !== 'roots') {
      return inputRequired({ inputRequests: { client_roots: inputRequired.listRoots() } });
    }
    return text('Roots: ' + (r.roots ?? []).map((x) => x.uri).join(', '));
  });
  tool('test_input_required_result_request_state', 'Round-trips requestState', async (_a, ctx) => {
    const state = stateOf(ctx);
    const r = elicited(ctx, 'confirm');
    if (state && r && verify(state)?.tool === 'request_state') {
      return text('state-ok: confirmed');
    }
    return inputRequired({ inputRequests: { confirm: inputRequired.elicit({ message: 'Please confirm', requestedSchema: {
      type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } }) }, requestState: sign({ tool: 'request_state' }) });
  });
  tool('test_input_required_result_multiple_inputs', 'Asks for three inputs at once', async (_a, ctx) => {
    const rs = responses(ctx);
    if (stateOf(ctx) && rs.user_name && rs.greeting && rs.client_roots) {
      return text('All inputs received');
    }
    return inputRequired({ inputRequests: {
      user_name: inputRequired.elicit({ message: 'What is your name?', requestedSchema: nameSchema('name') }),
      greeting: inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'Generate a greeting' } }], maxTokens: 50 }),
      client_roots: inputRequired.listRoots() }, requestState: sign({ tool: 'multiple' }) });
  });
  tool('test_input_required_result_multi_round', 'Two rounds of questions', async (_a, ctx) => {
    const state = stateOf(ctx) ? verify(stateOf(ctx)) : null;
    if (state?.round === 2 && elicited(ctx, 'step2')) {
      return text('Done: ' + state.name + ' likes ' + elicited(ctx, 'step2').content?.color);
    }
    if (state?.round === 1 && elicited(ctx, 'step1')) {
      return inputRequired({ inputRequests: { step2: inputRequired.elicit({ message: 'Step 2: What is your favorite color?',
        requestedSchema: nameSchema('color') }) }, requestState: sign({ round: 2, name: elicited(ctx, 'step1').content?.name }) });
    }
    return inputRequired({ inputRequests: { step1: inputRequired.elicit({ message: 'Step 1: What is your name?',
      requestedSchema: nameSchema('name') }) }, requestState: sign({ round: 1 }) });
  });
  tool('test_input_required_result_tampered_state', 'Rejects tampered requestState', async (_a, ctx) => {
    const raw = stateOf(ctx);
    if (raw !== undefined) {
      if (!verify(raw)) {
        throw new ProtocolError(-32602, 'Invalid params: requestState failed its integrity check');
      }
      return text('state verified');
    }
    return inputRequired({ inputRequests: { confirm: inputRequired.elicit({ message: 'Please confirm', requestedSchema: {
      type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } }) }, requestState: sign({ tool: 'tampered' }) });
  });
  tool('test_input_required_result_capabilities', 'Asks only for what the client supports', async (_a, ctx) => {
    const caps = ctx.mcpReq.envelope?.['io.modelcontextprotocol/clientCapabilities'] ?? {};
    if (Object.keys(responses(ctx)).length > 0) {
      return text('capabilities respected');
    }
    const asks = {};
    if (caps.elicitation) asks.user_name = inputRequired.elicit({ message: 'What is your name?', requestedSchema: nameSchema('name') });
    if (caps.sampling) asks.greeting = inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'Hi' } }], maxTokens: 20 });
    if (caps.roots) asks.client_roots = inputRequired.listRoots();
    return Object.keys(asks).length ? inputRequired({ inputRequests: asks }) : text('nothing to ask');
  });
  // basic/patterns/subscriptions: the hooks server-stateless calls while a listen stream is open.
  tool('test_trigger_tool_change', 'Adds a tool (notifications/tools/list_changed)', async () => {
    addedTools++;
    handler.notify.toolsChanged();
    return text('tools changed');
  });
  tool('test_trigger_prompt_change', 'Adds a prompt (notifications/prompts/list_changed)', async () => {
    addedPrompts++;
    handler.notify.promptsChanged();
    return text('prompts changed');
  });
  for (let i = 1; i <= addedTools; i++) {
    tool('test_added_tool_' + i, 'A tool added by test_trigger_tool_change', async () => text('added ' + i));
  }
  for (let i = 1; i <= addedPrompts; i++) {
    server.registerPrompt('test_added_prompt_' + i, { description: 'A prompt added by test_trigger_prompt_change' },
      async () => ({ messages: [{ role: 'user', content: { type: 'text', text: 'added ' + i } }] }));
  }
  server.registerPrompt('test_input_required_result_prompt', { description: 'A prompt that needs context first' }, async (ctx) => {
    const r = elicited(ctx, 'user_context');
    if (!r) {
      return inputRequired({ inputRequests: { user_context: inputRequired.elicit({ message: 'What context should the prompt use?',
        requestedSchema: nameSchema('context') }) } });
    }
    return { messages: [{ role: 'user', content: { type: 'text', text: 'Context: ' + r.content?.context } }] };
  });
  return server;
}

const handler = createMcpHandler(() => build());
const httpServer = http.createServer(async (req, res) => {
  try {
    const origin = req.headers.origin;
    if (origin && !/^https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(origin)) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32600, message: 'Forbidden origin' } }));
      return;
    }
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    const request = new Request('http://' + req.headers.host + req.url, { method: req.method, headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks) });
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
httpServer.listen(0, '127.0.0.1', () => console.log('listening ' + httpServer.address().port));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
