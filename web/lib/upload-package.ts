// Uploads an .apkg to POST /api/agent-apps/:id/packages/deploy (multipart, REST: tRPC does not carry
// files). XMLHttpRequest rather than fetch so that upload progress is observable and the upload can
// be aborted. The session cookie authenticates it (same origin).

export type UploadProgress = {
  loaded: number;
  total: number;
  /** Recent throughput, null until there are enough samples. */
  bytesPerSecond: number | null;
  /** Seconds left at the recent throughput, null when unknown. */
  etaSeconds: number | null;
};

export type DeployAccepted = {
  deployment: { id: string; status: string; queued_at: string; credits_reserved?: number };
  package: { id: string; version: string; size_bytes: number; sha256?: string };
  warnings: string[];
};

export type DeployUploadInput = {
  appId: string;
  file: File;
  version: string;
  releaseNotes: string;
  environment: Record<string, string>;
  signature: File | null;
  forceOverwrite: boolean;
};

/** A refused upload, with the server's details as readable lines. */
export class UploadError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly details: string[];
  readonly required: number | null;
  readonly available: number | null;
  constructor(message: string, opts: { status: number; code?: string | null; details?: string[]; required?: number | null; available?: number | null }) {
    super(message);
    this.name = 'UploadError';
    this.status = opts.status;
    this.code = opts.code ?? null;
    this.details = opts.details ?? [];
    this.required = opts.required ?? null;
    this.available = opts.available ?? null;
  }
}

export class UploadAbortedError extends Error {
  constructor() {
    super('Upload cancelled');
    this.name = 'AbortError';
  }
}

function detailLines(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  const lines: string[] = [];
  for (const d of details) {
    if (typeof d === 'string') lines.push(d);
    else if (d && typeof d === 'object' && 'message' in d && typeof d.message === 'string') {
      const path = 'path' in d && typeof d.path === 'string' && d.path ? `${d.path}: ` : '';
      lines.push(`${path}${d.message}`);
    }
  }
  return lines;
}

function errorFromResponse(xhr: XMLHttpRequest): UploadError {
  let body: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = JSON.parse(xhr.responseText);
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    body = null;
  }
  const status = xhr.status;
  const fallback =
    status === 413
      ? 'The package is too large.'
      : status === 401
        ? 'Your session has ended. Log in again and retry.'
        : status >= 500
          ? 'The server could not accept the package. Please try again.'
          : `The upload was refused (HTTP ${status}).`;
  const message = typeof body?.error === 'string' && body.error ? body.error : fallback;
  return new UploadError(message, {
    status,
    code: typeof body?.code === 'string' ? body.code : null,
    details: detailLines(body?.details),
    required: typeof body?.required === 'number' ? body.required : null,
    available: typeof body?.available === 'number' ? body.available : null,
  });
}

const SPEED_WINDOW_MS = 3000;

/** Starts the upload; `abort()` cancels it (the promise then rejects with UploadAbortedError). */
export function uploadPackageForDeploy(
  input: DeployUploadInput,
  onProgress: (progress: UploadProgress) => void,
): { promise: Promise<DeployAccepted>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const form = new FormData();
  form.append('version', input.version);
  if (input.releaseNotes) form.append('release_notes', input.releaseNotes);
  form.append('environment', JSON.stringify(input.environment));
  if (input.forceOverwrite) form.append('force_overwrite', 'true');
  if (input.signature) form.append('signature', input.signature, input.signature.name);
  // The package goes last: the server reads the small fields first.
  form.append('file', input.file, input.file.name);

  const samples: { t: number; loaded: number }[] = [];
  const promise = new Promise<DeployAccepted>((resolve, reject) => {
    xhr.upload.addEventListener('progress', (event) => {
      const now = performance.now();
      const total = event.lengthComputable ? event.total : input.file.size;
      samples.push({ t: now, loaded: event.loaded });
      while (samples.length > 2 && now - samples[0].t > SPEED_WINDOW_MS) samples.shift();
      const first = samples[0];
      const span = now - first.t;
      const bytesPerSecond = span >= 250 ? ((event.loaded - first.loaded) / span) * 1000 : null;
      const etaSeconds = bytesPerSecond && bytesPerSecond > 0 ? Math.max(0, (total - event.loaded) / bytesPerSecond) : null;
      onProgress({ loaded: event.loaded, total, bytesPerSecond, etaSeconds });
    });
    xhr.addEventListener('load', () => {
      if (xhr.status === 202 || xhr.status === 201 || xhr.status === 200) {
        try {
          const body = JSON.parse(xhr.responseText) as DeployAccepted;
          resolve({ ...body, warnings: Array.isArray(body.warnings) ? body.warnings : [] });
        } catch {
          reject(new UploadError('The server answered with something unexpected.', { status: xhr.status }));
        }
        return;
      }
      reject(errorFromResponse(xhr));
    });
    xhr.addEventListener('error', () =>
      reject(new UploadError('The upload failed: the connection was lost or the server closed it. Check your connection and try again.', { status: 0 })),
    );
    xhr.addEventListener('abort', () => reject(new UploadAbortedError()));
    xhr.open('POST', `/api/agent-apps/${encodeURIComponent(input.appId)}/packages/deploy`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}
