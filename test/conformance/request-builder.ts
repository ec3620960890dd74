/**
 * Turns a corpus request into what the raw client sends: the bytes, and the loopback source address that
 * reproduces its `remoteAddr`. Requests that cannot be reproduced from this machine say why instead.
 */
import { isIPv4 } from 'node:net';
import type { CaseRequest } from './cases.js';
import { serializeRequest, type WireRequest } from './raw-http.js';

export interface BuiltRequest {
  bytes: Buffer;
  /** Client socket source address (127.x.y.z), when the case sets a remote address. */
  localAddress?: string;
  head: boolean;
  /** The parsed form, for messages (undefined for `rawRequest`). */
  wire?: WireRequest;
}

export type BuildResult = { ok: true; request: BuiltRequest } | { ok: false; reason: string };

export interface BuildOptions {
  /**
   * When the case gives no Host, send what Go's httptest.NewRequest would: the authority of an absolute-form
   * target, else `example.com` (middleware and priority tests build requests that way). Off: no Host header
   * (rules.json gives one in every request).
   */
  goHostDefault?: boolean;
}

export function buildRequest(req: CaseRequest, options: BuildOptions = {}): BuildResult {
  const source = sourceAddress(req.remoteAddr);
  if (!source.ok) return source;
  const method = req.method ?? 'GET';
  const head = method.toUpperCase() === 'HEAD';
  if (req.rawRequest !== undefined) {
    return { ok: true, request: { bytes: Buffer.from(req.rawRequest, 'utf8'), localAddress: source.address, head } };
  }

  const target = req.requestTarget ?? `${req.path ?? '/'}${req.query !== undefined ? `?${req.query}` : ''}`;
  const headers: [string, string][] = [];
  const host = req.host ?? (options.goHostDefault ? (authorityOf(target) ?? 'example.com') : undefined);
  if (host !== undefined) headers.push(['Host', host]);
  if (req.basicAuth) {
    const token = Buffer.from(`${req.basicAuth.username}:${req.basicAuth.password}`, 'utf8').toString('base64');
    headers.push(['Authorization', `Basic ${token}`]);
  }
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) headers.push([name, v]);
  }
  if (req.body !== undefined) headers.push(['Content-Length', String(Buffer.byteLength(req.body, 'utf8'))]);
  const wire: WireRequest = { method, target, headers, body: req.body };
  return { ok: true, request: { bytes: serializeRequest(wire), localAddress: source.address, head, wire } };
}

/** The authority of an absolute-form target (`http://example.org/foo` → `example.org`), else undefined. */
function authorityOf(target: string): string | undefined {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/.exec(target);
  if (!m) return undefined;
  const authority = m[1].slice(m[1].lastIndexOf('@') + 1);
  return authority === '' ? undefined : authority;
}

/**
 * The client source address for a corpus `remoteAddr`. Only 127.0.0.0/8 can be reproduced (every such address
 * is local on Linux loopback and Portico listens on 127.0.0.1); the port part is not reproduced (no matcher
 * looks at it).
 */
export function sourceAddress(remoteAddr: string | undefined): { ok: true; address?: string } | { ok: false; reason: string } {
  if (remoteAddr === undefined) return { ok: true };
  // Traefik splits host:port and falls back to the whole string when there is no port.
  const m = /^\[([^\]]*)\]:\d+$/.exec(remoteAddr) ?? /^([^:]*):\d+$/.exec(remoteAddr);
  const ip = m ? m[1] : remoteAddr;
  if (isIPv4(ip) && ip.startsWith('127.')) return { ok: true, address: ip };
  return { ok: false, reason: `remoteAddr ${JSON.stringify(remoteAddr)} cannot be sent from loopback 127.0.0.0/8` };
}
