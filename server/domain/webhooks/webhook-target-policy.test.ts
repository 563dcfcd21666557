import dns from 'node:dns';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { assertWebhookTargetAllowed, BlockedTargetError, createGuardedLookup, explainBlockedHost, type ResolveAll } from './webhook-target-policy.ts';

/** A resolver answering from a table (and counting calls), standing in for DNS. */
function fakeResolver(table: Record<string, string[] | Error>): ResolveAll & { calls: string[] } {
  const calls: string[] = [];
  const fn = (async (hostname: string) => {
    calls.push(hostname);
    const answer = table[hostname];
    if (answer instanceof Error) throw answer;
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  }) as ResolveAll & { calls: string[] };
  fn.calls = calls;
  return fn;
}

const resolver = fakeResolver({
  'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'internal.example.com': ['10.1.2.3'],
  'mixed.example.com': ['93.184.215.14', '127.0.0.1'],
  'metadata.example.com': ['169.254.169.254'],
  'v6only.example.com': ['fd00::1'],
  'mapped.example.com': ['::ffff:192.168.0.10'],
  'public.localhost': ['93.184.215.14'],
});

describe('explainBlockedHost', () => {
  it('allows hosts resolving only to public addresses', async () => {
    expect(await explainBlockedHost('hooks.example.com', resolver)).toBeNull();
    expect(await explainBlockedHost('93.184.215.14', resolver)).toBeNull();
  });

  it.each([
    ['internal.example.com', 'internal.example.com resolves to 10.1.2.3, a private network address (10.0.0.0/8)'],
    ['mixed.example.com', 'mixed.example.com resolves to 127.0.0.1, a loopback address (127.0.0.0/8)'],
    ['metadata.example.com', 'metadata.example.com resolves to 169.254.169.254, the cloud metadata endpoint (link-local 169.254.0.0/16)'],
    ['v6only.example.com', 'v6only.example.com resolves to fd00::1, a unique-local address (fc00::/7)'],
    ['mapped.example.com', 'mapped.example.com resolves to ::ffff:192.168.0.10, IPv4-mapped 192.168.0.10, a private network address (192.168.0.0/16)'],
    ['nowhere.example.com', 'nowhere.example.com could not be resolved (ENOTFOUND)'],
    ['127.0.0.1', '127.0.0.1 is a loopback address (127.0.0.0/8)'],
    ['0x7f000001', '0x7f000001 is a loopback address (127.0.0.0/8)'],
    ['::1', '::1 is the loopback address (::1)'],
    ['api.localhost', 'api.localhost is a loopback name'],
    ['public.localhost', 'public.localhost is a loopback name'],
  ])('%s is refused', async (host, why) => {
    expect(await explainBlockedHost(host, resolver)).toBe(why);
  });

  it('never asks DNS about IP literals', async () => {
    const r = fakeResolver({});
    await explainBlockedHost('127.0.0.1', r);
    await explainBlockedHost('[::1]', r);
    expect(r.calls).toEqual([]);
  });

  it('resolves localhost through the system resolver and names the address', async () => {
    expect(await explainBlockedHost('localhost')).toMatch(/^localhost (resolves to (127\.0\.0\.1|::1), (a|the) loopback address|is a loopback name)/);
  });
});

describe('assertWebhookTargetAllowed', () => {
  it('throws a 400 VALIDATION_ERROR with a detail on url', async () => {
    const err = await assertWebhookTargetAllowed('https://internal.example.com/hook', { allowPrivateTargets: false, resolveAll: resolver }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(400);
    expect(err.code).toBe('VALIDATION_ERROR');
    expect(err.details).toEqual([
      { path: 'url', message: 'internal.example.com resolves to 10.1.2.3, a private network address (10.0.0.0/8); webhooks can only be delivered to public internet addresses' },
    ]);
    await expect(assertWebhookTargetAllowed('http://[::1]:8080/x', { allowPrivateTargets: false, resolveAll: resolver })).rejects.toThrow(AppError);
    await expect(assertWebhookTargetAllowed('https://hooks.example.com/x', { allowPrivateTargets: false, resolveAll: resolver })).resolves.toBeUndefined();
  });

  it('allows anything (without resolving) when private targets are allowed', async () => {
    const r = fakeResolver({});
    await expect(assertWebhookTargetAllowed('http://127.0.0.1:9/x', { allowPrivateTargets: true, resolveAll: r })).resolves.toBeUndefined();
    await expect(assertWebhookTargetAllowed('http://unresolvable.invalid/x', { allowPrivateTargets: true, resolveAll: r })).resolves.toBeUndefined();
    expect(r.calls).toEqual([]);
  });
});

describe('createGuardedLookup (connect-time check)', () => {
  function lookup(fn: ReturnType<typeof createGuardedLookup>, host: string, options: dns.LookupOptions) {
    return new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) => {
      fn(host, options, (err, address, family) => resolve({ err, address, family }));
    });
  }

  it('answers like dns.lookup for public hosts, in both single and all modes', async () => {
    const fn = createGuardedLookup(resolver);
    expect(await lookup(fn, 'hooks.example.com', {})).toEqual({ err: null, address: '93.184.215.14', family: 4 });
    expect(await lookup(fn, 'hooks.example.com', { all: true })).toEqual({
      err: null,
      address: [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
      ],
      family: undefined,
    });
  });

  it('fails the connection when the answer at connect time is private (DNS rebinding)', async () => {
    // The name was public when the webhook was created; now it points at the metadata endpoint.
    let answer = ['93.184.215.14'];
    const rebinding: ResolveAll = async () => answer.map((address) => ({ address, family: 4 }));
    expect(await explainBlockedHost('rebind.example.com', rebinding)).toBeNull();
    answer = ['169.254.169.254'];
    const { err } = await lookup(createGuardedLookup(rebinding), 'rebind.example.com', { all: true });
    expect(err).toBeInstanceOf(BlockedTargetError);
    expect(err?.message).toBe(
      'Blocked: rebind.example.com resolves to 169.254.169.254, the cloud metadata endpoint (link-local 169.254.0.0/16); webhooks can only be delivered to public internet addresses',
    );
  });

  it('refuses localhost names and passes resolver errors through', async () => {
    const fn = createGuardedLookup(resolver);
    expect((await lookup(fn, 'api.localhost', {})).err?.message).toMatch(/^Blocked: api.localhost is a loopback name/);
    expect((await lookup(fn, 'public.localhost', {})).err?.message).toMatch(/^Blocked: public.localhost is a loopback name/);
    expect((await lookup(fn, 'nowhere.example.com', {})).err?.code).toBe('ENOTFOUND');
  });

  it('with the system resolver, localhost-like names resolving to 127.0.0.1 are refused', async () => {
    const fn = createGuardedLookup();
    const res = await lookup(fn, 'localhost', {});
    expect(res.err).toBeInstanceOf(BlockedTargetError);
    expect(res.err?.message).toMatch(/localhost (resolves to (127\.0\.0\.1|::1)|is a loopback name)/);
  });
});
