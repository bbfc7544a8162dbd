// A 2025-11-25 MCP server with tasks (basic/utilities/tasks), on the official TypeScript SDK v1
// (@modelcontextprotocol/sdk, its experimental tasks API and InMemoryTaskStore), for gateway tests:
// `node tasks-fixture.mjs NAME` prints "listening <port>" once it serves Streamable HTTP with sessions on
// http://127.0.0.1:<port>/mcp. Capabilities: tasks { list, cancel, requests.tools.call }. As in the SDK's own
// example, one McpServer per session over one shared task store: the store binds each task to the session that
// created it (another session's tasks/get gets -32602).
// Tools: <name>_echo {text} (plain), <name>_slow {ms, text} (taskSupport required; completes after ms with
// "<name> done: text"), <name>_maybe {text} (taskSupport optional; as a task it completes at once), <name>_ask
// {what} (taskSupport required; elicits a confirmation from the client through the task, input_required, then
// completes with the answer), <name>_fail (taskSupport required; completes as failed with isError).
// `node tasks-fixture.mjs NAME --stdio` serves the same tools over stdio.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import * as z from 'zod/v4';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { InMemoryTaskStore, InMemoryTaskMessageQueue } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';

const name = process.argv[2] || 'tasks';
const taskStore = new InMemoryTaskStore();
const sessions = new Map();

function taskHandlers(work) {
  return {
    async createTask(args, extra) {
      const task = await extra.taskStore.createTask({ ttl: extra.taskRequestedTtl ?? 60000, pollInterval: 100 });
      work(args, task, extra).catch(async (e) => {
        try {
          await taskStore.storeTaskResult(task.taskId, 'failed', { content: [{ type: 'text', text: String(e) }], isError: true });
        } catch { /* cancelled meanwhile */ }
      });
      return { task };
    },
    async getTask(_args, extra) {
      return await extra.taskStore.getTask(extra.taskId);
    },
    async getTaskResult(_args, extra) {
      return await extra.taskStore.getTaskResult(extra.taskId);
    }
  };
}

async function complete(taskId, status, result) {
  const task = await taskStore.getTask(taskId);
  if (task && !['completed', 'failed', 'cancelled'].includes(task.status)) {
    await taskStore.storeTaskResult(taskId, status, result);
  }
}

function build() {
  const server = new McpServer({ name, version: '1.0.0' }, {
    capabilities: { tools: {}, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } },
    taskStore,
    taskMessageQueue: new InMemoryTaskMessageQueue()
  });
  server.registerTool(name + '_echo', { description: 'echoes text', inputSchema: { text: z.string() } },
    async ({ text }) => ({ content: [{ type: 'text', text: name + ': ' + text }] }));
  server.experimental.tasks.registerToolTask(name + '_slow', {
    description: 'runs as a task for ms milliseconds', inputSchema: { ms: z.number(), text: z.string() },
    execution: { taskSupport: 'required' }
  }, taskHandlers(async ({ ms, text }, task) => {
    await new Promise(resolve => setTimeout(resolve, ms));
    await complete(task.taskId, 'completed', { content: [{ type: 'text', text: name + ' done: ' + text }] });
  }));
  server.experimental.tasks.registerToolTask(name + '_maybe', {
    description: 'may run as a task', inputSchema: { text: z.string() }, execution: { taskSupport: 'optional' }
  }, taskHandlers(async ({ text }, task) => {
    await complete(task.taskId, 'completed', { content: [{ type: 'text', text: name + ' maybe: ' + text }] });
  }));
  server.experimental.tasks.registerToolTask(name + '_ask', {
    description: 'asks the client to confirm, through the task', inputSchema: { what: z.string() },
    execution: { taskSupport: 'required' }
  }, taskHandlers(async ({ what }, task) => {
    // tasks §Input Required Status: the requestor sees input_required, then calls tasks/result, which delivers the
    // queued elicitation (the SDK sets the status only for requests sent from a handler's own context).
    await taskStore.updateTaskStatus(task.taskId, 'input_required');
    const stream = server.server.experimental.tasks.elicitInputStream({ mode: 'form', message: 'Confirm ' + what + '?',
      requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } },
    { relatedTask: { taskId: task.taskId } });
    let answer;
    for await (const msg of stream) {
      if (msg.type === 'result') {
        answer = msg.result;
      } else if (msg.type === 'error') {
        throw msg.error;
      }
    }
    await taskStore.updateTaskStatus(task.taskId, 'working');
    await complete(task.taskId, 'completed', { content: [{ type: 'text', text: 'confirm ' + what + ': ' + answer.action
      + ' ' + JSON.stringify(answer.content ?? {}) }] });
  }));
  server.experimental.tasks.registerToolTask(name + '_fail', {
    description: 'fails as a task', inputSchema: {}, execution: { taskSupport: 'required' }
  }, taskHandlers(async (_args, task) => {
    await complete(task.taskId, 'failed', { content: [{ type: 'text', text: name + ' failed on purpose' }], isError: true });
  }));
  return server;
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

if (process.argv.includes('--stdio')) {
  // The same server over stdio (one process, no session ids: the task store is not bound to sessions).
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  await build().connect(new StdioServerTransport());
} else {
const httpServer = http.createServer(async (req, res) => {
  try {
    if (!req.url.startsWith('/mcp')) {
      res.writeHead(404).end();
      return;
    }
    const sessionId = req.headers['mcp-session-id'];
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    let transport = sessionId ? sessions.get(sessionId) : undefined;
    if (!transport) {
      if (sessionId || req.method !== 'POST' || !isInitializeRequest(body)) {
        res.writeHead(sessionId ? 404 : 400, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: sessionId ? 'Session not found' : 'Bad Request' } }));
        return;
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: id => sessions.set(id, transport)
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      await build().connect(transport);
    }
    await transport.handleRequest(req, res, body);
  } catch (e) {
    if (!res.headersSent) {
      res.writeHead(500).end(String(e));
    }
  }
});
httpServer.listen(0, '127.0.0.1', () => console.log('listening ' + httpServer.address().port));
}
