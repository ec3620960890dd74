// IP addresses and CIDR ranges with Go's net semantics, for the ClientIP matcher (Traefik's
// ip.Checker). Parsed once at config time into bytes; matching compares bytes under a mask.
// As in Go, an IPv4-mapped IPv6 address (::ffff:10.0.0.1) counts as IPv4, and an IPv6 range
// never contains an IPv4 address.

export interface ParsedIp {
  /** 4 bytes for IPv4 (including IPv4-mapped IPv6), 16 for IPv6. */
  bytes: Uint8Array;
}

/** Go's dotted IPv4 (no leading zeros, no empty fields) as 4 bytes. Shared with the sdk's source criteria. */
export function parseIPv4(s: string): Uint8Array | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let k = 0; k < 4; k++) {
    const p = parts[k]!;
    // Go rejects empty fields, non-digits and leading zeros ("010").
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out[k] = v;
  }
  return out;
}

/** IPv6 text (no zone, no brackets; a trailing dotted IPv4 allowed) as 16 bytes. */
export function parseIPv6(s: string): Uint8Array | undefined {
  if (s.includes('%')) return undefined; // zones are not accepted
  const out = new Uint8Array(16);
  let head = s;
  let tail = '';
  const dbl = s.indexOf('::');
  if (dbl >= 0) {
    head = s.slice(0, dbl);
    tail = s.slice(dbl + 2);
    if (tail.includes('::')) return undefined;
  }
  const parseGroups = (part: string, allowV4: boolean): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const bytes: number[] = [];
    for (let k = 0; k < groups.length; k++) {
      const g = groups[k]!;
      if (k === groups.length - 1 && allowV4 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (!v4) return undefined;
        bytes.push(...v4);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
        const v = parseInt(g, 16);
        bytes.push(v >> 8, v & 0xff);
      }
    }
    return bytes;
  };
  const h = parseGroups(head, dbl < 0);
  const t = parseGroups(tail, true);
  if (!h || !t) return undefined;
  if (dbl < 0) {
    if (h.length !== 16) return undefined;
    out.set(h);
    return out;
  }
  if (h.length + t.length > 14) return undefined; // '::' stands for at least one zero group
  out.set(h, 0);
  out.set(t, 16 - t.length);
  return out;
}

/** True for ::ffff:a.b.c.d (which Go treats as IPv4). */
export const isMappedV4 = (b: Uint8Array): boolean => b.length === 16 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;

/** Go's net.ParseIP (strict): dotted IPv4 or IPv6, no zone, no brackets. */
export function parseIp(s: string): ParsedIp | undefined {
  if (s.includes(':')) {
    const b = parseIPv6(s);
    if (!b) return undefined;
    return { bytes: isMappedV4(b) ? b.slice(12) : b };
  }
  const v4 = parseIPv4(s);
  return v4 ? { bytes: v4 } : undefined;
}

export interface ParsedCidr {
  network: Uint8Array;
  /** Prefix length relative to `network` (IPv4-mapped ranges are counted in IPv4 bits). */
  bits: number;
}

/** Go's net.ParseCIDR. */
export function parseCidr(s: string): ParsedCidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const mask = s.slice(slash + 1);
  if (!/^[0-9]+$/.test(mask)) return undefined;
  const v6syntax = addr.includes(':');
  const raw = v6syntax ? parseIPv6(addr) : parseIPv4(addr);
  if (!raw) return undefined;
  let bits = Number(mask);
  if (bits > raw.length * 8) return undefined;
  let network = applyMask(raw, bits);
  if (isMappedV4(network)) {
    // Go treats a masked network that is IPv4-mapped as IPv4, with the last 32 bits of the mask.
    network = network.slice(12);
    bits = Math.max(0, bits - 96);
  }
  return { network, bits };
}

function applyMask(b: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let k = 0; k < b.length; k++) {
    const keep = Math.min(8, Math.max(0, bits - k * 8));
    out[k] = b[k]! & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

function cidrContains(c: ParsedCidr, ip: Uint8Array): boolean {
  if (ip.length !== c.network.length) return false;
  let bits = c.bits;
  for (let k = 0; k < ip.length && bits > 0; k++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip[k]! & mask) !== c.network[k]) return false;
  }
  return true;
}

const sameIp = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, k) => x === b[k]);

/** Traefik's ip.Checker: a list of IPs and CIDR ranges, parsed at config time. */
export class IpChecker {
  private readonly ips: Uint8Array[] = [];
  private readonly nets: ParsedCidr[] = [];

  /** Throws an Error naming the first entry that is neither an IP nor a CIDR range. */
  constructor(entries: readonly string[]) {
    if (entries.length === 0) throw new Error('no IP or CIDR range given');
    for (const e of entries) {
      const ip = parseIp(e);
      if (ip) {
        this.ips.push(ip.bytes);
        continue;
      }
      const net = parseCidr(e);
      if (!net) throw new Error(`${JSON.stringify(e)} is neither an IP address nor a CIDR range`);
      this.nets.push(net);
    }
  }

  /** Whether the address (a bare IP) is listed; false for anything that is not an IP. */
  contains(address: string): boolean {
    // Client addresses may carry an IPv6 zone (fe80::1%eth0), which Go's netip accepts and drops.
    const zone = address.indexOf('%');
    const ip = parseIp(zone >= 0 && address.includes(':') ? address.slice(0, zone) : address);
    if (!ip) return false;
    return this.ips.some((x) => sameIp(x, ip.bytes)) || this.nets.some((n) => cidrContains(n, ip.bytes));
  }
}

/**
 * Go's net.SplitHostPort host part, or undefined when the address has no valid port part.
 * Traefik's RemoteAddrStrategy falls back to the whole address in that case.
 */
export function splitHostPort(addr: string): { host: string; port: string } | undefined {
  const i = addr.lastIndexOf(':');
  if (i < 0) return undefined;
  let host: string;
  let j = 0;
  let k = 0;
  if (addr[0] === '[') {
    const end = addr.indexOf(']');
    if (end < 0 || end + 1 !== i) return undefined;
    host = addr.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = addr.slice(0, i);
    if (host.includes(':')) return undefined;
  }
  if (addr.indexOf('[', j) >= 0 || addr.indexOf(']', k) >= 0) return undefined;
  return { host, port: addr.slice(i + 1) };
}

/** The client IP Traefik's ClientIP matcher sees: remoteAddr's host part, or all of it. */
export function remoteAddrIp(remoteAddr: string): string {
  return splitHostPort(remoteAddr)?.host ?? remoteAddr;
}
