/**
 * Go's `Request.BasicAuth()`: `Basic ` (case-insensitive) + standard padded base64 of `user:password`, split
 * at the first ':'. Go's decoder ignores CR/LF and rejects anything else malformed; so does this one.
 * The password stays as bytes (hashes compare bytes); the user name must be UTF-8 to be looked up.
 */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export interface Credentials {
  user: string;
  password: Uint8Array;
}

export function parseBasicAuth(header: string | undefined): Credentials | null {
  if (header === undefined || header.length < 6) return null;
  const scheme = header.slice(0, 6);
  if (scheme !== 'Basic ' && scheme.toLowerCase() !== 'basic ') return null;
  let b64 = header.slice(6);
  if (b64.includes('\r') || b64.includes('\n')) b64 = b64.replace(/[\r\n]/g, '');
  if (b64.length % 4 !== 0 || !BASE64.test(b64)) return null;
  const raw = Buffer.from(b64, 'base64');
  const colon = raw.indexOf(0x3a);
  if (colon === -1) return null;
  let user: string;
  try {
    user = strictUtf8.decode(raw.subarray(0, colon));
  } catch {
    return null;
  }
  return { user, password: raw.subarray(colon + 1) };
}
