// The baseline of bench/load.ts: a bare Express app (same Node, same Express) whose one route
// answers the JSON body captured from the real GET /api/agent-apps (BODY_FILE), serialised per
// request with res.json like the product. Prints `listening <port>` once ready.
import fs from 'node:fs';
import express from 'express';

const body: unknown = JSON.parse(fs.readFileSync(process.env.BODY_FILE!, 'utf8'));
const app = express();
app.get('/api/agent-apps', (_req, res) => {
  res.json(body);
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
});
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
