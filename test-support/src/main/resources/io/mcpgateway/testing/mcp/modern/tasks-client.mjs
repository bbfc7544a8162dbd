// A 2025-11-25 client with tasks on the official TypeScript SDK v1 (@modelcontextprotocol/sdk, its experimental
// tasks API), for gateway tests: `node tasks-client.mjs URL`. It declares form elicitation (answered {ok: true}),
// lists the tools, then runs each of its steps through the SDK's task flow (callToolStream: tools/call with task,
// tasks/get polling at pollInterval, tasks/result, queued input_required requests), and prints one JSON line per
// step: {"capabilities": ...}, {"tools": {name: taskSupport}}, {"step", "types": [message types], "taskId", "text"}
// or {"step", "error"}.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const [url] = process.argv.slice(2);
const client = new Client({ name: 'ts-v1-tasks-client', version: '1.32.2' }, {
  capabilities: { elicitation: { form: {} } }
});
client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { ok: true } }));
const out = (o) => console.log(JSON.stringify(o));

async function run(step, name, args) {
  const types = [];
  let taskId;
  let text;
  for await (const message of client.experimental.tasks.callToolStream({ name, arguments: args }, CallToolResultSchema,
    { task: { ttl: 60000 } })) {
    types.push(message.type);
    if (message.type === 'taskCreated') taskId = message.task.taskId;
    if (message.type === 'result') text = message.result.content?.[0]?.text;
    if (message.type === 'error') throw message.error;
  }
  const task = await client.experimental.tasks.getTask(taskId);
  out({ step, types: [...new Set(types)], taskId, status: task.status, text });
}

try {
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  out({ capabilities: client.getServerCapabilities() });
  const tools = await client.listTools();
  out({ tools: Object.fromEntries(tools.tools.map((t) => [t.name, t.execution?.taskSupport ?? null])) });
  for (const [step, name, args] of [['slow', 'up_slow', { ms: 500, text: 'sdk' }], ['ask', 'up_ask', { what: 'deploy' }]]) {
    try {
      await run(step, name, args);
    } catch (e) {
      out({ step, error: String(e?.message ?? e) });
    }
  }
  try {
    const created = await client.request({ method: 'tools/call', params: { name: 'up_slow',
      arguments: { ms: 60000, text: 'never' }, task: { ttl: 60000 } } }, (await import('@modelcontextprotocol/sdk/types.js')).CreateTaskResultSchema);
    const cancelled = await client.experimental.tasks.cancelTask(created.task.taskId);
    out({ step: 'cancel', taskId: created.task.taskId, status: cancelled.status });
  } catch (e) {
    out({ step: 'cancel', error: String(e?.message ?? e) });
  }
  await client.close();
} catch (e) {
  out({ error: String(e?.stack ?? e) });
}
