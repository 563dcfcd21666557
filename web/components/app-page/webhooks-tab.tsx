import { useMutation, useQuery } from '@tanstack/react-query';
import { ChevronDown, RotateCw, Send, Trash2, Webhook } from 'lucide-react';
import { useId, useState } from 'react';
import { toast } from 'sonner';
import { errorMessage } from '../../lib/errors.ts';
import { formatDateTime, formatRelative } from '../../lib/format.ts';
import { readForm, useSchemaForm } from '../../lib/forms.ts';
import { createWebhookInput, WEBHOOK_EVENT_NAMES, WEBHOOK_SECRET_MIN_LENGTH, type WebhookEventName } from '../../lib/schemas.ts';
import { queryClient, useTRPC } from '../../lib/trpc.ts';
import { formatDuration, type RouterOutputs } from '../../lib/deployments.ts';
import { cn } from '../../lib/utils.ts';
import { ConfirmDialog } from '../confirm-dialog.tsx';
import { CopySecretDialog } from '../copy-secret.tsx';
import { EmptyState } from '../empty-state.tsx';
import { ErrorState } from '../error-state.tsx';
import { DialogForm, FormDialog } from '../form-dialog.tsx';
import { TextField } from '../text-field.tsx';
import { Badge } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { Card, CardContent } from '../ui/card.tsx';
import { Checkbox } from '../ui/checkbox.tsx';
import { Label } from '../ui/label.tsx';
import { Skeleton } from '../ui/skeleton.tsx';
import { Switch } from '../ui/switch.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../ui/table.tsx';
import { Timestamp } from '../timestamp.tsx';

type WebhookRow = RouterOutputs['webhooks']['list'][number];
type DeliveryRow = RouterOutputs['webhooks']['deliveries'][number];

const EVENT_DESCRIPTIONS: Record<WebhookEventName, string> = {
  'deployment.queued': 'A deployment was accepted and waits for a worker',
  'deployment.started': 'A worker started processing it',
  'deployment.completed': 'The new version is live',
  'deployment.failed': 'It failed or was cancelled; credits were refunded',
};

export function WebhooksTab({ appId }: { appId: string }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.webhooks.list.queryOptions({ appId }));
  const [createOpen, setCreateOpen] = useState(false);
  const [revealed, setRevealed] = useState<{ url: string; secret: string } | null>(null);
  const [deleting, setDeleting] = useState<WebhookRow | null>(null);

  const addButton = (
    <Button onClick={() => setCreateOpen(true)}>
      <Webhook aria-hidden="true" />
      Add webhook
    </Button>
  );

  let content: React.ReactNode;
  if (list.isPending) {
    content = (
      <div className="grid gap-4" role="status" aria-label="Loading webhooks">
        <Skeleton className="h-28 rounded-xl" />
        <Skeleton className="h-28 rounded-xl" />
      </div>
    );
  } else if (list.isError) {
    content = <ErrorState title="Could not load webhooks" error={list.error} onRetry={() => void list.refetch()} retrying={list.isFetching} />;
  } else if (list.data.length === 0) {
    content = (
      <EmptyState
        icon={Webhook}
        title="No webhooks yet"
        description="Webhooks call your URL when a deployment of this app is queued, starts, completes or fails. Each request is signed with a secret so you can verify it came from us."
      >
        {addButton}
      </EmptyState>
    );
  } else {
    content = (
      <div className="grid gap-4">
        {list.data.map((webhook) => (
          <WebhookCard key={webhook.id} appId={appId} webhook={webhook} onDelete={() => setDeleting(webhook)} />
        ))}
      </div>
    );
  }

  return (
    <>
      {list.data && list.data.length > 0 ? (
        <div className="mb-4 flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
          <p className="text-sm text-muted-foreground">Deliveries are signed (X-Pixell-Signature) and retried with backoff when your endpoint fails.</p>
          {addButton}
        </div>
      ) : null}
      {content}
      <CreateWebhookDialog
        appId={appId}
        open={createOpen}
        onOpenChange={setCreateOpen}
        onCreated={(created) => {
          setCreateOpen(false);
          if (created.secret) setRevealed({ url: created.url, secret: created.secret });
        }}
      />
      <CopySecretDialog
        shown={
          revealed && {
            title: 'Save the signing secret',
            description: (
              <>
                Deliveries to <span className="break-all font-mono text-foreground">{revealed.url}</span> are signed with this secret. Use it to verify
                the X-Pixell-Signature header.
              </>
            ),
            value: revealed.secret,
          }
        }
        onClose={() => setRevealed(null)}
        label="Signing secret"
        testId="webhook-secret"
        warning="Copy this secret now and store it with your receiver's configuration. For your security it will not be shown again."
      />
      <DeleteWebhookDialog appId={appId} webhook={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}

function WebhookCard({ appId, webhook, onDelete }: { appId: string; webhook: WebhookRow; onDelete: () => void }) {
  const trpc = useTRPC();
  const switchId = useId();
  const deliveriesId = useId();
  const [showDeliveries, setShowDeliveries] = useState(false);
  const refreshList = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey({ appId }) });
  const refreshDeliveries = () =>
    queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.queryKey({ appId, webhookId: webhook.id }) });

  const update = useMutation(
    trpc.webhooks.update.mutationOptions({
      onSuccess: async (updated) => {
        toast.success(updated.active ? 'Webhook activated' : 'Webhook paused');
        await refreshList();
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  const sendTest = useMutation(
    trpc.webhooks.sendTest.mutationOptions({
      onSuccess: async () => {
        toast.success('Test event queued', { description: 'It appears in the delivery log below in a moment.' });
        setShowDeliveries(true);
        await refreshDeliveries();
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );

  return (
    <Card data-testid="webhook">
      <CardContent className="grid gap-4 pt-6">
        <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
          <div className="min-w-0">
            <p className="break-all font-mono text-sm font-medium">{webhook.url}</p>
            <div className="mt-2 flex flex-wrap gap-1.5">
              {webhook.events.map((event) => (
                <Badge key={event} variant="outline" className="font-mono">
                  {event}
                </Badge>
              ))}
            </div>
            <p className="mt-2 text-xs text-muted-foreground">Added {formatDateTime(webhook.createdAt)}</p>
          </div>
          <div className="flex shrink-0 items-center gap-2">
            <Label htmlFor={switchId} className="text-muted-foreground">
              {webhook.active ? 'Active' : 'Paused'}
            </Label>
            <Switch
              id={switchId}
              checked={webhook.active}
              disabled={update.isPending}
              onCheckedChange={(active) => update.mutate({ appId, webhookId: webhook.id, patch: { active } })}
            />
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-2 border-t pt-4">
          <Button
            variant="outline"
            size="sm"
            aria-expanded={showDeliveries}
            aria-controls={deliveriesId}
            onClick={() => setShowDeliveries((v) => !v)}
          >
            <ChevronDown className={cn('transition-transform', showDeliveries && 'rotate-180')} aria-hidden="true" />
            {showDeliveries ? 'Hide deliveries' : 'Show deliveries'}
          </Button>
          <Button
            variant="outline"
            size="sm"
            pending={sendTest.isPending}
            disabled={!webhook.active}
            title={webhook.active ? undefined : 'Activate the webhook to send a test event'}
            onClick={() => sendTest.mutate({ appId, webhookId: webhook.id })}
          >
            {sendTest.isPending ? null : <Send aria-hidden="true" />}
            Send test event
          </Button>
          <Button variant="ghost" size="sm" className="ml-auto text-destructive hover:bg-red-50 hover:text-destructive" onClick={onDelete}>
            <Trash2 aria-hidden="true" />
            Delete<span className="sr-only"> webhook {webhook.url}</span>
          </Button>
        </div>
        {showDeliveries ? (
          <div id={deliveriesId}>
            <DeliveryLog appId={appId} webhookId={webhook.id} active={webhook.active} />
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

const DELIVERY_BADGE = { pending: 'secondary', succeeded: 'success', failed: 'destructive' } as const;
const DELIVERY_LABEL = { pending: 'Pending', succeeded: 'Delivered', failed: 'Failed' } as const;

function DeliveryLog({ appId, webhookId, active }: { appId: string; webhookId: string; active: boolean }) {
  const trpc = useTRPC();
  const deliveries = useQuery({
    ...trpc.webhooks.deliveries.queryOptions({ appId, webhookId, limit: 20 }),
    refetchInterval: (query) => (query.state.data?.some((d) => d.status === 'pending') ? 2000 : false),
  });
  const redeliver = useMutation(
    trpc.webhooks.redeliver.mutationOptions({
      onSuccess: async () => {
        toast.success('Delivery queued again');
        await queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.queryKey({ appId, webhookId }) });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );

  if (deliveries.isPending) {
    return (
      <div className="grid gap-2" role="status" aria-label="Loading deliveries">
        <Skeleton className="h-5 w-full" />
        <Skeleton className="h-5 w-2/3" />
      </div>
    );
  }
  if (deliveries.isError) {
    return <ErrorState title="Could not load deliveries" error={deliveries.error} onRetry={() => void deliveries.refetch()} retrying={deliveries.isFetching} />;
  }
  if (deliveries.data.length === 0) {
    return <p className="rounded-lg border border-dashed px-4 py-5 text-sm text-muted-foreground">No deliveries yet. Send a test event to try your endpoint.</p>;
  }
  return (
    <div className="overflow-hidden rounded-lg border">
      <Table aria-label="Deliveries">
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead>Event</TableHead>
            <TableHead>Status</TableHead>
            <TableHead>Code</TableHead>
            <TableHead>Duration</TableHead>
            <TableHead>Attempts</TableHead>
            <TableHead>Error</TableHead>
            <TableHead>Sent</TableHead>
            <TableHead className="text-right">
              <span className="sr-only">Actions</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {deliveries.data.map((d) => (
            <DeliveryRowView
              key={d.id}
              delivery={d}
              canRedeliver={active && d.status !== 'pending'}
              pending={redeliver.isPending && redeliver.variables.deliveryId === d.id}
              onRedeliver={() => redeliver.mutate({ appId, webhookId, deliveryId: d.id })}
            />
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

function DeliveryRowView({ delivery: d, canRedeliver, pending, onRedeliver }: { delivery: DeliveryRow; canRedeliver: boolean; pending: boolean; onRedeliver: () => void }) {
  const lastAttempt = d.attemptsLog[d.attemptsLog.length - 1];
  return (
    <TableRow>
      <TableCell className="font-mono text-xs">{d.event}</TableCell>
      <TableCell>
        <Badge variant={DELIVERY_BADGE[d.status]}>{DELIVERY_LABEL[d.status]}</Badge>
      </TableCell>
      <TableCell className="font-mono text-xs tabular-nums">{d.lastStatusCode ?? '—'}</TableCell>
      <TableCell className="tabular-nums text-muted-foreground">{lastAttempt ? formatDuration(lastAttempt.durationMs) : '—'}</TableCell>
      <TableCell className="tabular-nums">
        {d.attemptsLog.length > 1 ? (
          <details>
            <summary className="cursor-pointer rounded-sm outline-none focus-visible:ring-2 focus-visible:ring-ring">{d.attempts}</summary>
            <ol className="mt-1 grid gap-0.5 text-xs text-muted-foreground">
              {d.attemptsLog.map((a) => (
                <li key={a.attempt}>
                  #{a.attempt}: {a.statusCode ?? 'no response'} · {formatDuration(a.durationMs)}
                  {a.error ? ` · ${a.error}` : ''}
                </li>
              ))}
            </ol>
          </details>
        ) : (
          d.attempts
        )}
        {d.status === 'pending' && d.nextAttemptAt ? (
          <span className="block text-xs text-muted-foreground">
            {new Date(d.nextAttemptAt).getTime() - Date.now() < 45_000 ? 'retrying shortly' : `retry ${formatRelative(d.nextAttemptAt)}`}
          </span>
        ) : null}
      </TableCell>
      <TableCell className="max-w-64 whitespace-normal text-xs text-destructive">{d.lastError ?? <span className="text-muted-foreground">—</span>}</TableCell>
      <TableCell className="text-muted-foreground">
        <Timestamp value={d.createdAt} />
      </TableCell>
      <TableCell className="text-right">
        <Button variant="ghost" size="sm" disabled={!canRedeliver} pending={pending} onClick={onRedeliver}>
          {pending ? null : <RotateCw aria-hidden="true" />}
          Redeliver
        </Button>
      </TableCell>
    </TableRow>
  );
}

function CreateWebhookDialog({
  appId,
  open,
  onOpenChange,
  onCreated,
}: {
  appId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (webhook: { url: string; secret: string | null }) => void;
}) {
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Add webhook"
      description="We send a signed POST request to this URL for each event you choose."
      className="max-w-xl"
    >
      <CreateWebhookForm appId={appId} onCreated={onCreated} />
    </FormDialog>
  );
}

function CreateWebhookForm({ appId, onCreated }: { appId: string; onCreated: (webhook: { url: string; secret: string | null }) => void }) {
  const trpc = useTRPC();
  const eventsErrorId = useId();
  const form = useSchemaForm();
  const { errors, clear } = form;
  const [events, setEvents] = useState<WebhookEventName[]>([...WEBHOOK_EVENT_NAMES]);
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: async (created) => {
        toast.success('Webhook added');
        onCreated(created);
        await queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey({ appId }) });
      },
      onError: form.onError,
    }),
  );

  const readValues = (element: HTMLFormElement) => {
    const values = readForm(element);
    return { url: values.url, events, secret: values.secret ? values.secret : undefined };
  };

  return (
    <DialogForm
      onSubmit={form.handleSubmit(createWebhookInput, (data) => create.mutate({ appId, ...data }), readValues)}
      error={form.formError}
      pending={create.isPending}
      submitLabel="Add webhook"
    >
      <TextField label="Payload URL" {...form.field('url')} type="url" inputMode="url" autoFocus required placeholder="https://example.com/hooks/pixell" />
      <fieldset className="grid gap-2" aria-describedby={errors.events ? eventsErrorId : undefined}>
        <legend className="mb-1 text-sm font-medium">Events</legend>
        {WEBHOOK_EVENT_NAMES.map((name) => {
          const id = `${eventsErrorId}-${name}`;
          return (
            <div key={name} className="flex items-start gap-3 rounded-md border px-3 py-2">
              <Checkbox
                id={id}
                className="mt-0.5"
                checked={events.includes(name)}
                onChange={(e) => {
                  clear('events');
                  const checked = e.currentTarget.checked;
                  setEvents((prev) => (checked ? [...prev, name] : prev.filter((x) => x !== name)));
                }}
              />
              <div className="grid gap-0.5">
                <Label htmlFor={id} className="font-mono text-xs">
                  {name}
                </Label>
                <span className="text-xs text-muted-foreground">{EVENT_DESCRIPTIONS[name]}</span>
              </div>
            </div>
          );
        })}
        {errors.events ? (
          <p id={eventsErrorId} className="text-xs font-medium text-destructive">
            {errors.events}
          </p>
        ) : null}
      </fieldset>
      <TextField
        label="Signing secret (optional)"
        {...form.field('secret')}
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        hint={`Leave empty to have a secret generated for you (shown once). Otherwise at least ${WEBHOOK_SECRET_MIN_LENGTH} characters.`}
      />
    </DialogForm>
  );
}

function DeleteWebhookDialog({ appId, webhook, onClose }: { appId: string; webhook: WebhookRow | null; onClose: () => void }) {
  const trpc = useTRPC();
  const remove = useMutation(
    trpc.webhooks.delete.mutationOptions({
      onSuccess: async () => {
        toast.success('Webhook deleted');
        onClose();
        await queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey({ appId }) });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  return (
    <ConfirmDialog
      open={webhook !== null}
      onOpenChange={(open) => (open ? undefined : onClose())}
      title="Delete this webhook?"
      description={
        <p>
          <span className="break-all font-mono text-foreground">{webhook?.url}</span> stops receiving deployment events, and its delivery log is deleted.
        </p>
      }
      confirmLabel="Delete webhook"
      pending={remove.isPending}
      onConfirm={() => webhook && remove.mutate({ appId, webhookId: webhook.id })}
    />
  );
}
