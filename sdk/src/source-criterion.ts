/**
 * Client-IP strategies and source criteria, as Traefik's `pkg/ip` (strategy.go, checker.go) and
 * `middlewares.GetSourceExtractor` define them. Shared by rateLimit, inFlightReq and ipAllowList: each compiles
 * its options once at build time into a plain function of the exchange.
 *
 * Addresses are parsed with Go's `net/netip` rules (no leading zeros in IPv4, zones allowed on IPv6) and
 * compared as Go's `net.IP` does: an IPv4 address and its IPv4-mapped IPv6 form are the same address.
 */
import type { Exchange } from '@portico/core';
import { ConfigError, s } from '@portico/core';
import { isMappedV4, parseIPv4 as parseV4, parseIPv6 as parseV6 } from '@portico/core/rules';
import type { Static } from '@sinclair/typebox';

export const ipStrategySchema = s.object(
  {
    depth: s.optional(
      s.integer({
        minimum: 0,
        default: 0,
        description: 'Use the X-Forwarded-For header and take the IP at this position, counted from the right (1 = last). 0 = not used.',
      }),
    ),
    excludedIPs: s.optional(
      s.array(s.string(), {
        default: [],
        description: 'Scan X-Forwarded-For from the right and take the first IP not in this list (IPs or CIDR ranges). Ignored when depth is set.',
      }),
    ),
    ipv6Subnet: s.optional(
      s.integer({
        description: 'Group IPv6 clients by this prefix length (1-128): the strategy returns the first address of the subnet. IPv4 addresses are unchanged. Not used with excludedIPs.',
      }),
    ),
  },
  { description: 'How the client IP is found. Absent fields: the remote address of the connection.' },
);

export const sourceCriterionSchema = s.object(
  {
    ipStrategy: s.optional(ipStrategySchema),
    requestHeaderName: s.optional(
      s.string({ default: '', description: 'Group requests by the value of this request header (requests without it share one group).' }),
    ),
    requestHost: s.optional(s.boolean({ default: false, description: 'Group requests by their Host.' })),
  },
  { description: 'What identifies a request source. ipStrategy, requestHeaderName and requestHost are mutually exclusive; default: the client IP (remote address).' },
);

export type IPStrategyConfig = Static<typeof ipStrategySchema>;
export type SourceCriterionConfig = Static<typeof sourceCriterionSchema>;

/** Picks a client IP from the connection's remote address and the X-Forwarded-For value; '' means none. */
export type IPStrategy = (remoteAddr: string, xForwardedFor: string | undefined) => string;

/** Extracts the grouping key of a request. */
export type SourceExtractor = (ex: Exchange) => string;

// ---------------------------------------------------------------------------------------------------------
// Address parsing (net/netip semantics)

/** A parsed address: 4 bytes for IPv4 (and IPv4-mapped IPv6, as Go's `To4`), else 16 bytes. */
interface Addr {
  bytes: Uint8Array;
  /** True when written as IPv6 (including IPv4-mapped): netip's `Is6`. */
  is6: boolean;
}

// Byte-level parsing is the rules' (Go's net semantics, one implementation for ClientIP and the middlewares).
const parseIPv4 = (str: string): Uint8Array | null => parseV4(str) ?? null;
const parseIPv6 = (str: string): Uint8Array | null => parseV6(str) ?? null;
const isV4Mapped = isMappedV4;

/** Parses an IP address (IPv4, or IPv6 with an optional zone when `allowZone`); null when invalid. */
function parseAddr(str: string, allowZone: boolean): Addr | null {
  if (str.includes(':')) {
    let body = str;
    const pct = str.indexOf('%');
    if (pct !== -1) {
      if (!allowZone || pct === str.length - 1) return null;
      body = str.slice(0, pct);
    }
    const b = parseIPv6(body);
    if (b === null) return null;
    return { bytes: isV4Mapped(b) ? b.slice(12) : b, is6: true };
  }
  const b = parseIPv4(str);
  return b === null ? null : { bytes: b, is6: false };
}

/** Formats 16 bytes as netip does (RFC 5952; IPv4-mapped as `::ffff:a.b.c.d`). */
function formatIPv6(b: Uint8Array): string {
  if (isV4Mapped(b)) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i] << 8) | b[i + 1]);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += words[i].toString(16);
  }
  return out;
}

/** netip `Addr.Prefix(bits).Addr().String()` for IPv6 addresses; other inputs are returned unchanged. */
export function ipv6SubnetOf(ip: string, bits: number): string {
  const pct = ip.indexOf('%');
  const body = pct === -1 ? ip : ip.slice(0, pct);
  if (!body.includes(':')) return ip;
  const b = parseIPv6(body);
  if (b === null || bits < 0 || bits > 128 || (pct !== -1 && pct === ip.length - 1)) return ip;
  const masked = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    masked[i] = b[i] & ((0xff << (8 - keep)) & 0xff);
  }
  return formatIPv6(masked);
}

// ---------------------------------------------------------------------------------------------------------
// IP checker (ip.Checker)

interface Network {
  bytes: Uint8Array;
  bits: number;
}

/** A set of IPs and CIDR ranges, as Traefik's ip.Checker (excludedIPs, sourceRange). */
export class IPChecker {
  private readonly ips: Uint8Array[] = [];
  private readonly nets: Network[] = [];

  /** Throws an Error naming the bad entry (callers wrap it in a ConfigError with their key path). */
  constructor(entries: readonly string[]) {
    if (entries.length === 0) throw new Error('no trusted IPs provided');
    for (const entry of entries) {
      const ip = parseAddr(entry, false);
      if (ip !== null) {
        this.ips.push(ip.bytes);
        continue;
      }
      const slash = entry.indexOf('/');
      const addr = slash === -1 ? null : parseAddr(entry.slice(0, slash), false);
      const bitsText = slash === -1 ? '' : entry.slice(slash + 1);
      const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
      const max = addr === null ? 0 : addr.is6 ? 128 : 32;
      // Go's wording, "<nil>" included (it prints the unparsed network).
      if (addr === null || !(bits <= max)) throw new Error(`parsing CIDR trusted IPs <nil>: invalid CIDR address: ${entry}`);
      // An IPv6-written network that is IPv4-mapped is stored as IPv4 (Go's networkNumberAndMask).
      const netBits = addr.is6 && addr.bytes.length === 4 ? Math.max(0, bits - 96) : bits;
      this.nets.push({ bytes: addr.bytes, bits: netBits });
    }
  }

  /** Whether `addr` (an IP, zone allowed) is in the set; false for anything that is not an IP. */
  contains(addr: string): boolean {
    const ip = addr === '' ? null : parseAddr(addr, true);
    return ip !== null && this.containsBytes(ip.bytes);
  }

  /** Like `contains`, but an address that is not an IP is an error (Checker.Contains), with Go's message. */
  checkContains(addr: string): boolean {
    if (addr === '') throw new Error('empty IP address');
    const ip = parseAddr(addr, true);
    if (ip === null) throw new Error(`unable to parse address: ${addr}: can't parse IP from address ${addr}`);
    return this.containsBytes(ip.bytes);
  }

  private containsBytes(b: Uint8Array): boolean {
    for (const ip of this.ips) if (sameBytes(ip, b)) return true;
    for (const net of this.nets) if (net.bytes.length === b.length && prefixEqual(net.bytes, b, net.bits)) return true;
    return false;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function prefixEqual(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  let i = 0;
  for (; bits >= 8; bits -= 8, i++) if (a[i] !== b[i]) return false;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (a[i] & mask) === (b[i] & mask);
}

// ---------------------------------------------------------------------------------------------------------
// Strategies

/** `net.SplitHostPort` host part, or the whole string when it has no port (Traefik's fallback). */
export function hostOfRemoteAddr(remoteAddr: string): string {
  if (remoteAddr.startsWith('[')) {
    const end = remoteAddr.indexOf(']:');
    return end === -1 || remoteAddr.indexOf(']') !== end ? remoteAddr : remoteAddr.slice(1, end);
  }
  const colon = remoteAddr.indexOf(':');
  return colon !== -1 && remoteAddr.indexOf(':', colon + 1) === -1 ? remoteAddr.slice(0, colon) : remoteAddr;
}

function checkSubnet(bits: number | undefined, path: string): void {
  if (bits !== undefined && (bits <= 0 || bits > 128)) {
    throw new ConfigError(`invalid IPv6 subnet ${bits} value, should be greater to 0 and lower or equal to 128`, `${path}.ipv6Subnet`);
  }
}

/**
 * Compiles an ipStrategy (IPStrategy.Get): depth > 0 → depth strategy; excludedIPs → pool strategy; otherwise
 * the remote address. `undefined` (no ipStrategy at all) is the remote address too. `warn` reports options
 * Traefik accepts but ignores.
 */
export function compileIPStrategy(
  cfg: IPStrategyConfig | undefined,
  path = 'ipStrategy',
  warn: (message: string) => void = () => {},
): IPStrategy {
  const depth = cfg?.depth ?? 0;
  const excluded = cfg?.excludedIPs ?? [];
  const subnet = cfg?.ipv6Subnet;
  if (depth > 0) {
    checkSubnet(subnet, path);
    if (excluded.length > 0) warn(`${path}.excludedIPs is ignored when depth is set`);
    return (_remote, xff) => {
      const parts = (xff ?? '').split(',');
      if (parts.length < depth) return '';
      const ip = parts[parts.length - depth].trim();
      return subnet === undefined ? ip : ipv6SubnetOf(ip, subnet);
    };
  }
  if (excluded.length > 0) {
    let checker: IPChecker;
    try {
      checker = new IPChecker(excluded);
    } catch (err) {
      throw new ConfigError((err as Error).message, `${path}.excludedIPs`);
    }
    if (subnet !== undefined) warn(`${path}.ipv6Subnet is ignored with excludedIPs`);
    return (_remote, xff) => {
      const parts = (xff ?? '').split(',');
      for (let i = parts.length - 1; i >= 0; i--) {
        const ip = parts[i].trim();
        if (ip !== '' && !checker.contains(ip)) return ip;
      }
      return '';
    };
  }
  checkSubnet(subnet, path);
  return (remote) => {
    const ip = hostOfRemoteAddr(remote);
    return subnet === undefined ? ip : ipv6SubnetOf(unmapV4(ip), subnet);
  };
}

/**
 * The connection peer as Node reports it may be IPv4-mapped (`::ffff:1.2.3.4`) where Go sees plain IPv4; the
 * subnet grouping must not fold every IPv4 client into `::`.
 */
function unmapV4(ip: string): string {
  return ip.length > 7 && ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** First value of a request header as Go's `Header.Get` (Node joins repeated lines; arrays keep the first). */
export function firstHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** An ipStrategy applied to an exchange: its client IP ('' when the strategy finds none). */
export function compileClientIP(cfg: IPStrategyConfig | undefined, path = 'ipStrategy', warn?: (message: string) => void): SourceExtractor {
  const strategy = compileIPStrategy(cfg, path, warn);
  return (ex) => strategy(ex.clientIp, firstHeader(ex.headers['x-forwarded-for']));
}

/**
 * Compiles a sourceCriterion (middlewares.GetSourceExtractor): the three criteria are mutually exclusive;
 * none given means the client IP by remote address.
 */
export function compileSourceCriterion(
  cfg: SourceCriterionConfig | undefined,
  path = 'sourceCriterion',
  warn?: (message: string) => void,
): SourceExtractor {
  const header = cfg?.requestHeaderName ?? '';
  const host = cfg?.requestHost === true;
  const ip = cfg?.ipStrategy;
  if (ip !== undefined && header !== '') throw new ConfigError('iPStrategy and RequestHeaderName are mutually exclusive', path);
  if (ip !== undefined && host) throw new ConfigError('iPStrategy and RequestHost are mutually exclusive', path);
  if (header !== '' && host) throw new ConfigError('requestHost and RequestHeaderName are mutually exclusive', path);
  if (header !== '') {
    const name = header.toLowerCase();
    return (ex) => firstHeader(ex.headers[name]) ?? '';
  }
  // The Host as the request will carry it upstream (a headers middleware may have rewritten it), port included.
  if (host) return (ex) => ex.headers.host ?? '';
  return compileClientIP(ip, `${path}.ipStrategy`, warn);
}
