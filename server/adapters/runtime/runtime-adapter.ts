// The agent runtime (PAR) as the deployment worker's notify_runtime step sees it. The embedded
// default installs packages locally; the HTTP adapter speaks PAR's management API (RUNTIME_URL).

export type RuntimeDeployRequest = {
  deploymentId: string;
  agentAppId: string;
  orgId: string;
  version: string;
  /** Storage key of the APKG, and a URL the runtime can download it from without a session. */
  packageKey: string;
  packageUrl: string;
  packageSha256: string;
  packageSize: number;
  /**
   * Deploy-time environment (highest precedence over the secrets provider, the package's .env and
   * the base env): the upload's `environment` merged over the app's secrets.
   */
  env: Record<string, string>;
  /** Where each key of `env` came from (for the log); keys not listed are labelled `deployment`. */
  envSources?: Record<string, 'deployment' | 'secret'>;
  /** True when the app already runs an earlier version (update instead of first install). */
  isUpdate: boolean;
};

export type RuntimeLog = (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;

export type RuntimeDeployResult = {
  /** Where the agent runs now (URL or local path), shown in the deployment log. */
  location: string;
  /** Names (never values) of the effective environment keys and where each came from. */
  envSources: Record<string, 'deployment' | 'secret' | 'package' | 'provider' | 'base'>;
};

export interface RuntimeAdapter {
  readonly kind: 'local' | 'http';
  /**
   * Installs/updates the package and resolves when the runtime reports it healthy; rejects with an
   * Error whose message is fit for the user (it becomes `deployment.error`). Must honour `signal`
   * (cancellation, shutdown, lease loss) and be idempotent for one deploymentId.
   */
  deploy(request: RuntimeDeployRequest, log: RuntimeLog, signal: AbortSignal): Promise<RuntimeDeployResult>;
  /** Health of the runtime itself (GET /api/health). */
  check(): Promise<void>;
}
