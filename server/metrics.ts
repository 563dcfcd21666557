// Prometheus metrics (prom-client), one registry per app instance. Request counts and latencies are
// observed per process; queue depth, webhook outcomes and credit totals are read from the database at
// scrape time, so every process reports the same shared truth.
import { sql } from 'drizzle-orm';
import client from 'prom-client';
import { queryRows, type Db } from '../db/client.ts';

export type AppMetrics = ReturnType<typeof createMetrics>;

export function createMetrics(db: Db) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'pixell_' });

  const httpRequests = new client.Counter({
    name: 'pixell_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new client.Histogram({
    name: 'pixell_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const requestChildren = new Map<string, { count: client.Counter.Internal; duration: client.Histogram.Internal<'method' | 'route' | 'status'> }>();
  const deploymentDuration = new client.Histogram({
    name: 'pixell_deployment_duration_seconds',
    help: 'Time from start to a final state of deployments run by this process, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [registry],
  });

  new client.Gauge({
    name: 'pixell_deployment_queue_depth',
    help: 'Deployments by state (queued, processing)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const rows = await queryRows<{ status: string; n: number }>(db, sql`select status, count(*)::int as n from deployments where status in ('queued','processing') group by status`);
      this.reset();
      this.set({ state: 'queued' }, 0);
      this.set({ state: 'processing' }, 0);
      for (const r of rows) this.set({ state: r.status }, Number(r.n));
    },
  });
  new client.Gauge({
    name: 'pixell_deployments_finished',
    help: 'Finished deployments by outcome (all time)',
    labelNames: ['outcome'] as const,
    registers: [registry],
    async collect() {
      const rows = await queryRows<{ status: string; n: number }>(db, sql`select status, count(*)::int as n from deployments where status in ('completed','failed','cancelled') group by status`);
      this.reset();
      for (const r of rows) this.set({ outcome: r.status }, Number(r.n));
    },
  });
  new client.Gauge({
    name: 'pixell_webhook_deliveries',
    help: 'Webhook deliveries by status (pending, succeeded, failed)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await queryRows<{ status: string; n: number }>(db, sql`select status, count(*)::int as n from webhook_deliveries group by status`);
      this.reset();
      for (const r of rows) this.set({ status: r.status }, Number(r.n));
    },
  });
  new client.Gauge({
    name: 'pixell_credits_total',
    help: 'Credits purchased and spent (usage) across all organizations, from the ledger',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      const [row] = await queryRows<{ purchased: string | null; spent: string | null }>(
        db,
        sql`select coalesce(sum(amount) filter (where type = 'purchase'), 0) as purchased,
                   coalesce(-sum(amount) filter (where type = 'usage'), 0) as spent
            from credit_transactions`,
      );
      this.set({ kind: 'purchased' }, Number(row?.purchased ?? 0));
      this.set({ kind: 'spent' }, Number(row?.spent ?? 0));
    },
  });

  return {
    registry,
    observeRequest(method: string, route: string, status: number, seconds: number) {
      // The children of one label set are looked up once (prom-client hashes the labels per call).
      const key = `${method} ${status} ${route}`;
      let children = requestChildren.get(key);
      if (!children) {
        const labels = { method, route, status: String(status) };
        children = { count: httpRequests.labels(labels), duration: httpDuration.labels(labels) };
        // Routes are patterns, so label sets are few; the cap only guards against surprises.
        if (requestChildren.size < 5000) requestChildren.set(key, children);
      }
      children.count.inc();
      children.duration.observe(seconds);
    },
    observeDeployment(outcome: 'completed' | 'failed' | 'cancelled', seconds: number) {
      deploymentDuration.observe({ outcome }, seconds);
    },
  };
}
