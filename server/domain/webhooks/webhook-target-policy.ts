// The SSRF policy applied to webhook URLs, twice: when a webhook is created or its URL changes (the
// host must resolve, and only to public addresses: 400 otherwise), and when each delivery connects
// (createGuardedLookup is the `lookup` of the delivery agents, so the address checked is the address
// connected to and a DNS answer that changes after creation — DNS rebinding — cannot slip through).
// WEBHOOK_ALLOW_PRIVATE_TARGETS=true turns both checks off (local development, private networks).
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { AppError } from '../errors.ts';
import { blockedAddressReason, isLocalhostName, parseIpLiteral } from './ip-policy.ts';

export type ResolvedAddress = { address: string; family: number };
/** Resolves a host name to every address (dns.lookup with all: true, i.e. what connect would use). */
export type ResolveAll = (hostname: string, options?: { family?: number; hints?: number }) => Promise<ResolvedAddress[]>;

export const systemResolveAll: ResolveAll = (hostname, options = {}) =>
  dns.promises.lookup(hostname, { all: true, family: options.family ?? 0, hints: options.hints ?? 0 }).then((list) => list.map((a) => ({ address: a.address, family: a.family })));

const RESOLVE_TIMEOUT_MS = 5_000;

/** The URL's host without IPv6 brackets. */
export function urlHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Why an IP-literal host is refused, or null (public literal, or a DNS name that needs resolving). */
export function explainBlockedLiteral(hostname: string): string | null {
  if (!parseIpLiteral(hostname)) return null;
  const reason = blockedAddressReason(hostname);
  return reason ? `${hostname} is ${reason}` : null;
}

/** Why the resolved addresses of `hostname` are refused (any blocked address refuses all), or null. */
export function explainBlockedAddresses(hostname: string, addresses: ResolvedAddress[]): string | null {
  for (const a of addresses) {
    const reason = blockedAddressReason(a.address);
    if (reason) return `${hostname} resolves to ${a.address}, ${reason}`;
  }
  return null;
}

/**
 * Judges a resolver answer: any refused address refuses the host; localhost names are refused
 * whatever they resolve to (RFC 6761). Null when allowed.
 */
function explainAnswer(hostname: string, addresses: ResolvedAddress[]): string | null {
  if (addresses.length === 0) return isLocalhostName(hostname) ? `${hostname} is a loopback name` : `${hostname} could not be resolved`;
  return explainBlockedAddresses(hostname, addresses) ?? (isLocalhostName(hostname) ? `${hostname} is a loopback name` : null);
}

/** Null when a host may receive webhooks, else a sentence saying why not. */
export async function explainBlockedHost(hostname: string, resolveAll: ResolveAll = systemResolveAll): Promise<string | null> {
  if (parseIpLiteral(hostname)) return explainBlockedLiteral(hostname);
  let addresses: ResolvedAddress[];
  try {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEOUT' })), RESOLVE_TIMEOUT_MS);
    });
    addresses = await Promise.race([resolveAll(hostname), timeout]).finally(() => clearTimeout(timer));
  } catch (err) {
    if (isLocalhostName(hostname)) return `${hostname} is a loopback name`;
    const code = (err as { code?: string }).code;
    return `${hostname} could not be resolved${code ? ` (${code})` : ''}`;
  }
  return explainAnswer(hostname, addresses);
}

/** Throws 400 VALIDATION_ERROR (details on `url`) unless the URL's host is an allowed target. */
export async function assertWebhookTargetAllowed(url: string, opts: { allowPrivateTargets: boolean; resolveAll?: ResolveAll }): Promise<void> {
  if (opts.allowPrivateTargets) return;
  const why = await explainBlockedHost(urlHostname(new URL(url)), opts.resolveAll);
  if (why) {
    throw new AppError('VALIDATION_ERROR', 'Webhook URL is not allowed', {
      details: [{ path: 'url', message: `${why}; webhooks can only be delivered to public internet addresses` }],
    });
  }
}

/** Raised through the connect of a delivery whose host resolves to a refused address. */
export class BlockedTargetError extends Error {
  readonly code = 'EWEBHOOKTARGETBLOCKED';
  constructor(why: string) {
    super(`Blocked: ${why}; webhooks can only be delivered to public internet addresses`);
    this.name = 'BlockedTargetError';
  }
}

/**
 * A `lookup` for net/http agents that resolves like dns.lookup and fails the connection when any
 * resolved address is not public. The check runs on the very answer the socket connects to.
 */
export function createGuardedLookup(resolveAll: ResolveAll = systemResolveAll): LookupFunction {
  return (hostname, options, callback) => {
    const literal = explainBlockedLiteral(hostname);
    if (literal) {
      process.nextTick(() => callback(new BlockedTargetError(literal), '', 0));
      return;
    }
    resolveAll(hostname, { family: typeof options.family === 'number' ? options.family : 0, hints: options.hints }).then(
      (addresses) => {
        const why = explainAnswer(hostname, addresses);
        if (why) return callback(new BlockedTargetError(why), '', 0);
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(isLocalhostName(hostname) ? new BlockedTargetError(`${hostname} is a loopback name`) : err, '', 0),
    );
  };
}
