// A 2026-07-28 client on the TypeScript SDK v2 holding one subscriptions/listen stream, for gateway tests:
//   node modern-listener.mjs URL FILTER_JSON
// prints {"honoured": filter} once the server acknowledged, then {"notification": {method, params}} for each list
// change or resource update the stream delivers; closes the subscription and exits when stdin ends.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const [url, filter] = process.argv.slice(2);
const client = new Client({ name: 'ts-v2-listener', version: '2.4.0' }, {
  capabilities: {},
  versionNegotiation: { mode: { pin: '2026-07-28' } }
});
const out = (o) => console.log(JSON.stringify(o));
for (const method of ['notifications/tools/list_changed', 'notifications/prompts/list_changed',
  'notifications/resources/list_changed', 'notifications/resources/updated']) {
  client.setNotificationHandler(method, (n) => out({ notification: n }));
}
try {
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const subscription = await client.listen(JSON.parse(filter));
  out({ honoured: subscription.honoredFilter });
  process.stdin.on('end', async () => {
    await subscription.close();
    await client.close();
    process.exit(0);
  });
  process.stdin.resume();
} catch (e) {
  out({ error: String(e?.stack ?? e) });
  process.exit(1);
}
