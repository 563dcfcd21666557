// Which network addresses a webhook may be delivered to (SSRF policy). Pure functions: an address
// is "blocked" when it is not a public unicast internet address — private, loopback, link-local
// (including the cloud metadata endpoint 169.254.169.254), carrier-grade NAT, unique-local,
// multicast, unspecified, reserved or documentation ranges, and IPv6 forms that embed such an IPv4
// address (IPv4-mapped, NAT64, 6to4). Host literals are parsed like inet_aton does, so decimal,
// hex and octal IPv4 spellings (2130706433, 0x7f000001, 0177.0.0.1, 127.1) are recognised too.

export type ParsedIp = { family: 4; bytes: number[] } | { family: 6; bytes: number[] };

type Range = { prefix: number[]; bits: number; label: string };

const v4 = (a: number, b: number, c: number, d: number, bits: number, label: string): Range => ({ prefix: [a, b, c, d], bits, label });

const IPV4_BLOCKED: Range[] = [
  v4(0, 0, 0, 0, 8, 'a "this network" address (0.0.0.0/8)'),
  v4(10, 0, 0, 0, 8, 'a private network address (10.0.0.0/8)'),
  v4(100, 64, 0, 0, 10, 'a carrier-grade NAT address (100.64.0.0/10)'),
  v4(127, 0, 0, 0, 8, 'a loopback address (127.0.0.0/8)'),
  v4(169, 254, 169, 254, 32, 'the cloud metadata endpoint (link-local 169.254.0.0/16)'),
  v4(169, 254, 0, 0, 16, 'a link-local address (169.254.0.0/16)'),
  v4(172, 16, 0, 0, 12, 'a private network address (172.16.0.0/12)'),
  v4(192, 0, 0, 0, 24, 'an IETF protocol assignment address (192.0.0.0/24)'),
  v4(192, 0, 2, 0, 24, 'a documentation address (192.0.2.0/24)'),
  v4(192, 88, 99, 0, 24, 'a 6to4 relay anycast address (192.88.99.0/24)'),
  v4(192, 168, 0, 0, 16, 'a private network address (192.168.0.0/16)'),
  v4(198, 18, 0, 0, 15, 'a benchmarking address (198.18.0.0/15)'),
  v4(198, 51, 100, 0, 24, 'a documentation address (198.51.100.0/24)'),
  v4(203, 0, 113, 0, 24, 'a documentation address (203.0.113.0/24)'),
  v4(224, 0, 0, 0, 4, 'a multicast address (224.0.0.0/4)'),
  v4(255, 255, 255, 255, 32, 'the broadcast address (255.255.255.255)'),
  v4(240, 0, 0, 0, 4, 'a reserved address (240.0.0.0/4)'),
];

function v6(text: string, bits: number, label: string): Range {
  const parsed = parseIPv6(text);
  if (!parsed) throw new Error(`bad range ${text}`);
  return { prefix: parsed, bits, label };
}

/** IPv6 prefixes whose last 32 bits (or bits 16..48 for 6to4) are an IPv4 address judged as such. */
const IPV6_EMBEDDING: Array<Range & { offset: number }> = [
  { ...v6('::ffff:0:0', 96, 'IPv4-mapped'), offset: 12 },
  { ...v6('::ffff:0:0:0', 96, 'IPv4-translated'), offset: 12 },
  { ...v6('64:ff9b::', 96, 'NAT64'), offset: 12 },
  { ...v6('2002::', 16, '6to4'), offset: 2 },
];

const IPV6_BLOCKED: Range[] = [
  v6('::', 128, 'the unspecified address (::)'),
  v6('::1', 128, 'the loopback address (::1)'),
  v6('::', 96, 'an IPv4-compatible IPv6 address (::/96, deprecated)'),
  v6('64:ff9b:1::', 48, 'a local-use NAT64 address (64:ff9b:1::/48)'),
  v6('100::', 64, 'a discard-only address (100::/64)'),
  v6('2001:db8::', 32, 'a documentation address (2001:db8::/32)'),
  v6('2001::', 32, 'a Teredo tunnelling address (2001::/32)'),
  v6('2001::', 23, 'an IETF protocol assignment address (2001::/23)'),
  v6('fc00::', 7, 'a unique-local address (fc00::/7)'),
  v6('fe80::', 10, 'a link-local address (fe80::/10)'),
  v6('fec0::', 10, 'a site-local address (fec0::/10, deprecated)'),
  v6('ff00::', 8, 'a multicast address (ff00::/8)'),
];

function matches(bytes: number[], range: Range): boolean {
  let bits = range.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (range.prefix[i] & mask)) return false;
  }
  return true;
}

/** Strict dotted-quad IPv4 ("192.0.2.1"); null for anything else. */
function parseDottedQuad(text: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const bytes = m.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

/**
 * IPv4 in any spelling inet_aton / the WHATWG URL parser accept: one to four parts, each decimal,
 * hex (0x…) or octal (leading 0); the last part fills the remaining bytes. Null when not IPv4.
 */
export function parseLooseIPv4(text: string): number[] | null {
  let s = text;
  if (s.endsWith('.')) s = s.slice(0, -1);
  const parts = s.split('.');
  if (parts.length < 1 || parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]*$/.test(part)) value = part.length === 1 ? 0 : parseInt(part.slice(1), 8);
    else if (/^[1-9][0-9]*$/.test(part)) value = parseInt(part, 10);
    else return null;
    if (!Number.isSafeInteger(value)) return null;
    values.push(value);
  }
  const last = values.pop() as number;
  if (values.some((v) => v > 255)) return null;
  const lastBytes = 4 - values.length;
  if (last >= 2 ** (8 * lastBytes)) return null;
  const bytes = [...values];
  for (let i = lastBytes - 1; i >= 0; i--) bytes.push(Math.floor(last / 2 ** (8 * i)) % 256);
  return bytes;
}

/** IPv6 text (optionally with a trailing dotted IPv4 and a %zone) into 16 bytes; null if invalid. */
export function parseIPv6(text: string): number[] | null {
  let s = text;
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone);
  if (!/^[0-9a-f:.]+$/i.test(s) || !s.includes(':')) return null;
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    // A trailing dotted IPv4 ("::ffff:127.0.0.1") stands for the last two groups.
    const quad = parseDottedQuad(last);
    if (!quad) return null;
    s = `${s.slice(0, lastColon + 1)}${((quad[0] << 8) | quad[1]).toString(16)}:${((quad[2] << 8) | quad[3]).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  for (const g of [...head, ...tail]) if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
  const explicit = head.length + tail.length;
  if (halves.length === 2 ? explicit > 7 : explicit !== 8) return null;
  const groups = [...head, ...new Array<string>(8 - explicit).fill('0'), ...tail].map((g) => parseInt(g, 16));
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

/**
 * Parses a URL host or resolver answer as an IP literal: IPv4 in any inet_aton spelling, IPv6 with
 * or without [brackets]. Null for a DNS name.
 */
export function parseIpLiteral(host: string): ParsedIp | null {
  let h = host.trim();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.includes(':')) {
    const bytes = parseIPv6(h);
    return bytes ? { family: 6, bytes } : null;
  }
  const bytes = parseLooseIPv4(h);
  return bytes ? { family: 4, bytes } : null;
}

function describeBlockedIPv4(bytes: number[]): string | null {
  for (const range of IPV4_BLOCKED) if (matches(bytes, range)) return range.label;
  return null;
}

function describeBlockedIPv6(bytes: number[]): string | null {
  for (const range of IPV6_EMBEDDING) {
    if (matches(bytes, range)) {
      const embedded = bytes.slice(range.offset, range.offset + 4);
      const inner = describeBlockedIPv4(embedded);
      return inner ? `${range.label} ${embedded.join('.')}, ${inner}` : null;
    }
  }
  for (const range of IPV6_BLOCKED) if (matches(bytes, range)) return range.label;
  return null;
}

/**
 * Why an IP address may not be a webhook target (e.g. "a loopback address (127.0.0.0/8)"), or null
 * for a public address. Strings that are not IP literals are reported as such (never allowed).
 */
export function blockedAddressReason(address: string): string | null {
  const ip = parseIpLiteral(address);
  if (!ip) return 'not an IP address';
  return ip.family === 4 ? describeBlockedIPv4(ip.bytes) : describeBlockedIPv6(ip.bytes);
}

export function isPublicAddress(address: string): boolean {
  return blockedAddressReason(address) === null;
}

/** Names that always mean this machine, whatever a resolver says (RFC 6761). */
export function isLocalhostName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === 'localhost.localdomain';
}
