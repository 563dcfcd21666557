import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { redactPath, requestId } from './request-id.ts';

describe('redactPath', () => {
  it('drops the query string and replaces token-like segments, keeping ids and words', () => {
    expect(redactPath('/api/invitations/Zx8_kq2Lw9vB1mN4pR7tY0uI3oP6aS5d?x=secret')).toBe('/api/invitations/[redacted]');
    expect(redactPath('/api/agent-apps/0b6f7d1e-8c2a-4d9e-9f1a-2b3c4d5e6f70/packages')).toBe('/api/agent-apps/0b6f7d1e-8c2a-4d9e-9f1a-2b3c4d5e6f70/packages');
    expect(redactPath('/api/organizations/current')).toBe('/api/organizations/current');
  });
});

describe('requestId', () => {
  it('gives each request its id and a child logger carrying it; req.log = other replaces that request\'s logger only', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = (into: Record<string, unknown>[]) =>
      new Writable({
        write(chunk, _enc, cb) {
          into.push(JSON.parse(String(chunk)) as Record<string, unknown>);
          cb();
        },
      });
    const otherLines: Record<string, unknown>[] = [];
    const other = pino(sink(otherLines));
    const app = express();
    app.use(requestId(app, pino(sink(lines))));
    app.get('/log', (req, res) => {
      req.log.info('hello');
      res.json({ id: req.id, same: req.log === req.log });
    });
    app.get('/replace', (req, res) => {
      req.log = other;
      req.log.info('elsewhere');
      res.json({ id: req.id });
    });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const given = await fetch(`${base}/log`, { headers: { 'x-request-id': 'client-id-1234' } });
      expect(await given.json()).toEqual({ id: 'client-id-1234', same: true });
      expect(given.headers.get('x-request-id')).toBe('client-id-1234');
      const made = await fetch(`${base}/log`, { headers: { 'x-request-id': 'bad id!' } });
      const madeId = ((await made.json()) as { id: string }).id;
      expect(madeId).toMatch(/^req_[0-9a-f]{32}$/);
      const replaced = (await (await fetch(`${base}/replace`)).json()) as { id: string };
      const after = (await (await fetch(`${base}/log`)).json()) as { id: string };

      const byMsg = (msg: string, from = lines) => from.filter((l) => l.msg === msg).map((l) => l.reqId);
      expect(byMsg('hello')).toEqual(['client-id-1234', madeId, after.id]);
      expect(byMsg('elsewhere', otherLines)).toEqual([undefined]);
      // The completion line of the request goes to the logger it was given.
      expect(otherLines.filter((l) => l.msg === 'request')).toHaveLength(1);
      expect(byMsg('request')).toEqual(['client-id-1234', madeId, after.id]);
      expect(replaced.id).not.toBe(after.id);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
