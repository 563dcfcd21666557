// Deployment vocabulary shared by the pages: statuses, the five steps, badges, durations and the
// credit cost rule (the same as the server's deploymentCost).
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../server/trpc/router.ts';

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type Deployment = RouterOutputs['deployments']['get'];
export type DeploymentEvent = RouterOutputs['deployments']['events'][number];
export type DeploymentStatus = Deployment['status'];
export type StepName = Deployment['steps'][number]['name'];
export type StepStatus = Deployment['steps'][number]['status'];
export type AppSummary = RouterOutputs['apps']['list'][number];
export type AppDetail = RouterOutputs['apps']['get'];
export type PackageRow = AppDetail['packages'][number];

export const DEPLOYMENT_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const satisfies readonly DeploymentStatus[];

export const STEP_ORDER = ['validate_package', 'upload_to_s3', 'generate_metadata', 'notify_runtime', 'finalize'] as const satisfies readonly StepName[];

export const STEP_LABELS: Record<StepName, string> = {
  validate_package: 'Validate package',
  upload_to_s3: 'Store package',
  generate_metadata: 'Generate metadata',
  notify_runtime: 'Deploy to runtime',
  finalize: 'Finalize',
};

export const STATUS_LABELS: Record<DeploymentStatus, string> = {
  queued: 'Queued',
  processing: 'Deploying',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const STATUS_BADGE = {
  queued: 'secondary',
  processing: 'accent',
  completed: 'success',
  failed: 'destructive',
  cancelled: 'warning',
} as const satisfies Record<DeploymentStatus, string>;

export const KIND_LABELS = { deploy: 'Deploy', rollback: 'Rollback', redeploy: 'Redeploy' } as const;

export function isActive(status: DeploymentStatus): boolean {
  return status === 'queued' || status === 'processing';
}

export function isFinal(status: DeploymentStatus): boolean {
  return !isActive(status);
}

export const MIB = 1024 * 1024;
/** Packages larger than this are refused by the server (413). */
export const MAX_PACKAGE_BYTES = 100 * MIB;

/** Credits a deployment costs: 1 per started MiB, at least 1 (the server's rule). */
export function deploymentCost(sizeBytes: number): number {
  return Math.max(1, Math.ceil(sizeBytes / MIB));
}

const UNITS = ['B', 'KB', 'MB', 'GB'];
/** "1.4 MB", "512 B" (binary multiples, as the credit rule uses). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** "850 ms", "12 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

function toTime(value: Date | string | null | undefined): number | null {
  if (value == null) return null;
  const t = new Date(value).getTime();
  return Number.isFinite(t) ? t : null;
}

/** Milliseconds between two timestamps; a running interval counts up to `now`. Null when not started. */
export function elapsed(start: Date | string | null | undefined, end: Date | string | null | undefined, now = Date.now()): number | null {
  const s = toTime(start);
  if (s === null) return null;
  return (toTime(end) ?? now) - s;
}

/** How long a deployment took (or has been running): started → completed. */
export function deploymentDuration(d: Pick<Deployment, 'startedAt' | 'completedAt' | 'status'>, now = Date.now()): number | null {
  if (!d.startedAt) return null;
  return elapsed(d.startedAt, d.completedAt ?? (isActive(d.status) ? null : d.startedAt), now);
}

export function completedSteps(d: Pick<Deployment, 'steps'>): number {
  return d.steps.filter((s) => s.status === 'completed').length;
}
