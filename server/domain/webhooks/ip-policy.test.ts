import { describe, expect, it } from 'vitest';
import { blockedAddressReason, isLocalhostName, isPublicAddress, parseIPv6, parseIpLiteral, parseLooseIPv4 } from './ip-policy.ts';

describe('parseLooseIPv4 (inet_aton spellings)', () => {
  it.each([
    ['127.0.0.1', [127, 0, 0, 1]],
    ['2130706433', [127, 0, 0, 1]],
    ['0x7f000001', [127, 0, 0, 1]],
    ['0X7F000001', [127, 0, 0, 1]],
    ['017700000001', [127, 0, 0, 1]],
    ['0177.0.0.1', [127, 0, 0, 1]],
    ['0x7f.0.0.1', [127, 0, 0, 1]],
    ['127.1', [127, 0, 0, 1]],
    ['127.0.1', [127, 0, 0, 1]],
    ['10.1', [10, 0, 0, 1]],
    ['169.254.43518', [169, 254, 169, 254]],
    ['0xa9fea9fe', [169, 254, 169, 254]],
    ['0', [0, 0, 0, 0]],
    ['0x', [0, 0, 0, 0]],
    ['8.8.8.8.', [8, 8, 8, 8]],
    ['4294967295', [255, 255, 255, 255]],
  ])('%s -> %j', (text, bytes) => {
    expect(parseLooseIPv4(text)).toEqual(bytes);
  });

  it.each(['example.com', '1.2.3.4.5', '256.1.1.1', '4294967296', '1.2.65536', '08.1.1.1', '1..1', '', 'localhost', '1e3', '0x1g', ' 1.2.3.4'])(
    '%j is not IPv4',
    (text) => {
      expect(parseLooseIPv4(text)).toBeNull();
    },
  );
});

describe('parseIPv6', () => {
  const hex = (bytes: number[] | null) => bytes && Buffer.from(bytes).toString('hex');
  it.each([
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['0:0:0:0:0:0:0:1', '00000000000000000000000000000001'],
    ['fe80::1%eth0', 'fe800000000000000000000000000001'],
    ['::ffff:127.0.0.1', '00000000000000000000ffff7f000001'],
    ['::ffff:7f00:1', '00000000000000000000ffff7f000001'],
    ['2001:db8:85a3::8a2e:370:7334', '20010db885a3000000008a2e03707334'],
    ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
    ['64:ff9b::10.0.0.1', '0064ff9b00000000000000000a000001'],
  ])('%s', (text, expected) => {
    expect(hex(parseIPv6(text))).toBe(expected);
  });

  it.each([':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::1', '::1.2.3', '::256.1.1.1', '1.2.3.4', 'example.com', '1:2:3:4:5:6:7::8'])(
    '%j is not IPv6',
    (text) => {
      expect(parseIPv6(text)).toBeNull();
    },
  );
});

describe('parseIpLiteral', () => {
  it('accepts bracketed IPv6 URL hosts and every IPv4 spelling', () => {
    expect(parseIpLiteral('[::1]')).toEqual({ family: 6, bytes: [...new Array(15).fill(0), 1] });
    expect(parseIpLiteral('0x7f000001')).toEqual({ family: 4, bytes: [127, 0, 0, 1] });
    expect(parseIpLiteral('hooks.example.com')).toBeNull();
    expect(parseIpLiteral('1.2.3.com')).toBeNull();
  });
});

describe('blockedAddressReason', () => {
  it.each([
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['2130706433', /loopback/],
    ['0x7f000001', /loopback/],
    ['0177.0.0.1', /loopback/],
    ['127.1', /loopback/],
    ['10.0.0.1', /private network.*10\.0\.0\.0\/8/],
    ['172.16.0.1', /private network.*172\.16\.0\.0\/12/],
    ['172.31.255.255', /private network/],
    ['192.168.1.1', /private network.*192\.168/],
    ['169.254.169.254', /cloud metadata/],
    ['169.254.1.1', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.255', /carrier-grade NAT/],
    ['0.0.0.0', /this network/],
    ['0.1.2.3', /this network/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['240.0.0.1', /reserved/],
    ['192.0.2.10', /documentation/],
    ['198.18.0.1', /benchmarking/],
    ['::1', /loopback/],
    ['[::1]', /loopback/],
    ['0:0:0:0:0:0:0:1', /loopback/],
    ['::', /unspecified/],
    ['fe80::1', /link-local/],
    ['febf:ffff::1', /link-local/],
    ['fc00::1', /unique-local/],
    ['fd12:3456:789a::1', /unique-local/],
    ['ff02::1', /multicast/],
    ['::ffff:127.0.0.1', /IPv4-mapped 127\.0\.0\.1, a loopback/],
    ['::ffff:7f00:1', /IPv4-mapped 127\.0\.0\.1/],
    ['::ffff:a9fe:a9fe', /IPv4-mapped 169\.254\.169\.254, the cloud metadata/],
    ['::ffff:10.0.0.1', /IPv4-mapped 10\.0\.0\.1, a private/],
    ['::ffff:0:192.168.0.1', /IPv4-translated/],
    ['64:ff9b::127.0.0.1', /NAT64 127\.0\.0\.1/],
    ['2002:7f00:1::', /6to4 127\.0\.0\.1/],
    ['2002:a9fe:a9fe::1', /6to4 169\.254\.169\.254/],
    ['::127.0.0.1', /IPv4-compatible/],
    ['2001:db8::1', /documentation/],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
    ['64:ff9b:1::1', /local-use NAT64/],
    ['fec0::1', /site-local/],
    ['hooks.example.com', /not an IP address/],
  ])('%s is blocked', (address, reason) => {
    expect(blockedAddressReason(address)).toMatch(reason);
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '169.253.255.255',
    '11.0.0.1',
    '192.167.255.255',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
  ])('%s is public', (address) => {
    expect(blockedAddressReason(address)).toBeNull();
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('isLocalhostName', () => {
  it('recognises localhost names regardless of case and trailing dot', () => {
    for (const name of ['localhost', 'LOCALHOST', 'localhost.', 'api.localhost', 'localhost.localdomain']) expect(isLocalhostName(name)).toBe(true);
    for (const name of ['localhost.example.com', 'mylocalhost', 'example.com']) expect(isLocalhostName(name)).toBe(false);
  });
});
