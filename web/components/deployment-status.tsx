import { Ban, Check, Circle, Clock, Loader2, X } from 'lucide-react';
import { type DeploymentStatus, STATUS_BADGE, STATUS_LABELS, type StepStatus } from '../lib/deployments.ts';
import { cn } from '../lib/utils.ts';
import { Badge } from './ui/badge.tsx';

const STATUS_ICON = { queued: Clock, processing: Loader2, completed: Check, failed: X, cancelled: Ban } as const;

export function DeploymentStatusBadge({ status, className }: { status: DeploymentStatus; className?: string }) {
  const Icon = STATUS_ICON[status];
  return (
    <Badge variant={STATUS_BADGE[status]} className={className} data-status={status}>
      <Icon className={status === 'processing' ? 'animate-spin' : undefined} aria-hidden="true" />
      {STATUS_LABELS[status]}
    </Badge>
  );
}

const STEP_STATE_LABELS: Record<StepStatus, string> = { pending: 'Pending', processing: 'In progress', completed: 'Completed', failed: 'Failed' };

/** The round state marker of a deployment step; the state is also given as text for screen readers. */
export function StepIcon({ status, className }: { status: StepStatus; className?: string }) {
  const base = 'flex size-7 shrink-0 items-center justify-center rounded-full';
  return (
    <span className={cn(base, STEP_ICON_CLASSES[status], className)} title={STEP_STATE_LABELS[status]}>
      {status === 'completed' ? (
        <Check className="size-4" aria-hidden="true" />
      ) : status === 'failed' ? (
        <X className="size-4" aria-hidden="true" />
      ) : status === 'processing' ? (
        <Loader2 className="size-4 animate-spin" aria-hidden="true" />
      ) : (
        <Circle className="size-2.5" aria-hidden="true" />
      )}
      <span className="sr-only">{STEP_STATE_LABELS[status]}</span>
    </span>
  );
}

const STEP_ICON_CLASSES: Record<StepStatus, string> = {
  pending: 'border-2 border-dashed border-zinc-300 text-zinc-300',
  processing: 'bg-accent text-accent-foreground',
  completed: 'bg-emerald-600 text-white',
  failed: 'bg-destructive text-white',
};
