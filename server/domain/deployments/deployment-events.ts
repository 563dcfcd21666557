// Every step change and log line is a deployment_events row (serial seq); NOTIFY carries only the
// deployment id so listeners re-read rows. The live view, the REST API and a reload see one log.
//
// One statement writes a batch: it locks the deployment row (the step-state UPDATE, or SELECT … FOR
// NO KEY UPDATE when the batch changes no step), inserts the events in their order, and NOTIFYs once.
// The row lock is taken before any seq is drawn and held until commit, so the events of one
// deployment are written one batch at a time and their seq order is their commit order: a follower
// that has read up to seq N never misses a row with a smaller seq committed later.
//
// The runner writes through a DeploymentEventWriter: events are appended without waiting and written
// in append order, in batches: what arrives within 50 ms of a batch's first event, or while the
// previous write is in flight, goes into one statement. A small deployment's whole log takes a few
// statements instead of one transaction per line; a follower sees each line at most ~50 ms late.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.ts';
import { queryRows } from '../../../db/client.ts';
import type { DeploymentStepName, StepState } from '../../../db/schema/index.ts';

export const DEPLOYMENT_EVENTS_CHANNEL = 'deployment_events';
export const DEPLOYMENTS_QUEUED_CHANNEL = 'deployments_queued';

const MAX_MESSAGE_LENGTH = 4000;

export type DeploymentEventInput = {
  type: 'status' | 'step' | 'log';
  step?: DeploymentStepName | null;
  level?: 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
};

/** A step entering `status` at `at` (ISO time): processing sets startedAt once; completed/failed set completedAt. */
export type StepChange = { step: DeploymentStepName; status: StepState['status']; at: string };

type StepPatch = { status: StepState['status']; startIfUnset: string | null; completedAt: string | null };

/** Folds successive changes into one patch per step (applied to the stored steps in SQL). */
function foldStepChanges(changes: StepChange[]): Record<string, StepPatch> {
  const patches: Record<string, StepPatch> = {};
  for (const c of changes) {
    const prev = patches[c.step];
    patches[c.step] = {
      status: c.status,
      startIfUnset: prev?.startIfUnset ?? (c.status === 'processing' ? c.at : null),
      completedAt: c.status === 'completed' || c.status === 'failed' ? c.at : null,
    };
  }
  return patches;
}

/** PostgreSQL text and jsonb cannot hold U+0000: a log line carrying one is stored with U+FFFD instead. */
function withoutNul(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value;
}

/**
 * Writes `events` of one deployment in their order, applying `stepChanges` to its step state in the
 * same statement (atomic without a transaction; inside one, the row lock lasts until its commit).
 * Returns the seq of the last event, or null when the deployment does not exist.
 */
export async function writeDeploymentEvents(db: DbOrTx, deploymentId: string, events: DeploymentEventInput[], stepChanges: StepChange[] = []): Promise<number | null> {
  if (events.length === 0) return null;
  const rows = JSON.stringify(
    events.map((e) => ({ type: e.type, step: e.step ?? null, level: e.level ?? 'info', message: e.message.slice(0, MAX_MESSAGE_LENGTH), data: e.data ?? null })),
    withoutNul,
  );
  const lock =
    stepChanges.length === 0
      ? sql`select id from deployments where id = ${deploymentId} for no key update`
      : sql`update deployments
            set steps = coalesce((
                  select jsonb_agg(
                           case when p.patch is null then s.step
                                else s.step || jsonb_build_object(
                                  'status', p.patch->'status',
                                  'startedAt', coalesce(nullif(s.step->'startedAt', 'null'::jsonb), nullif(p.patch->'startIfUnset', 'null'::jsonb), 'null'::jsonb),
                                  'completedAt', p.patch->'completedAt')
                           end order by s.ord)
                  from jsonb_array_elements(deployments.steps) with ordinality as s(step, ord)
                  left join jsonb_each(${JSON.stringify(foldStepChanges(stepChanges))}::jsonb) as p(name, patch) on p.name = s.step->>'name'
                ), deployments.steps),
                current_step = ${stepChanges[stepChanges.length - 1].step},
                updated_at = now()
            where id = ${deploymentId}
            returning id`;
  const [result] = await queryRows<{ seq: string | number | null }>(
    db,
    sql`with locked as materialized (${lock}),
         inserted as (
           insert into deployment_events (deployment_id, type, step, level, message, data)
           select locked.id, e.event->>'type', e.event->>'step', e.event->>'level', e.event->>'message', nullif(e.event->'data', 'null'::jsonb)
           from locked cross join jsonb_array_elements(${rows}::jsonb) with ordinality as e(event, ord)
           order by e.ord
           returning seq
         )
         select max(seq) as seq, pg_notify(${DEPLOYMENT_EVENTS_CHANNEL}, ${deploymentId}) as notified from inserted`,
  );
  return result?.seq == null ? null : Number(result.seq);
}

/** Writes one event (and NOTIFYs on commit); returns its seq. */
export async function recordDeploymentEvent(db: DbOrTx, deploymentId: string, event: DeploymentEventInput): Promise<number> {
  const seq = await writeDeploymentEvents(db, deploymentId, [event]);
  if (seq === null) throw new Error(`Deployment ${deploymentId} not found while recording its event`);
  return seq;
}

/** How long the first event of a batch waits for more before it is written (unless flushed). */
export const EVENT_BATCH_DELAY_MS = 50;

/**
 * The ordered event log of one running deployment. `append` never waits: events are written in the
 * order they were appended, in batches (one statement each) of what was appended within
 * `batchDelayMs` of a batch's first event, or while the previous write was in flight. `flush` writes
 * at once. After a failed write (or once the deployment is gone) nothing more is written and `flush`
 * rejects with that error, so the log never has a hole in its middle.
 */
export class DeploymentEventWriter {
  readonly #db: DbOrTx;
  readonly #deploymentId: string;
  readonly #batchDelayMs: number;
  #pending: { event: DeploymentEventInput; change?: StepChange }[] = [];
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #error: unknown = null;
  #failed = false;

  constructor(db: DbOrTx, deploymentId: string, opts: { batchDelayMs?: number } = {}) {
    this.#db = db;
    this.#deploymentId = deploymentId;
    this.#batchDelayMs = opts.batchDelayMs ?? EVENT_BATCH_DELAY_MS;
  }

  append(event: DeploymentEventInput, change?: StepChange): void {
    if (this.#failed) return;
    this.#pending.push({ event, change });
    if (this.#running || this.#timer) return; // joins the batch being gathered or the next one
    if (this.#batchDelayMs <= 0) this.#start();
    else {
      this.#timer = setTimeout(() => this.#start(), this.#batchDelayMs);
      this.#timer.unref();
    }
  }

  /** True once a write failed (later events are dropped; `flush` rejects). */
  get failed(): boolean {
    return this.#failed;
  }

  /** Writes every event appended so far, now; rejects if a write failed. */
  async flush(): Promise<void> {
    if (this.#timer) this.#start();
    while (this.#running) await this.#running;
    if (this.#failed) throw this.#error;
  }

  #start(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#running ??= this.#drain();
  }

  async #drain(): Promise<void> {
    await null; // appends made in the same tick join the first batch
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending;
        this.#pending = [];
        const seq = await writeDeploymentEvents(
          this.#db,
          this.#deploymentId,
          batch.map((b) => b.event),
          batch.flatMap((b) => (b.change ? [b.change] : [])),
        );
        if (seq === null) throw new Error('The deployment no longer exists');
      }
    } catch (err) {
      this.#failed = true;
      this.#error = err;
      this.#pending = [];
    } finally {
      this.#running = null;
    }
  }
}
