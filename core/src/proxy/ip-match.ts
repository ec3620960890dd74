import { IpChecker } from '../rules/ip.js';

/**
 * Compiles a list of IPs and CIDRs (e.g. forwardedHeaders.trustedIPs) into a membership test, with Traefik's
 * ip.Checker semantics (the same checker the ClientIP matcher uses). Throws on an entry that is neither,
 * naming it: a typo must not silently trust or distrust everyone.
 */
export function compileIpMatcher(entries: string[]): (ip: string) => boolean {
  let checker: IpChecker;
  try {
    checker = new IpChecker(entries.map((e) => e.trim()));
  } catch (err) {
    throw new Error(`invalid IP or CIDR: ${(err as Error).message}`);
  }
  return (ip: string) => {
    if (checker.contains(ip)) return true;
    // IPv4 peers on a dual-stack socket appear as ::ffff:a.b.c.d; check the IPv4 form too.
    return ip.startsWith('::ffff:') && ip.includes('.') && checker.contains(ip.slice(7));
  };
}

/** Strips an IPv6 zone (`fe80::1%eth0`) and brackets from a socket address. */
export function normalizeIp(ip: string): string {
  let v = ip;
  if (v.startsWith('[') && v.endsWith(']')) v = v.slice(1, -1);
  const pct = v.indexOf('%');
  return pct === -1 ? v : v.slice(0, pct);
}
