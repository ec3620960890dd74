import { createHash, timingSafeEqual } from 'node:crypto';
import { parseNonceCount, type NonceStore } from './nonce-store.js';

/**
 * go-http-auth's DigestAuth.CheckAuth for one request: opaque, algorithm MD5 (assumed when absent) and
 * qop=auth are required; the digest `uri` must equal the request-target or be a path prefix of the request
 * path (a leniency go-http-auth keeps); the response must be
 * MD5(HA1:nonce:nc:cnonce:qop:MD5(method:uri)); finally the nonce must be one we issued, with a growing nc
 * (else the answer is a `stale` challenge).
 */
export type DigestOutcome = { ok: true; user: string } | { ok: false; stale: boolean };

export interface DigestRequest {
  method: string;
  /** Request-target as sent upstream (Go's RequestURI): path and query. */
  requestUri: string;
  /** Escaped request path (ex.path); compared decoded, as Go's URL.Path. */
  path: string;
}

const REFUSED: DigestOutcome = { ok: false, stale: false };
const STALE: DigestOutcome = { ok: false, stale: true };

export function md5Hex(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/**
 * Checks parsed Digest parameters. `secret(user)` returns the HA1 for `user` in the configured realm, or
 * undefined. An unknown user (or an empty HA1) is refused outright: with go-http-auth's empty secret the
 * expected response would be computable without any password.
 */
export function checkDigest(
  params: Map<string, string>,
  req: DigestRequest,
  secret: (user: string) => string | undefined,
  nonces: NonceStore,
): DigestOutcome {
  const algorithm = params.get('algorithm') ?? 'MD5';
  if (params.get('opaque') !== nonces.opaque || algorithm !== 'MD5' || params.get('qop') !== 'auth') return REFUSED;

  const uri = params.get('uri') ?? '';
  if (uri !== req.requestUri) {
    const uriPath = parsedUriPath(uri);
    const reqPath = percentDecode(req.path);
    if (uriPath === null || reqPath === null || uriPath.length > reqPath.length || !reqPath.startsWith(uriPath)) return REFUSED;
  }

  const user = params.get('username') ?? '';
  const ha1 = secret(user);
  if (ha1 === undefined || ha1 === '') return REFUSED;
  const nonce = params.get('nonce') ?? '';
  const nc = params.get('nc') ?? '';
  const cnonce = params.get('cnonce') ?? '';
  const ha2 = md5Hex(`${req.method}:${uri}`);
  const expected = Buffer.from(md5Hex(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`));
  const given = Buffer.from(params.get('response') ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return REFUSED;

  // The credentials are right; now the session. A nonce we no longer know, or a count that did not grow
  // (concurrent requests arriving out of order, Traefik's "possibly because out of order requests"), is
  // answered as stale: the client retries with a fresh nonce without asking the user again.
  const count = parseNonceCount(nc);
  if (count === null) return REFUSED;
  return nonces.use(nonce, count) === 'ok' ? { ok: true, user } : STALE;
}

/** Go's url.Parse(uri).Path (decoded), or null where url.Parse fails (bad escape). */
function parsedUriPath(uri: string): string | null {
  let rest = uri;
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  if (q !== -1) rest = rest.slice(0, q);
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(rest);
  if (scheme !== null) {
    rest = rest.slice(scheme[0].length);
    if (!rest.startsWith('/')) return ''; // opaque URL (mailto:x): no path
    if (rest.startsWith('//')) {
      const slash = rest.indexOf('/', 2);
      rest = slash === -1 ? '' : rest.slice(slash);
    }
  }
  return percentDecode(rest);
}

/** %XX-decoding of a path (UTF-8); null for a malformed escape, as Go's unescape fails. */
function percentDecode(path: string): string | null {
  if (!path.includes('%')) return path;
  const bytes: number[] = [];
  for (let i = 0; i < path.length; i++) {
    const ch = path.charCodeAt(i);
    if (ch === 0x25) {
      const hex = path.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      for (const b of Buffer.from(path[i])) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
