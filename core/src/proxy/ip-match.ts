import { BlockList, isIP } from 'node:net';

/**
 * Compiles a list of IPs and CIDRs (e.g. forwardedHeaders.trustedIPs) into a membership test.
 * Throws on an entry that is neither, naming it: a typo must not silently trust or distrust everyone.
 */
export function compileIpMatcher(entries: string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const e = entry.trim();
    const slash = e.indexOf('/');
    const addr = slash === -1 ? e : e.slice(0, slash);
    const family = isIP(addr);
    if (family === 0) throw new Error(`invalid IP or CIDR ${JSON.stringify(entry)}`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (slash === -1) list.addAddress(addr, type);
    else {
      const bits = Number(e.slice(slash + 1));
      if (!Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32)) throw new Error(`invalid CIDR ${JSON.stringify(entry)}`);
      list.addSubnet(addr, bits, type);
    }
  }
  return (ip: string) => {
    const v = normalizeIp(ip);
    const family = isIP(v);
    if (family === 0) return false;
    if (list.check(v, family === 6 ? 'ipv6' : 'ipv4')) return true;
    // IPv4 peers on a dual-stack socket appear as ::ffff:a.b.c.d; also check the IPv4 form.
    return family === 6 && v.startsWith('::ffff:') && isIP(v.slice(7)) === 4 && list.check(v.slice(7), 'ipv4');
  };
}

/** Strips an IPv6 zone (`fe80::1%eth0`) and brackets. */
export function normalizeIp(ip: string): string {
  let v = ip;
  if (v.startsWith('[') && v.endsWith(']')) v = v.slice(1, -1);
  const pct = v.indexOf('%');
  return pct === -1 ? v : v.slice(0, pct);
}
