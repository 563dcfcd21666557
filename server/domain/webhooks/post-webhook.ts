// One HTTP POST of a delivery attempt: node:http(s) with the guarded lookup on the agent (SSRF check
// at connect time), no redirects followed, a hard timeout (AbortSignal.timeout) covering DNS,
// connect, and the wait for the response headers. Never throws: the outcome is a value.
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { createGuardedLookup, explainBlockedLiteral, urlHostname, BlockedTargetError } from './webhook-target-policy.ts';

export type WebhookAgents = { http: http.Agent; https: https.Agent; allowPrivateTargets: boolean };

export function createWebhookAgents(allowPrivateTargets: boolean): WebhookAgents {
  const lookup = allowPrivateTargets ? undefined : createGuardedLookup();
  return {
    http: new http.Agent({ keepAlive: false, ...(lookup ? { lookup } : {}) }),
    https: new https.Agent({ keepAlive: false, ...(lookup ? { lookup } : {}) }),
    allowPrivateTargets,
  };
}

export type WebhookPostResult = { statusCode: number | null; durationMs: number; error: string | null };

export async function postWebhook(
  agents: WebhookAgents,
  request: { url: string; body: string; headers: Record<string, string>; timeoutMs: number },
): Promise<WebhookPostResult> {
  const started = performance.now();
  const elapsed = () => Math.max(0, Math.round(performance.now() - started));
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { statusCode: null, durationMs: 0, error: 'The webhook URL is not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { statusCode: null, durationMs: 0, error: 'The webhook URL must use http or https' };
  // Sockets skip `lookup` for IP literals, so those are judged here.
  if (!agents.allowPrivateTargets) {
    const literal = explainBlockedLiteral(urlHostname(url));
    if (literal) return { statusCode: null, durationMs: 0, error: new BlockedTargetError(literal).message };
  }

  const timeout = AbortSignal.timeout(request.timeoutMs);
  const body = Buffer.from(request.body, 'utf8');
  return new Promise<WebhookPostResult>((resolve) => {
    let settled = false;
    const settle = (result: Omit<WebhookPostResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, durationMs: elapsed() });
    };
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(url, {
      method: 'POST',
      agent: url.protocol === 'https:' ? agents.https : agents.http,
      headers: { ...request.headers, 'Content-Length': String(body.length) },
      signal: timeout,
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      // The body is not needed: the status decides. Dropping the connection frees it at once.
      res.destroy();
      if (status >= 200 && status < 300) settle({ statusCode: status, error: null });
      else if (status >= 300 && status < 400) settle({ statusCode: status, error: `Target answered HTTP ${status}; redirects are not followed` });
      else settle({ statusCode: status, error: `Target answered HTTP ${status}` });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (timeout.aborted) settle({ statusCode: null, error: `Timed out after ${request.timeoutMs} ms without a response` });
      else if (err instanceof BlockedTargetError) settle({ statusCode: null, error: err.message });
      else settle({ statusCode: null, error: err.message || err.code || 'Request failed' });
    });
    req.end(body);
  });
}
