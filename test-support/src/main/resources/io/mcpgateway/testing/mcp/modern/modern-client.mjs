// A 2026-07-28 client on the TypeScript SDK v2, pinned to that version, for gateway tests:
//   node modern-client.mjs URL TOOL ARGS_JSON [TOOL ARGS_JSON ...]
// lists the tools, then calls each tool in turn, answering elicitations with {ok: true, name: "Ada"} and sampling
// with "Paris"; prints one JSON line per step ({"tools": [...]}, {"call": name, "result": ...} or {"error": ...}).
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const [url, ...steps] = process.argv.slice(2);
const client = new Client({ name: 'ts-v2-client', version: '2.4.0' }, {
  capabilities: { elicitation: {}, sampling: {} },
  versionNegotiation: { mode: { pin: '2026-07-28' } }
});
client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { ok: true, name: 'Ada' } }));
client.setRequestHandler('sampling/createMessage', async () => ({ role: 'assistant', content: { type: 'text', text: 'Paris' },
  model: 'test-model', stopReason: 'endTurn' }));
const out = (o) => console.log(JSON.stringify(o));
try {
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  out({ protocolVersion: client.protocolVersion ?? client.transport?.protocolVersion ?? null });
  const tools = await client.listTools();
  out({ tools: tools.tools.map((t) => t.name) });
  for (let i = 0; i + 1 < steps.length; i += 2) {
    try {
      out({ call: steps[i], result: await client.callTool({ name: steps[i], arguments: JSON.parse(steps[i + 1]) }) });
    } catch (e) {
      out({ call: steps[i], error: String(e?.message ?? e) });
    }
  }
  await client.close();
} catch (e) {
  out({ error: String(e?.stack ?? e) });
  process.exitCode = 1;
}
