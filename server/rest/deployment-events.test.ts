// Live progress: the inline worker runs a deployment while a client follows it over SSE; the stream
// carries every step change and log line in seq order and ends with the final state. A reconnect with
// Last-Event-ID resumes after that event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApkg } from '../apkg/testing/build-apkg.ts';
import { createUserFixture, startTestApp, type Fixture, type TestApp } from '../test/harness.ts';
import { startDeploymentWorker, type DeploymentWorker } from '../workers/deployment-worker.ts';

type SseEvent = { id: string; event: string; data: any };

async function readSse(url: string, headers: Record<string, string>): Promise<SseEvent[]> {
  const res = await fetch(url, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let idx;
    while ((idx = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, idx);
      buffer = buffer.slice(idx + 2);
      if (block.startsWith(':')) continue;
      const e: SseEvent = { id: '', event: 'message', data: null };
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) e.id = line.slice(4);
        else if (line.startsWith('event: ')) e.event = line.slice(7);
        else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6));
      }
      events.push(e);
      if (e.event === 'end') return events;
    }
  }
  return events;
}

describe('GET /api/deployments/:id/events', () => {
  let t: TestApp;
  let owner: Fixture;
  let worker: DeploymentWorker;
  beforeAll(async () => {
    t = await startTestApp();
    owner = await createUserFixture(t);
    worker = await startDeploymentWorker(t.services, t.database);
  });
  afterAll(async () => {
    await worker.stop(1000);
    await t.close();
  });

  it('streams a deployment from queued to completed, then resumes after Last-Event-ID', async () => {
    const app = await t.request('/api/agent-apps', { method: 'POST', token: owner.token, json: { name: 'Live' } });
    const form = new FormData();
    form.append('version', '1.2.3');
    form.append('file', new Blob([new Uint8Array(await buildApkg({ version: '1.2.3' }))]), 'agent.apkg');
    const res = await t.request(`/api/agent-apps/${app.body.app.id}/packages/deploy`, { method: 'POST', token: owner.token, body: form });
    expect(res.status).toBe(202);
    const id = res.body.deployment.id;

    const events = await readSse(`${t.baseUrl}/api/deployments/${id}/events`, { authorization: `Bearer ${owner.token}` });
    const end = events.pop()!;
    expect(end.event).toBe('end');
    const seqs = events.map((e) => Number(e.id));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(events[0].data.message).toMatch(/queued/);
    const stepDone = events.filter((e) => e.event === 'step' && e.data.data?.status === 'completed').map((e) => e.data.step);
    expect(stepDone).toEqual(['validate_package', 'upload_to_s3', 'generate_metadata', 'notify_runtime', 'finalize']);
    const last = events[events.length - 1];
    expect(last.data.deployment.status).toBe('completed');
    expect(events.some((e) => e.event === 'log' && /Environment:|Running at/.test(e.data.message))).toBe(true);

    // The REST log and the stream are the same rows.
    const logs = await t.request(`/api/deployments/${id}/logs`, { token: owner.token });
    expect(logs.body.events.map((e: { seq: number }) => String(e.seq))).toEqual(events.map((e) => e.id));

    const middle = events[Math.floor(events.length / 2)].id;
    const resumed = await readSse(`${t.baseUrl}/api/deployments/${id}/events`, { authorization: `Bearer ${owner.token}`, 'last-event-id': middle });
    resumed.pop();
    expect(resumed[0].id).toBe(events[Math.floor(events.length / 2) + 1].id);
    expect(resumed.map((e) => e.id)).toEqual(events.slice(Math.floor(events.length / 2) + 1).map((e) => e.id));
  });

  it('answers 404 in the JSON error shape for another organization\'s deployment', async () => {
    const other = await createUserFixture(t);
    const mine = await t.request('/api/deployments', { token: owner.token });
    const res = await t.request(`/api/deployments/${mine.body.deployments[0].id}/events`, { token: other.token });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });
});
