import { createHash, randomBytes } from 'node:crypto';
import type { Harness, TestResponse } from '../../../test/helpers/middleware-harness.js';

/** A test client's side of RFC 2617 digest authentication (what curl --digest does). */
export const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** Parameters of a `WWW-Authenticate: Digest …` challenge (quoted or token values). */
export function parseChallenge(header: string | string[] | undefined): Record<string, string> {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !value.startsWith('Digest ')) throw new Error(`not a digest challenge: ${String(value)}`);
  const out: Record<string, string> = {};
  for (const m of value.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) out[m[1]] = m[2] ?? m[3];
  return out;
}

export interface DigestAnswer {
  username: string;
  password: string;
  method?: string;
  uri: string;
  nc?: string;
  cnonce?: string;
  /** Overrides of individual parameters (or `null` to leave one out). */
  override?: Record<string, string | null>;
}

/** The Authorization header answering `challenge`. */
export function authorization(challenge: Record<string, string>, a: DigestAnswer): string {
  const nc = a.nc ?? '00000001';
  const cnonce = a.cnonce ?? randomBytes(8).toString('hex');
  const ha1 = md5(`${a.username}:${challenge.realm}:${a.password}`);
  const ha2 = md5(`${a.method ?? 'GET'}:${a.uri}`);
  const params: Record<string, string | null> = {
    username: a.username,
    realm: challenge.realm,
    nonce: challenge.nonce,
    uri: a.uri,
    algorithm: 'MD5',
    qop: 'auth',
    nc,
    cnonce,
    response: md5(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`),
    opaque: challenge.opaque,
    ...a.override,
  };
  const unquoted = new Set(['algorithm', 'qop', 'nc']);
  const parts = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== null)
    .map(([k, v]) => (unquoted.has(k) ? `${k}=${v}` : `${k}="${v}"`));
  return `Digest ${parts.join(', ')}`;
}

/** Challenge then answer: the full digest exchange of one request. Returns both responses. */
export async function digestRequest(
  h: Harness,
  req: { method?: string; path?: string; headers?: Record<string, string>; username: string; password: string },
): Promise<{ challenge: TestResponse; res: TestResponse }> {
  const path = req.path ?? '/';
  const challenge = await h.request({ method: req.method, path, headers: req.headers });
  if (challenge.status !== 401) return { challenge, res: challenge };
  const params = parseChallenge(challenge.headers['www-authenticate']);
  const auth = authorization(params, { username: req.username, password: req.password, method: req.method, uri: path });
  const res = await h.request({ method: req.method, path, headers: { ...req.headers, authorization: auth } });
  return { challenge, res };
}
