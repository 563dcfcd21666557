// The deploy wizard: choose an .apkg (its manifest is read in the browser to prefill the version),
// add details and environment overrides, review the cost against the balance, then upload it with
// a live progress bar and land on the deployment view.
import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link, useBlocker, useNavigate } from '@tanstack/react-router';
import { Check, ChevronLeft, Eye, EyeOff, FileArchive, FileSignature, Loader2, Plus, Rocket, Upload, X } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import { toast } from 'sonner';
import { ConfirmDialog } from '../../../../components/confirm-dialog.tsx';
import { FormAlert } from '../../../../components/form-alert.tsx';
import { TextField } from '../../../../components/text-field.tsx';
import { Button } from '../../../../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '../../../../components/ui/card.tsx';
import { Checkbox } from '../../../../components/ui/checkbox.tsx';
import { Input } from '../../../../components/ui/input.tsx';
import { Label } from '../../../../components/ui/label.tsx';
import { Progress } from '../../../../components/ui/progress.tsx';
import { Skeleton } from '../../../../components/ui/skeleton.tsx';
import { Textarea } from '../../../../components/ui/textarea.tsx';
import { type ApkgManifestSummary, readApkgManifest } from '../../../../lib/apkg-manifest.ts';
import { deploymentCost, formatBytes, MAX_PACKAGE_BYTES } from '../../../../lib/deployments.ts';
import { formatNumber } from '../../../../lib/format.ts';
import { ENV_KEY } from '../../../../lib/schemas.ts';
import { queryClient, useTRPC } from '../../../../lib/trpc.ts';
import { type UploadProgress, UploadAbortedError, UploadError, uploadPackageForDeploy } from '../../../../lib/upload-package.ts';
import { cn } from '../../../../lib/utils.ts';

export const Route = createFileRoute('/_app/apps/$appId/deploy')({
  loader: async ({ context, params }) => {
    const [app] = await Promise.all([
      context.queryClient.ensureQueryData(context.trpc.apps.get.queryOptions({ id: params.appId })),
      context.queryClient.ensureQueryData(context.trpc.auth.me.queryOptions()),
    ]);
    return { name: app.name };
  },
  head: ({ loaderData }) => ({ meta: [{ title: `Deploy ${loaderData?.name ?? 'agent'} · Pixell Agent Cloud` }] }),
  pendingComponent: DeploySkeleton,
  component: DeployPage,
});

const STEPS = [
  { id: 'file', label: 'Package' },
  { id: 'details', label: 'Details' },
  { id: 'review', label: 'Review' },
  { id: 'upload', label: 'Upload' },
] as const;
type StepId = (typeof STEPS)[number]['id'];

type EnvRow = { id: number; key: string; value: string; visible: boolean };
type Details = { version: string; releaseNotes: string; signature: File | null; env: EnvRow[]; forceOverwrite: boolean };
type ManifestState = { status: 'idle' } | { status: 'reading' } | { status: 'done'; manifest: ApkgManifestSummary | null };

const MAX_SIGNATURE_BYTES = 64 * 1024;
const MAX_RELEASE_NOTES = 10_000;

function DeployPage() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const { appId } = Route.useParams();
  const { data: app } = useSuspenseQuery(trpc.apps.get.queryOptions({ id: appId }));
  const [step, setStep] = useState<StepId>('file');
  const [file, setFile] = useState<File | null>(null);
  const [manifest, setManifest] = useState<ManifestState>({ status: 'idle' });
  const [details, setDetails] = useState<Details>({ version: '', releaseNotes: '', signature: null, env: [], forceOverwrite: false });
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [uploadError, setUploadError] = useState<UploadError | null>(null);
  const abortRef = useRef<(() => void) | null>(null);
  const uploadingRef = useRef(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  // Leaving the page while the upload runs asks first (and cancels the upload when confirmed).
  const blocker = useBlocker({ shouldBlockFn: () => uploadingRef.current, enableBeforeUnload: () => uploadingRef.current, withResolver: true });
  useEffect(() => () => abortRef.current?.(), []);

  function goTo(next: StepId) {
    setStep(next);
    // Move focus to the new step's heading so keyboard and screen reader users follow along.
    requestAnimationFrame(() => headingRef.current?.focus());
  }

  async function chooseFile(next: File) {
    setFile(next);
    setUploadError(null);
    setManifest({ status: 'reading' });
    const summary = await readApkgManifest(next);
    setManifest({ status: 'done', manifest: summary });
    setDetails((d) => ({ ...d, version: summary?.version ?? d.version, forceOverwrite: false }));
  }

  async function startUpload() {
    if (!file) return;
    setUploadError(null);
    setProgress({ loaded: 0, total: file.size, bytesPerSecond: null, etaSeconds: null });
    goTo('upload');
    const environment: Record<string, string> = {};
    for (const row of details.env) if (row.key.trim()) environment[row.key.trim()] = row.value;
    const upload = uploadPackageForDeploy(
      {
        appId,
        file,
        version: details.version.trim(),
        releaseNotes: details.releaseNotes,
        environment,
        signature: details.signature,
        forceOverwrite: details.forceOverwrite,
      },
      setProgress,
    );
    abortRef.current = upload.abort;
    uploadingRef.current = true;
    try {
      const accepted = await upload.promise;
      uploadingRef.current = false;
      abortRef.current = null;
      const warnings = accepted.warnings.length;
      toast.success(`Deploying v${accepted.package.version}`, {
        description: warnings ? `The package was accepted with ${warnings} ${warnings === 1 ? 'warning' : 'warnings'} (listed on the deployment page).` : undefined,
      });
      void Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.apps.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.org.current.queryKey() }),
      ]);
      await navigate({ to: '/deployments/$deploymentId', params: { deploymentId: accepted.deployment.id }, replace: true });
    } catch (error) {
      uploadingRef.current = false;
      abortRef.current = null;
      setProgress(null);
      if (error instanceof UploadAbortedError) {
        toast('Upload cancelled', { description: 'Nothing was deployed and no credits were used.' });
      } else {
        setUploadError(error instanceof UploadError ? error : new UploadError(error instanceof Error ? error.message : 'The upload failed.', { status: 0 }));
        if (error instanceof UploadError && error.status === 402) void queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
      }
      goTo('review');
    }
  }

  const stepIndex = STEPS.findIndex((s) => s.id === step);

  return (
    <div className="mx-auto max-w-3xl">
      <Link
        to="/apps/$appId"
        params={{ appId }}
        className="mb-4 inline-flex items-center gap-1 rounded-sm text-sm text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
      >
        <ChevronLeft className="size-4" aria-hidden="true" />
        {app.name}
      </Link>
      <h1 className="text-2xl font-semibold tracking-tight">Deploy {app.name}</h1>
      <p className="mt-1 text-sm text-muted-foreground">
        Upload an <span className="font-mono">.apkg</span> package built with the Pixell CLI.
        {app.activeVersion ? (
          <>
            {' '}
            The live version is <span className="font-mono text-foreground">v{app.activeVersion}</span>.
          </>
        ) : null}
      </p>

      <ol className="my-8 flex items-center gap-2" aria-label="Deploy steps">
        {STEPS.map((s, i) => {
          const done = i < stepIndex;
          const current = i === stepIndex;
          return (
            <li key={s.id} className="flex flex-1 items-center gap-2" aria-current={current ? 'step' : undefined}>
              <span
                className={cn(
                  'flex size-7 shrink-0 items-center justify-center rounded-full border-2 text-xs font-semibold',
                  done && 'border-primary bg-primary text-primary-foreground',
                  current && 'border-primary text-primary',
                  !done && !current && 'border-zinc-300 text-muted-foreground',
                )}
              >
                {done ? <Check className="size-3.5" aria-hidden="true" /> : i + 1}
              </span>
              <span className={cn('text-sm', current ? 'font-medium' : 'text-muted-foreground')}>
                {s.label}
                {done ? <span className="sr-only"> (done)</span> : null}
              </span>
              {i < STEPS.length - 1 ? <span className={cn('h-px flex-1', done ? 'bg-primary' : 'bg-border')} aria-hidden="true" /> : null}
            </li>
          );
        })}
      </ol>

      {step === 'file' ? (
        <FileStep
          headingRef={headingRef}
          file={file}
          manifest={manifest}
          onChoose={(f) => void chooseFile(f)}
          onClear={() => {
            setFile(null);
            setManifest({ status: 'idle' });
          }}
          onNext={() => goTo('details')}
        />
      ) : step === 'details' && file ? (
        <DetailsStep
          headingRef={headingRef}
          manifest={manifest.status === 'done' ? manifest.manifest : null}
          existingVersions={app.packages.map((p) => p.version)}
          details={details}
          onChange={setDetails}
          onBack={() => goTo('file')}
          onNext={() => goTo('review')}
        />
      ) : step === 'review' && file ? (
        <ReviewStep
          headingRef={headingRef}
          appName={app.name}
          file={file}
          details={details}
          error={uploadError}
          onBack={() => goTo('details')}
          onChangeFile={() => goTo('file')}
          onDeploy={() => void startUpload()}
        />
      ) : step === 'upload' && file ? (
        <UploadStep headingRef={headingRef} file={file} progress={progress} onCancel={() => abortRef.current?.()} />
      ) : null}

      <ConfirmDialog
        open={blocker.status === 'blocked'}
        onOpenChange={(open) => (open ? undefined : blocker.reset?.())}
        title="Cancel the upload?"
        description={<p>The package is still uploading. If you leave this page the upload stops and nothing is deployed.</p>}
        confirmLabel="Leave and cancel upload"
        cancelLabel="Stay on this page"
        onConfirm={() => {
          uploadingRef.current = false;
          abortRef.current?.();
          blocker.proceed?.();
        }}
      />
    </div>
  );
}

type HeadingRef = React.RefObject<HTMLHeadingElement | null>;

function StepHeading({ headingRef, title, description }: { headingRef: HeadingRef; title: string; description: React.ReactNode }) {
  return (
    <CardHeader>
      <CardTitle ref={headingRef} tabIndex={-1} className="outline-none">
        {title}
      </CardTitle>
      <CardDescription>{description}</CardDescription>
    </CardHeader>
  );
}

function fileProblem(file: File): string | null {
  if (!file.name.toLowerCase().endsWith('.apkg')) return `“${file.name}” is not an .apkg package. Choose the .apkg file built by the Pixell CLI.`;
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (file.size > MAX_PACKAGE_BYTES) return `“${file.name}” is ${formatBytes(file.size)}; packages can be at most ${formatBytes(MAX_PACKAGE_BYTES)}.`;
  return null;
}

function FileStep({
  headingRef,
  file,
  manifest,
  onChoose,
  onClear,
  onNext,
}: {
  headingRef: HeadingRef;
  file: File | null;
  manifest: ManifestState;
  onChoose: (file: File) => void;
  onClear: () => void;
  onNext: () => void;
}) {
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  function take(candidate: File | undefined) {
    if (!candidate) return;
    const issue = fileProblem(candidate);
    setProblem(issue);
    if (issue) onClear();
    else onChoose(candidate);
  }

  const summary = manifest.status === 'done' ? manifest.manifest : null;

  return (
    <Card>
      <StepHeading headingRef={headingRef} title="Choose a package"
        description={
          <>
            The .apkg file produced by <code className="font-mono text-foreground">pixell build</code>. Up to 100 MB.
          </>
        }
      />
      <CardContent className="grid gap-4">
        <div
          className={cn(
            'flex flex-col items-center justify-center gap-3 rounded-xl border-2 border-dashed px-6 py-10 text-center transition-colors',
            dragging ? 'border-primary bg-accent' : 'border-zinc-300 bg-muted/30',
            problem && 'border-red-300',
          )}
          onDragEnter={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragOver={(e) => {
            e.preventDefault();
            e.dataTransfer.dropEffect = 'copy';
          }}
          onDragLeave={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
          }}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            take(e.dataTransfer.files[0]);
          }}
        >
          <div className="flex size-12 items-center justify-center rounded-full bg-accent text-accent-foreground">
            <Upload className="size-6" aria-hidden="true" />
          </div>
          <div className="grid gap-1">
            <Label htmlFor={inputId} className="justify-center text-base">
              Package file
            </Label>
            <p className="text-sm text-muted-foreground">Drag and drop your .apkg here, or choose it from your computer.</p>
          </div>
          <input
            ref={inputRef}
            id={inputId}
            type="file"
            accept=".apkg"
            className="sr-only"
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? `${inputId}-error` : undefined}
            onChange={(e) => {
              take(e.currentTarget.files?.[0]);
              e.currentTarget.value = '';
            }}
          />
          <Button type="button" variant="outline" onClick={() => inputRef.current?.click()}>
            <FileArchive aria-hidden="true" />
            {file ? 'Choose another file' : 'Choose file'}
          </Button>
        </div>
        {problem ? (
          <p id={`${inputId}-error`} role="alert" className="text-sm font-medium text-destructive">
            {problem}
          </p>
        ) : null}

        {file ? (
          <div className="rounded-lg border p-4" aria-live="polite">
            <div className="flex items-start gap-3">
              <FileArchive className="mt-0.5 size-5 shrink-0 text-muted-foreground" aria-hidden="true" />
              <div className="min-w-0 flex-1">
                <p className="truncate font-medium" data-testid="chosen-file">
                  {file.name}
                </p>
                <p className="text-xs text-muted-foreground">{formatBytes(file.size)}</p>
              </div>
              <Button type="button" variant="ghost" size="icon-sm" aria-label="Remove file" onClick={onClear}>
                <X aria-hidden="true" />
              </Button>
            </div>
            <div className="mt-3 border-t pt-3 text-sm">
              {manifest.status === 'reading' ? (
                <p className="flex items-center gap-2 text-muted-foreground" role="status">
                  <Loader2 className="size-4 animate-spin" aria-hidden="true" />
                  Reading agent.yaml…
                </p>
              ) : summary ? (
                <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5">
                  <dt className="text-muted-foreground">Agent</dt>
                  <dd className="font-medium">
                    {summary.displayName ?? summary.name ?? '—'}
                    {summary.displayName && summary.name ? <span className="ml-2 font-mono text-xs text-muted-foreground">{summary.name}</span> : null}
                  </dd>
                  {summary.description ? (
                    <>
                      <dt className="text-muted-foreground">Description</dt>
                      <dd>{summary.description}</dd>
                    </>
                  ) : null}
                  <dt className="text-muted-foreground">Version</dt>
                  <dd className="font-mono" data-testid="manifest-version">
                    {summary.version ?? 'not set'}
                  </dd>
                </dl>
              ) : (
                <p className="text-muted-foreground">Could not read agent.yaml in the browser. You can enter the version on the next step; the server checks the package.</p>
              )}
            </div>
          </div>
        ) : null}
      </CardContent>
      <CardFooter className="justify-end">
        <Button type="button" disabled={!file || manifest.status === 'reading'} onClick={onNext}>
          Continue
        </Button>
      </CardFooter>
    </Card>
  );
}

type DetailErrors = { version?: string; releaseNotes?: string; signature?: string; env: Record<number, string> };

function validateDetails(details: Details, manifest: ApkgManifestSummary | null, existing: string[]): DetailErrors {
  const errors: DetailErrors = { env: {} };
  const version = details.version.trim();
  if (!version) errors.version = 'Enter the package version (metadata.version in agent.yaml).';
  else if (version.length > 64) errors.version = 'The version must be at most 64 characters.';
  else if (manifest?.version && manifest.version !== version) errors.version = `The package manifest says ${manifest.version}: the version must match it.`;
  else if (existing.includes(version) && !details.forceOverwrite)
    errors.version = `Version ${version} already exists for this app. Bump metadata.version in agent.yaml, or replace the existing package below.`;
  if (details.releaseNotes.length > MAX_RELEASE_NOTES) errors.releaseNotes = `Release notes must be at most ${formatNumber(MAX_RELEASE_NOTES)} characters.`;
  if (details.signature && details.signature.size > MAX_SIGNATURE_BYTES) errors.signature = 'The signature file is too large (64 KB at most).';
  const seen = new Set<string>();
  for (const row of details.env) {
    const key = row.key.trim();
    if (!key) {
      if (row.value) errors.env[row.id] = 'Enter a variable name, or remove this row.';
      continue;
    }
    if (!ENV_KEY.test(key)) errors.env[row.id] = 'Use letters, digits and _ only, not starting with a digit.';
    else if (seen.has(key)) errors.env[row.id] = `${key} is set twice.`;
    seen.add(key);
  }
  return errors;
}

function hasErrors(errors: DetailErrors): boolean {
  return Boolean(errors.version || errors.releaseNotes || errors.signature || Object.keys(errors.env).length);
}

let nextRowId = 1;

function DetailsStep({
  headingRef,
  manifest,
  existingVersions,
  details,
  onChange,
  onBack,
  onNext,
}: {
  headingRef: HeadingRef;
  manifest: ApkgManifestSummary | null;
  existingVersions: string[];
  details: Details;
  onChange: React.Dispatch<React.SetStateAction<Details>>;
  onBack: () => void;
  onNext: () => void;
}) {
  const notesId = useId();
  const signatureId = useId();
  const overwriteId = useId();
  const envHintId = useId();
  const signatureRef = useRef<HTMLInputElement>(null);
  const [errors, setErrors] = useState<DetailErrors | null>(null);
  const shown = errors ?? { env: {} };
  const version = details.version.trim();
  const versionExists = version !== '' && existingVersions.includes(version);

  function update(patch: Partial<Details>) {
    onChange((d) => ({ ...d, ...patch }));
    if (errors) setErrors(null);
  }
  function updateRow(id: number, patch: Partial<EnvRow>) {
    onChange((d) => ({ ...d, env: d.env.map((r) => (r.id === id ? { ...r, ...patch } : r)) }));
    if (errors) setErrors(null);
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const found = validateDetails(details, manifest, existingVersions);
    if (hasErrors(found)) {
      setErrors(found);
      // Focus the first invalid field.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-deploy-details] [aria-invalid="true"]')?.focus());
      return;
    }
    onNext();
  }

  return (
    <Card>
      <form noValidate onSubmit={submit} data-deploy-details="">
        <StepHeading headingRef={headingRef} title="Details" description="Describe this version and set environment overrides for the deployment." />
        <CardContent className="grid gap-6">
          <TextField
            label="Version"
            name="version"
            required
            maxLength={64}
            value={details.version}
            onChange={(e) => update({ version: e.currentTarget.value })}
            className="max-w-xs"
            inputClassName="font-mono"
            error={shown.version}
            hint={manifest?.version ? 'Read from the package (metadata.version in agent.yaml).' : 'The version in the package manifest (metadata.version in agent.yaml).'}
            spellCheck={false}
            autoComplete="off"
          />
          {versionExists ? (
            <div className="-mt-3 flex items-start gap-3 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2.5 text-sm text-amber-900">
              <Checkbox
                id={overwriteId}
                className="mt-0.5"
                checked={details.forceOverwrite}
                onChange={(e) => update({ forceOverwrite: e.currentTarget.checked })}
              />
              <Label htmlFor={overwriteId} className="block font-normal leading-snug">
                Replace the existing package of v{version}. The stored file is overwritten; past deployments keep their history.
              </Label>
            </div>
          ) : null}

          <div className="grid gap-2">
            <Label htmlFor={notesId}>
              Release notes <span className="font-normal text-muted-foreground">(optional)</span>
            </Label>
            <Textarea
              id={notesId}
              rows={4}
              value={details.releaseNotes}
              placeholder="What changed in this version"
              aria-invalid={shown.releaseNotes ? true : undefined}
              aria-describedby={shown.releaseNotes ? `${notesId}-error` : undefined}
              onChange={(e) => update({ releaseNotes: e.currentTarget.value })}
            />
            {shown.releaseNotes ? (
              <p id={`${notesId}-error`} className="text-xs font-medium text-destructive">
                {shown.releaseNotes}
              </p>
            ) : null}
          </div>

          <div className="grid gap-2">
            <Label htmlFor={signatureId}>
              Signature <span className="font-normal text-muted-foreground">(optional)</span>
            </Label>
            <div className="flex flex-wrap items-center gap-2">
              <input
                ref={signatureRef}
                id={signatureId}
                type="file"
                accept=".sig,.asc,.gpg"
                className="sr-only"
                aria-invalid={shown.signature ? true : undefined}
                aria-describedby={`${signatureId}-hint`}
                onChange={(e) => {
                  update({ signature: e.currentTarget.files?.[0] ?? null });
                  e.currentTarget.value = '';
                }}
              />
              <Button type="button" variant="outline" size="sm" onClick={() => signatureRef.current?.click()}>
                <FileSignature aria-hidden="true" />
                {details.signature ? 'Choose another signature' : 'Choose signature file'}
              </Button>
              {details.signature ? (
                <span className="inline-flex items-center gap-1 rounded-md bg-muted px-2 py-1 font-mono text-xs">
                  {details.signature.name}
                  <button
                    type="button"
                    className="rounded-sm p-0.5 text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
                    aria-label="Remove signature file"
                    onClick={() => update({ signature: null })}
                  >
                    <X className="size-3.5" aria-hidden="true" />
                  </button>
                </span>
              ) : null}
            </div>
            <p id={`${signatureId}-hint`} className={cn('text-xs', shown.signature ? 'font-medium text-destructive' : 'text-muted-foreground')}>
              {shown.signature ?? 'A detached OpenPGP signature of the .apkg (e.g. agent.apkg.sig). Required when the app has trusted keys.'}
            </p>
          </div>

          <fieldset className="grid gap-3" aria-describedby={envHintId}>
            <legend className="text-sm font-medium">
              Environment overrides <span className="font-normal text-muted-foreground">(optional)</span>
            </legend>
            <p id={envHintId} className="-mt-1 text-xs text-muted-foreground">
              Set at deploy time on top of the package’s .env. Values are encrypted and never shown again.
            </p>
            {details.env.map((row, i) => {
              const error = shown.env[row.id];
              const keyId = `${envHintId}-key-${row.id}`;
              const valueId = `${envHintId}-value-${row.id}`;
              const errorId = `${envHintId}-error-${row.id}`;
              return (
                <div key={row.id} className="grid gap-1">
                  <div className="flex items-start gap-2">
                    <div className="grid flex-1 gap-1">
                      <Label htmlFor={keyId} className="sr-only">
                        Name of variable {i + 1}
                      </Label>
                      <Input
                        id={keyId}
                        value={row.key}
                        placeholder="OPENAI_API_KEY"
                        className="font-mono"
                        spellCheck={false}
                        autoComplete="off"
                        aria-invalid={error ? true : undefined}
                        aria-describedby={error ? errorId : undefined}
                        onChange={(e) => updateRow(row.id, { key: e.currentTarget.value })}
                      />
                    </div>
                    <div className="relative flex-1">
                      <Label htmlFor={valueId} className="sr-only">
                        Value of variable {i + 1}
                      </Label>
                      <Input
                        id={valueId}
                        type={row.visible ? 'text' : 'password'}
                        value={row.value}
                        placeholder="value"
                        className="pr-9 font-mono"
                        spellCheck={false}
                        autoComplete="new-password"
                        onChange={(e) => updateRow(row.id, { value: e.currentTarget.value })}
                      />
                      <button
                        type="button"
                        className="absolute right-1 top-1/2 -translate-y-1/2 rounded-sm p-1.5 text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
                        aria-label={`Show value of variable ${i + 1}`}
                        aria-pressed={row.visible}
                        onClick={() => updateRow(row.id, { visible: !row.visible })}
                      >
                        {row.visible ? <EyeOff className="size-4" aria-hidden="true" /> : <Eye className="size-4" aria-hidden="true" />}
                      </button>
                    </div>
                    <Button
                      type="button"
                      variant="ghost"
                      size="icon"
                      aria-label={`Remove variable ${i + 1}`}
                      onClick={() => onChange((d) => ({ ...d, env: d.env.filter((r) => r.id !== row.id) }))}
                    >
                      <X aria-hidden="true" />
                    </Button>
                  </div>
                  {error ? (
                    <p id={errorId} className="text-xs font-medium text-destructive">
                      {error}
                    </p>
                  ) : null}
                </div>
              );
            })}
            <div>
              <Button
                type="button"
                variant="outline"
                size="sm"
                onClick={() => onChange((d) => ({ ...d, env: [...d.env, { id: nextRowId++, key: '', value: '', visible: false }] }))}
              >
                <Plus aria-hidden="true" />
                Add variable
              </Button>
            </div>
          </fieldset>
        </CardContent>
        <CardFooter className="justify-between">
          <Button type="button" variant="outline" onClick={onBack}>
            Back
          </Button>
          <Button type="submit">Continue</Button>
        </CardFooter>
      </form>
    </Card>
  );
}

function ReviewStep({
  headingRef,
  appName,
  file,
  details,
  error,
  onBack,
  onChangeFile,
  onDeploy,
}: {
  headingRef: HeadingRef;
  appName: string;
  file: File;
  details: Details;
  error: UploadError | null;
  onBack: () => void;
  onChangeFile: () => void;
  onDeploy: () => void;
}) {
  const trpc = useTRPC();
  // Always the current balance (another tab or a teammate may have spent credits meanwhile).
  const me = useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 0 });
  const balance = me.data?.organization?.credits ?? null;
  const cost = deploymentCost(file.size);
  const enough = balance !== null && balance >= cost;
  const envKeys = details.env.map((r) => r.key.trim()).filter(Boolean);

  return (
    <Card>
      <StepHeading headingRef={headingRef} title="Review and deploy" description="Check the details. Credits are reserved when the upload is accepted and refunded if the deployment fails." />
      <CardContent className="grid gap-6">
        {error ? <UploadErrorAlert error={error} /> : null}
        <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="text-muted-foreground">Agent app</dt>
          <dd className="font-medium">{appName}</dd>
          <dt className="text-muted-foreground">Package</dt>
          <dd className="flex flex-wrap items-center gap-2">
            <span className="font-mono">{file.name}</span>
            <span className="text-muted-foreground">({formatBytes(file.size)})</span>
            <Button type="button" variant="link" size="sm" onClick={onChangeFile}>
              Change
            </Button>
          </dd>
          <dt className="text-muted-foreground">Version</dt>
          <dd className="font-mono" data-testid="review-version">
            {details.version.trim()}
            {details.forceOverwrite ? <span className="ml-2 font-sans text-xs text-amber-700">replaces the existing package</span> : null}
          </dd>
          <dt className="text-muted-foreground">Release notes</dt>
          <dd className="whitespace-pre-wrap">{details.releaseNotes.trim() || <span className="text-muted-foreground">None</span>}</dd>
          <dt className="text-muted-foreground">Signature</dt>
          <dd>{details.signature ? <span className="font-mono">{details.signature.name}</span> : <span className="text-muted-foreground">None</span>}</dd>
          <dt className="text-muted-foreground">Environment</dt>
          <dd>
            {envKeys.length ? (
              <span className="flex flex-wrap gap-1.5">
                {envKeys.map((k) => (
                  <code key={k} className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs">
                    {k}
                  </code>
                ))}
              </span>
            ) : (
              <span className="text-muted-foreground">No overrides</span>
            )}
          </dd>
        </dl>

        <div className="grid gap-3 rounded-xl border bg-muted/30 p-4 sm:grid-cols-3">
          <div>
            <p className="text-xs font-medium text-muted-foreground">Cost</p>
            <p className="text-xl font-semibold tracking-tight" data-testid="deploy-cost">
              {formatNumber(cost)} {cost === 1 ? 'credit' : 'credits'}
            </p>
            <p className="text-xs text-muted-foreground">1 credit per started MB</p>
          </div>
          <div>
            <p className="text-xs font-medium text-muted-foreground">Balance</p>
            {me.isPending ? (
              <Skeleton className="mt-1 h-7 w-24" />
            ) : (
              <p className="text-xl font-semibold tracking-tight" data-testid="deploy-balance">
                {balance === null ? '—' : `${formatNumber(balance)} ${balance === 1 ? 'credit' : 'credits'}`}
              </p>
            )}
          </div>
          <div>
            <p className="text-xs font-medium text-muted-foreground">After deploying</p>
            <p className={cn('text-xl font-semibold tracking-tight', !enough && balance !== null && 'text-destructive')}>
              {balance === null ? '—' : `${formatNumber(balance - cost)} ${Math.abs(balance - cost) === 1 ? 'credit' : 'credits'}`}
            </p>
          </div>
        </div>
        {balance !== null && !enough ? (
          <FormAlert>
            This deployment costs {formatNumber(cost)} {cost === 1 ? 'credit' : 'credits'} but the organization has {formatNumber(balance)}.{' '}
            <Link to="/billing" className="font-medium underline underline-offset-2">
              Add credits on the billing page
            </Link>{' '}
            and come back.
          </FormAlert>
        ) : null}
      </CardContent>
      <CardFooter className="justify-between">
        <Button type="button" variant="outline" onClick={onBack}>
          Back
        </Button>
        <Button type="button" disabled={!enough} onClick={onDeploy}>
          <Rocket aria-hidden="true" />
          Deploy
        </Button>
      </CardFooter>
    </Card>
  );
}

function UploadErrorAlert({ error }: { error: UploadError }) {
  const title =
    error.status === 400 && error.code === 'PACKAGE_VALIDATION_FAILED'
      ? 'The package did not pass validation'
      : error.status === 402
        ? 'Not enough credits'
        : error.status === 413
          ? 'The package is too large'
          : error.status === 409
            ? 'The deployment could not start'
            : 'The upload failed';
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
      <p className="font-medium">{title}</p>
      {error.code === 'PACKAGE_VALIDATION_FAILED' && error.details.length > 0 ? (
        <p className="mt-1">Fix these problems in your project, rebuild the package and choose the new file:</p>
      ) : (
        <p className="mt-1">
          {error.message}
          {error.status === 402 && error.required !== null && error.available !== null
            ? ` This deployment needs ${formatNumber(error.required)} credits; ${formatNumber(error.available)} are available.`
            : ''}
        </p>
      )}
      {error.details.length > 0 ? (
        <ul className="mt-2 list-disc space-y-1 pl-5" data-testid="upload-error-details">
          {error.details.map((d, i) => (
            <li key={i}>{d}</li>
          ))}
        </ul>
      ) : null}
      {error.status === 402 ? (
        <Link to="/billing" className="mt-2 inline-block font-medium underline underline-offset-2">
          Go to billing
        </Link>
      ) : null}
    </div>
  );
}

function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

function formatEta(seconds: number): string {
  if (seconds < 1) return 'less than a second left';
  if (seconds < 60) return `about ${Math.ceil(seconds)} s left`;
  const minutes = Math.floor(seconds / 60);
  return `about ${minutes} min ${Math.ceil(seconds % 60)} s left`;
}

function UploadStep({ headingRef, file, progress, onCancel }: { headingRef: HeadingRef; file: File; progress: UploadProgress | null; onCancel: () => void }) {
  const loaded = progress?.loaded ?? 0;
  const total = progress?.total || file.size;
  const percent = total > 0 ? Math.round((loaded / total) * 100) : 0;
  const sent = loaded >= total && total > 0;
  return (
    <Card>
      <StepHeading headingRef={headingRef} title="Uploading" description={`Sending ${file.name} to Pixell Agent Cloud. Keep this page open until it finishes.`} />
      <CardContent className="grid gap-3">
        <Progress value={loaded} max={total} aria-label="Upload progress" valueText={`${percent}% (${formatBytes(loaded)} of ${formatBytes(total)})`} className="h-3" />
        <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
          <span className="tabular-nums" data-testid="upload-bytes">
            {formatBytes(loaded)} of {formatBytes(total)} · {percent}%
          </span>
          <span className="tabular-nums text-muted-foreground">
            {sent
              ? null
              : [progress?.bytesPerSecond ? formatRate(progress.bytesPerSecond) : null, progress?.etaSeconds != null ? formatEta(progress.etaSeconds) : null]
                  .filter(Boolean)
                  .join(' · ')}
          </span>
        </div>
        <p className="flex items-center gap-2 text-sm text-muted-foreground" role="status" aria-live="polite">
          {sent ? (
            <>
              <Loader2 className="size-4 animate-spin" aria-hidden="true" />
              Uploaded. Checking the package and queueing the deployment…
            </>
          ) : null}
        </p>
      </CardContent>
      <CardFooter className="justify-end">
        <Button type="button" variant="outline" onClick={onCancel}>
          Cancel upload
        </Button>
      </CardFooter>
    </Card>
  );
}

function DeploySkeleton() {
  return (
    <div className="mx-auto max-w-3xl" role="status" aria-label="Loading">
      <Skeleton className="mb-4 h-4 w-24" />
      <Skeleton className="mb-2 h-8 w-64" />
      <Skeleton className="mb-8 h-4 w-80" />
      <Skeleton className="mb-8 h-7 w-full" />
      <Skeleton className="h-80 rounded-xl" />
    </div>
  );
}
