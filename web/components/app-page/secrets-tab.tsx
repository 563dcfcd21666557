// The Secrets tab of an agent app: encrypted environment variables injected at deployment time.
// Owners and admins see values (masked until revealed per row); members see names only but may still
// add, replace and delete secrets, as the API allows.
import { useMutation, useQuery } from '@tanstack/react-query';
import { ClipboardPaste, Copy, Eye, EyeOff, Info, KeyRound, Lock, Pencil, Plus, Trash2, TriangleAlert } from 'lucide-react';
import { useId, useMemo, useState } from 'react';
import { toast } from 'sonner';
import { MAX_SECRETS_PER_APP, setSecretInput } from '../../../server/domain/secrets/secret-schemas.ts';
import type { RouterOutputs } from '../../lib/deployments.ts';
import { errorMessage } from '../../lib/errors.ts';
import { formatNumber } from '../../lib/format.ts';
import { useSchemaForm } from '../../lib/forms.ts';
import { type PasteEntryStatus, type PasteMode, previewPaste, replaceAllSecrets } from '../../lib/secrets-paste.ts';
import { queryClient, useTRPC } from '../../lib/trpc.ts';
import { cn } from '../../lib/utils.ts';
import { ConfirmDialog } from '../confirm-dialog.tsx';
import { EmptyState } from '../empty-state.tsx';
import { ErrorState } from '../error-state.tsx';
import { FormAlert } from '../form-alert.tsx';
import { DialogForm, FormDialog } from '../form-dialog.tsx';
import { ListSkeleton } from '../list-skeleton.tsx';
import { TextField } from '../text-field.tsx';
import { Badge } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../ui/card.tsx';
import { Checkbox } from '../ui/checkbox.tsx';
import { Input } from '../ui/input.tsx';
import { Label } from '../ui/label.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../ui/table.tsx';
import { Textarea } from '../ui/textarea.tsx';
import { Timestamp } from '../timestamp.tsx';

type SecretsList = RouterOutputs['secrets']['list'];
type SecretRow = SecretsList['secrets'][number];

const MASK = '••••••••••••';

type FormTarget = { kind: 'add' } | { kind: 'edit'; key: string; value: string | null };

export function SecretsTab({ appId }: { appId: string }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.secrets.list.queryOptions({ appId }));
  const [form, setForm] = useState<FormTarget | null>(null);
  const [pasteOpen, setPasteOpen] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [deletingAll, setDeletingAll] = useState(false);

  const secrets = list.data?.secrets ?? [];
  const canReadValues = list.data?.canReadValues ?? false;
  const full = secrets.length >= MAX_SECRETS_PER_APP;

  const addButton = (
    <Button onClick={() => setForm({ kind: 'add' })} disabled={full} title={full ? `An agent app can have at most ${MAX_SECRETS_PER_APP} secrets` : undefined}>
      <Plus aria-hidden="true" />
      Add secret
    </Button>
  );
  const pasteButton = (
    <Button variant="outline" onClick={() => setPasteOpen(true)}>
      <ClipboardPaste aria-hidden="true" />
      Bulk paste
    </Button>
  );

  let content: React.ReactNode;
  if (list.isPending) {
    content = <ListSkeleton label="Loading secrets" rows={3} cells={['h-4 w-40', 'h-4 w-28', 'ml-auto h-4 w-24']} />;
  } else if (list.isError) {
    content = <ErrorState title="Could not load secrets" error={list.error} onRetry={() => void list.refetch()} retrying={list.isFetching} />;
  } else if (secrets.length === 0) {
    content = (
      <EmptyState
        icon={KeyRound}
        title="No secrets yet"
        description="Secrets are encrypted environment variables (API keys, tokens, passwords) handed to your agent when it is deployed. They never appear in logs or package files."
      >
        <div className="flex flex-wrap justify-center gap-2">
          {addButton}
          {pasteButton}
        </div>
      </EmptyState>
    );
  } else {
    content = (
      <Card className="overflow-hidden">
        <Table aria-label="Secrets">
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead className="pl-6">Key</TableHead>
              <TableHead>Value</TableHead>
              <TableHead className="hidden sm:table-cell">Updated</TableHead>
              <TableHead className="pr-6 text-right">
                <span className="sr-only">Actions</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {secrets.map((secret) => (
              <SecretTableRow
                key={secret.key}
                secret={secret}
                canReadValues={canReadValues}
                onEdit={() => setForm({ kind: 'edit', key: secret.key, value: secret.value })}
                onDelete={() => setDeleting(secret.key)}
              />
            ))}
          </TableBody>
        </Table>
      </Card>
    );
  }

  return (
    <div className="grid gap-4">
      {secrets.length > 0 ? (
        <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
          <p className="text-sm text-muted-foreground" data-testid="secret-count">
            {formatNumber(secrets.length)} of {MAX_SECRETS_PER_APP} secrets · encrypted at rest
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <Button variant="ghost" className="text-destructive hover:bg-red-50 hover:text-destructive" onClick={() => setDeletingAll(true)}>
              <Trash2 aria-hidden="true" />
              Delete all
            </Button>
            {pasteButton}
            {addButton}
          </div>
        </div>
      ) : null}
      {list.data && !canReadValues ? (
        <FormAlert tone="info">
          <span className="flex items-start gap-2">
            <Lock className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
            <span>
              Only owners and admins can see secret values. As a member you see the names, and you can still add secrets, replace a value or
              delete a secret.
            </span>
          </span>
        </FormAlert>
      ) : null}
      {content}
      <PrecedenceHelp />

      <SecretFormDialog appId={appId} target={form} existing={secrets} canReadValues={canReadValues} onClose={() => setForm(null)} />
      <BulkPasteDialog appId={appId} open={pasteOpen} onOpenChange={setPasteOpen} existing={secrets} canReadValues={canReadValues} />
      <DeleteSecretDialog appId={appId} secretKey={deleting} onClose={() => setDeleting(null)} />
      <DeleteAllSecretsDialog appId={appId} open={deletingAll} count={secrets.length} onClose={() => setDeletingAll(false)} />
    </div>
  );
}

function PrecedenceHelp() {
  const layers = [
    { name: 'Deploy-time environment', hint: 'overrides entered in the deploy wizard or sent with the upload' },
    { name: 'App secrets', hint: 'this tab' },
    { name: 'Secrets provider', hint: 'when the platform has one configured' },
    { name: 'Package .env', hint: 'the .env file inside the .apkg' },
    { name: 'Base environment', hint: 'set by the runtime' },
  ];
  return (
    <Card>
      <CardHeader className="pb-3">
        <CardTitle className="flex items-center gap-2">
          <Info className="size-4 text-muted-foreground" aria-hidden="true" />
          How secrets reach your agent
        </CardTitle>
        <CardDescription>
          When the same name is set in several places, the first one in this list wins. Changes apply to the next deployment or redeploy; a
          rollback runs with the environment the earlier deployment used.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <ol className="grid gap-2 text-sm sm:grid-cols-5" aria-label="Precedence, highest first">
          {layers.map((layer, i) => (
            <li key={layer.name} className={cn('rounded-lg border px-3 py-2', layer.name === 'App secrets' && 'border-violet-200 bg-accent')}>
              <span className="block text-xs tabular-nums text-muted-foreground">{i + 1}.</span>
              <span className="font-medium">{layer.name}</span>
              <span className="block text-xs text-muted-foreground">{layer.hint}</span>
            </li>
          ))}
        </ol>
      </CardContent>
    </Card>
  );
}

function SecretTableRow({
  secret,
  canReadValues,
  onEdit,
  onDelete,
}: {
  secret: SecretRow;
  canReadValues: boolean;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const [revealed, setRevealed] = useState(false);
  const valueId = useId();
  const shown = revealed && canReadValues && secret.value !== null;

  async function copy() {
    if (secret.value === null) return;
    try {
      await navigator.clipboard.writeText(secret.value);
      toast.success(`Copied the value of ${secret.key}`);
    } catch {
      toast.error('Could not copy automatically. Reveal the value and copy it by hand.');
    }
  }

  return (
    <TableRow data-testid="secret-row" data-key={secret.key}>
      <TableCell className="pl-6 align-top font-mono text-xs font-medium">{secret.key}</TableCell>
      <TableCell className="max-w-md whitespace-normal align-top">
        {shown ? (
          <code
            id={valueId}
            data-testid="secret-value"
            className="block max-h-40 overflow-auto whitespace-pre-wrap break-all rounded bg-muted px-2 py-1 font-mono text-xs"
          >
            {secret.value === '' ? <span className="italic text-muted-foreground">(empty)</span> : secret.value}
          </code>
        ) : (
          <span id={valueId} className="font-mono text-xs tracking-widest text-muted-foreground" aria-label={canReadValues ? 'Hidden value' : 'Value not visible to members'}>
            {MASK}
          </span>
        )}
      </TableCell>
      <TableCell className="hidden align-top text-muted-foreground sm:table-cell">
        <Timestamp value={secret.updatedAt} />
      </TableCell>
      <TableCell className="pr-6 text-right align-top">
        <div className="flex items-center justify-end gap-1">
          {canReadValues ? (
            <>
              <Button variant="ghost" size="sm" aria-controls={valueId} onClick={() => setRevealed((v) => !v)}>
                {shown ? <EyeOff aria-hidden="true" /> : <Eye aria-hidden="true" />}
                {shown ? 'Hide' : 'Reveal'}
                <span className="sr-only"> value of {secret.key}</span>
              </Button>
              <Button variant="ghost" size="icon-sm" onClick={() => void copy()} aria-label={`Copy value of ${secret.key}`} title="Copy value">
                <Copy aria-hidden="true" />
              </Button>
            </>
          ) : null}
          <Button variant="ghost" size="icon-sm" onClick={onEdit} aria-label={canReadValues ? `Edit ${secret.key}` : `Replace value of ${secret.key}`} title={canReadValues ? 'Edit' : 'Replace value'}>
            <Pencil aria-hidden="true" />
          </Button>
          <Button
            variant="ghost"
            size="icon-sm"
            className="text-destructive hover:bg-red-50 hover:text-destructive"
            onClick={onDelete}
            aria-label={`Delete ${secret.key}`}
            title="Delete"
          >
            <Trash2 aria-hidden="true" />
          </Button>
        </div>
      </TableCell>
    </TableRow>
  );
}

function SecretFormDialog({
  appId,
  target,
  existing,
  canReadValues,
  onClose,
}: {
  appId: string;
  target: FormTarget | null;
  existing: SecretRow[];
  canReadValues: boolean;
  onClose: () => void;
}) {
  return (
    <FormDialog
      open={target !== null}
      onOpenChange={(open) => (open ? undefined : onClose())}
      title={target?.kind === 'edit' ? `Edit ${target.key}` : 'Add secret'}
      description={
        target?.kind === 'edit'
          ? canReadValues
            ? 'The value stays hidden until you reveal it. The new value is used from the next deployment on.'
            : 'Members cannot see the current value: enter a new one to replace it. It is used from the next deployment on.'
          : 'Stored encrypted and handed to your agent as an environment variable at its next deployment.'
      }
      className="max-w-xl"
    >
      {target ? <SecretForm appId={appId} target={target} existing={existing} canReadValues={canReadValues} onDone={onClose} /> : null}
    </FormDialog>
  );
}

function SecretForm({
  appId,
  target,
  existing,
  canReadValues,
  onDone,
}: {
  appId: string;
  target: FormTarget;
  existing: SecretRow[];
  canReadValues: boolean;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const editing = target.kind === 'edit';
  const initialValue = target.kind === 'edit' ? (target.value ?? '') : '';
  const [key, setKey] = useState(target.kind === 'edit' ? target.key : '');
  const [value, setValue] = useState(initialValue);
  const [revealed, setRevealed] = useState(false);
  const form = useSchemaForm();
  const { errors, clear } = form;
  const set = useMutation(
    trpc.secrets.set.mutationOptions({
      onSuccess: async (result) => {
        toast.success(result.created ? `Secret ${result.key} added` : `Secret ${result.key} updated`);
        onDone();
        await queryClient.invalidateQueries({ queryKey: trpc.secrets.list.queryKey({ appId }) });
      },
      onError: form.onError,
    }),
  );

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    form.submit(setSecretInput, { appId, key, value }, (data) => {
      if (!editing && existing.some((s) => s.key === data.key)) {
        form.setErrors({ key: `${data.key} already exists. Use its Edit button to change the value.` });
        return;
      }
      set.mutate(data);
    });
  }

  const unchanged = editing && canReadValues && value === initialValue;

  return (
    <DialogForm onSubmit={onSubmit} error={form.formError} pending={set.isPending} submitLabel={editing ? 'Save changes' : 'Add secret'} submitDisabled={unchanged}>
      <TextField
        label="Key"
        name="key"
        value={key}
        readOnly={editing}
        autoFocus={!editing}
        required
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        inputClassName="font-mono"
        placeholder="OPENAI_API_KEY"
        error={errors.key}
        hint={editing ? 'Keys cannot be renamed: add a new secret and delete this one instead.' : 'Uppercase letters, digits and underscores (typed letters are capitalised).'}
        onChange={(e) => {
          if (editing) return;
          clear('key');
          setKey(e.currentTarget.value.toUpperCase());
        }}
      />
      <SecretValueField
        value={value}
        onChange={(next) => {
          clear('value');
          setValue(next);
        }}
        revealed={revealed}
        onRevealedChange={setRevealed}
        error={errors.value}
        autoFocus={editing}
        placeholder={editing && !canReadValues ? 'New value' : undefined}
      />
    </DialogForm>
  );
}

/**
 * A value input that stays masked until revealed. Masked single-line values use a password input;
 * a masked multi-line value (which a password input cannot hold) shows as a read-only placeholder
 * until revealed; revealed values are edited in a textarea.
 */
function SecretValueField({
  value,
  onChange,
  revealed,
  onRevealedChange,
  error,
  autoFocus,
  placeholder,
}: {
  value: string;
  onChange: (value: string) => void;
  revealed: boolean;
  onRevealedChange: (revealed: boolean) => void;
  error?: string;
  autoFocus?: boolean;
  placeholder?: string;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const lines = value.split('\n').length;
  const multiLine = lines > 1;
  const describedBy = error ? `${errorId} ${hintId}` : hintId;
  const bytes = new TextEncoder().encode(value).length;

  return (
    <div className="grid gap-2">
      <div className="flex items-center justify-between gap-2">
        <Label htmlFor={id}>Value</Label>
        <Button type="button" variant="ghost" size="sm" aria-controls={id} aria-pressed={revealed} onClick={() => onRevealedChange(!revealed)}>
          {revealed ? <EyeOff aria-hidden="true" /> : <Eye aria-hidden="true" />}
          {revealed ? 'Hide value' : 'Reveal value'}
        </Button>
      </div>
      {revealed ? (
        <Textarea
          id={id}
          name="value"
          value={value}
          rows={Math.min(Math.max(lines, 3), 10)}
          autoFocus={autoFocus}
          autoComplete="off"
          spellCheck={false}
          placeholder={placeholder}
          className="font-mono text-xs"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      ) : multiLine ? (
        <Input id={id} type="password" readOnly value={MASK} className="font-mono" aria-invalid={error ? true : undefined} aria-describedby={describedBy} />
      ) : (
        <Input
          id={id}
          name="value"
          type="password"
          value={value}
          autoFocus={autoFocus}
          autoComplete="new-password"
          spellCheck={false}
          placeholder={placeholder}
          className="font-mono"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.currentTarget.value)}
          onPaste={(e) => {
            // A password input drops line breaks: keep a pasted multi-line value (a PEM key) intact.
            const pasted = e.clipboardData.getData('text');
            if (!/[\r\n]/.test(pasted)) return;
            e.preventDefault();
            const input = e.currentTarget;
            const start = input.selectionStart ?? value.length;
            const end = input.selectionEnd ?? value.length;
            onChange(value.slice(0, start) + pasted.replace(/\r\n?/g, '\n') + value.slice(end));
          }}
        />
      )}
      {error ? (
        <p id={errorId} className="text-xs font-medium text-destructive">
          {error}
        </p>
      ) : null}
      <p id={hintId} className="text-xs text-muted-foreground">
        {!revealed && multiLine
          ? `Multi-line value (${lines} lines), hidden. Reveal it to edit.`
          : `Up to 64 KiB${value ? ` · ${formatNumber(bytes)} bytes` : ''}. Multi-line values (certificates, keys) are kept as they are.`}
      </p>
    </div>
  );
}

const STATUS_BADGE: Record<PasteEntryStatus, { label: string; variant: 'success' | 'accent' | 'secondary' | 'destructive' }> = {
  new: { label: 'New', variant: 'success' },
  update: { label: 'Update', variant: 'accent' },
  unchanged: { label: 'Unchanged', variant: 'secondary' },
  invalid: { label: 'Invalid', variant: 'destructive' },
};

function BulkPasteDialog({
  appId,
  open,
  onOpenChange,
  existing,
  canReadValues,
}: {
  appId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  existing: SecretRow[];
  canReadValues: boolean;
}) {
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Bulk paste secrets"
      description="Paste the contents of a .env file: one KEY=VALUE per line. Check the preview, then save."
      className="max-w-3xl"
    >
      <BulkPasteForm appId={appId} existing={existing} canReadValues={canReadValues} onDone={() => onOpenChange(false)} />
    </FormDialog>
  );
}

function BulkPasteForm({ appId, existing, canReadValues, onDone }: { appId: string; existing: SecretRow[]; canReadValues: boolean; onDone: () => void }) {
  const trpc = useTRPC();
  const textId = useId();
  const hintId = useId();
  const showValuesId = useId();
  const [text, setText] = useState('');
  const [mode, setMode] = useState<PasteMode>('merge');
  const [showValues, setShowValues] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const existingMap = useMemo(() => new Map(existing.map((s) => [s.key, canReadValues ? s.value : null])), [existing, canReadValues]);
  const preview = useMemo(() => previewPaste(text, existingMap, mode), [text, existingMap, mode]);
  const validCount = Object.keys(preview.values).length;

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.secrets.list.queryKey({ appId }) });
  const merge = useMutation(
    trpc.secrets.setMany.mutationOptions({
      onSuccess: async (result) => {
        toast.success(`${result.keys.length === 1 ? '1 secret' : `${result.keys.length} secrets`} saved`);
        onDone();
        await refresh();
      },
      onError: (error) => setFormError(errorMessage(error)),
    }),
  );
  const replace = useMutation({
    mutationFn: () => replaceAllSecrets(appId, preview.values),
    onSuccess: async (result) => {
      toast.success(`Secrets replaced: the app now has ${result.secretCount === 1 ? '1 secret' : `${result.secretCount} secrets`}`);
      onDone();
      await refresh();
    },
    onError: (error) => setFormError(errorMessage(error)),
  });
  const pending = merge.isPending || replace.isPending;

  let blocker: string | null = null;
  if (text.trim() === '') blocker = null;
  else if (preview.problemCount > 0) blocker = 'Fix or remove the flagged lines before saving.';
  else if (validCount === 0) blocker = 'Paste at least one KEY=VALUE line.';
  else if (preview.tooMany) blocker = `An agent app can have at most ${MAX_SECRETS_PER_APP} secrets; this would make ${formatNumber(preview.totalAfter)}.`;

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    if (blocker || validCount === 0) return;
    if (mode === 'merge') merge.mutate({ appId, text });
    else replace.mutate();
  }

  const counts = {
    new: preview.entries.filter((e) => e.status === 'new').length,
    update: preview.entries.filter((e) => e.status === 'update').length,
    unchanged: preview.entries.filter((e) => e.status === 'unchanged').length,
  };
  const summary = [
    counts.new ? `${counts.new} new` : null,
    counts.update ? `${counts.update} ${canReadValues ? 'updated' : 'replaced'}` : null,
    counts.unchanged ? `${counts.unchanged} unchanged` : null,
    preview.removed.length ? `${preview.removed.length} deleted` : null,
    preview.problemCount ? `${preview.problemCount} ${preview.problemCount === 1 ? 'problem' : 'problems'}` : null,
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <DialogForm
      onSubmit={onSubmit}
      error={formError}
      pending={pending}
      submitVariant={mode === 'replace' && preview.removed.length > 0 ? 'destructive' : 'default'}
      submitDisabled={blocker !== null || validCount === 0}
      submitLabel={
        mode === 'merge'
          ? `Save ${validCount === 1 ? '1 secret' : `${validCount} secrets`}`
          : preview.removed.length > 0
            ? `Replace all (delete ${preview.removed.length})`
            : 'Replace all'
      }
    >
      <div className="grid gap-2">
        <Label htmlFor={textId}>KEY=VALUE lines</Label>
        <Textarea
          id={textId}
          value={text}
          rows={8}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          className="font-mono text-xs"
          placeholder={'# Comments and blank lines are ignored\nOPENAI_API_KEY=sk-...\nDATABASE_URL="postgres://user:pass@host/db"'}
          aria-describedby={hintId}
          aria-invalid={preview.problemCount > 0 ? true : undefined}
          onChange={(e) => {
            setFormError(null);
            setText(e.currentTarget.value);
          }}
        />
        <p id={hintId} className="text-xs text-muted-foreground">
          Blank lines and lines starting with # are skipped, an optional <code className="font-mono">export</code> prefix and surrounding quotes are
          removed, and a later line wins over an earlier one with the same key.
        </p>
      </div>

      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-medium">How to save</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          <ModeOption
            name={`${textId}-mode`}
            value="merge"
            checked={mode === 'merge'}
            onSelect={() => setMode('merge')}
            title="Merge"
            description="Add the new keys and update the existing ones. Other secrets stay."
          />
          <ModeOption
            name={`${textId}-mode`}
            value="replace"
            checked={mode === 'replace'}
            onSelect={() => setMode('replace')}
            title="Replace all"
            description="The app's secrets become exactly these. Secrets not in the paste are deleted."
          />
        </div>
      </fieldset>

      {text.trim() !== '' ? (
        <section className="grid gap-2" aria-label="Preview">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h3 className="text-sm font-medium">Preview</h3>
            <div className="flex items-center gap-2">
              <Checkbox id={showValuesId} checked={showValues} onChange={(e) => setShowValues(e.currentTarget.checked)} />
              <Label htmlFor={showValuesId} className="text-xs font-normal text-muted-foreground">
                Show values
              </Label>
            </div>
          </div>
          <p className="text-xs text-muted-foreground" role="status" data-testid="paste-summary">
            {summary || 'Nothing to save yet.'}
          </p>
          <div className="max-h-64 overflow-auto rounded-lg border">
            <Table aria-label="Preview of the pasted secrets">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>Key</TableHead>
                  <TableHead>Value</TableHead>
                  <TableHead>Result</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {preview.entries.map((entry) => (
                  <TableRow key={entry.key} data-testid="paste-row" data-status={entry.status} className={entry.status === 'invalid' ? 'bg-red-50/60' : undefined}>
                    <TableCell className="font-mono text-xs">{entry.key}</TableCell>
                    <TableCell className="max-w-64 truncate font-mono text-xs text-muted-foreground">
                      {showValues ? entry.value || <span className="italic">(empty)</span> : `${MASK.slice(0, 8)} ${formatNumber(entry.value.length)} chars`}
                    </TableCell>
                    <TableCell className="whitespace-normal">
                      <Badge variant={STATUS_BADGE[entry.status].variant}>{STATUS_BADGE[entry.status].label}</Badge>
                      {entry.problem ? <span className="mt-1 block text-xs text-destructive">{entry.problem}</span> : null}
                    </TableCell>
                  </TableRow>
                ))}
                {preview.ignoredLines.map((line) => (
                  <TableRow key={line} data-testid="paste-row" data-status="ignored" className="bg-red-50/60">
                    <TableCell colSpan={2} className="text-xs text-destructive">
                      <span className="flex items-center gap-1.5">
                        <TriangleAlert className="size-3.5 shrink-0" aria-hidden="true" />
                        {line}
                      </span>
                    </TableCell>
                    <TableCell>
                      <Badge variant="destructive">Invalid</Badge>
                    </TableCell>
                  </TableRow>
                ))}
                {preview.removed.map((key) => (
                  <TableRow key={`removed-${key}`} data-testid="paste-row" data-status="removed">
                    <TableCell className="font-mono text-xs text-muted-foreground line-through">{key}</TableCell>
                    <TableCell className="text-xs text-muted-foreground">not in the paste</TableCell>
                    <TableCell>
                      <Badge variant="destructive">Deleted</Badge>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        </section>
      ) : null}

      {blocker ? (
        <p className="flex items-start gap-2 text-sm text-destructive" role="alert">
          <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
          {blocker}
        </p>
      ) : null}

    </DialogForm>
  );
}

function ModeOption({
  name,
  value,
  checked,
  onSelect,
  title,
  description,
}: {
  name: string;
  value: string;
  checked: boolean;
  onSelect: () => void;
  title: string;
  description: string;
}) {
  const id = useId();
  return (
    <div className={cn('flex items-start gap-3 rounded-md border px-3 py-2', checked && 'border-primary bg-accent/50')}>
      <input
        type="radio"
        id={id}
        name={name}
        value={value}
        checked={checked}
        onChange={onSelect}
        aria-describedby={`${id}-description`}
        className="mt-0.5 size-4 shrink-0 cursor-pointer accent-primary"
      />
      <div className="grid gap-0.5">
        <Label htmlFor={id}>{title}</Label>
        <span id={`${id}-description`} className="text-xs text-muted-foreground">
          {description}
        </span>
      </div>
    </div>
  );
}

function DeleteSecretDialog({ appId, secretKey, onClose }: { appId: string; secretKey: string | null; onClose: () => void }) {
  const trpc = useTRPC();
  const remove = useMutation(
    trpc.secrets.delete.mutationOptions({
      onSuccess: async (result) => {
        toast.success(`Secret ${result.key} deleted`);
        onClose();
        await queryClient.invalidateQueries({ queryKey: trpc.secrets.list.queryKey({ appId }) });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  return (
    <ConfirmDialog
      open={secretKey !== null}
      onOpenChange={(open) => (open ? undefined : onClose())}
      title={`Delete ${secretKey ?? 'secret'}?`}
      description={
        <p>
          The value is deleted for good. The live deployment keeps the environment it started with; the next deployment or redeploy runs without{' '}
          <span className="font-mono text-foreground">{secretKey}</span>.
        </p>
      }
      confirmLabel="Delete secret"
      pending={remove.isPending}
      onConfirm={() => secretKey && remove.mutate({ appId, key: secretKey })}
    />
  );
}

function DeleteAllSecretsDialog({ appId, open, count, onClose }: { appId: string; open: boolean; count: number; onClose: () => void }) {
  const trpc = useTRPC();
  const removeAll = useMutation(
    trpc.secrets.deleteAll.mutationOptions({
      onSuccess: async (result) => {
        toast.success(result.deletedCount === 1 ? 'Deleted 1 secret' : `Deleted ${result.deletedCount} secrets`);
        onClose();
        await queryClient.invalidateQueries({ queryKey: trpc.secrets.list.queryKey({ appId }) });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={(next) => (next ? undefined : onClose())}
      title={`Delete all ${count === 1 ? 'secret' : `${count} secrets`}?`}
      description={<p>Every secret of this app is deleted for good. The next deployment or redeploy runs without them.</p>}
      confirmLabel="Delete all secrets"
      pending={removeAll.isPending}
      onConfirm={() => removeAll.mutate({ appId })}
    />
  );
}
