import { md5Into } from './md5.js';

/**
 * MD5-crypt (`$1$`, and Apache's `$apr1$` which only changes the magic), ported from go-http-auth's MD5Crypt,
 * which Traefik uses: the magic is whatever sits between the first two `$`, the salt is not truncated.
 * Works on bytes so a non-ASCII password hashes exactly as Go hashes it.
 */
const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SWAPS = [12, 6, 0, 13, 7, 1, 14, 8, 2, 15, 9, 3, 5, 10, 4, 11];

export function md5Crypt(password: Uint8Array, salt: Uint8Array, magic: Uint8Array): string {
  const pl = password.length;
  // One scratch buffer large enough for every message below.
  const buf = new Uint8Array(Math.max(pl + magic.length + salt.length + pl + 64, 16 + salt.length + 2 * pl));
  const final = new Uint8Array(16);

  // Alternate sum: password + salt + password.
  let n = 0;
  buf.set(password, n);
  n += pl;
  buf.set(salt, n);
  n += salt.length;
  buf.set(password, n);
  n += pl;
  const mixin = new Uint8Array(16);
  md5Into(buf, n, mixin);

  n = 0;
  buf.set(password, n);
  n += pl;
  buf.set(magic, n);
  n += magic.length;
  buf.set(salt, n);
  n += salt.length;
  for (let i = 0; i < pl; i++) buf[n++] = mixin[i % 16];
  for (let i = pl; i !== 0; i >>>= 1) buf[n++] = (i & 1) === 0 ? password[0] : 0;
  md5Into(buf, n, final);

  for (let i = 0; i < 1000; i++) {
    n = 0;
    if ((i & 1) === 0) {
      buf.set(final, n);
      n += 16;
    } else {
      buf.set(password, n);
      n += pl;
    }
    if (i % 3 !== 0) {
      buf.set(salt, n);
      n += salt.length;
    }
    if (i % 7 !== 0) {
      buf.set(password, n);
      n += pl;
    }
    if ((i & 1) === 0) {
      buf.set(password, n);
      n += pl;
    } else {
      buf.set(final, n);
      n += 16;
    }
    md5Into(buf, n, final);
  }

  let result = '';
  let v = 0;
  let bits = 0;
  for (const i of SWAPS) {
    v |= final[i] << bits;
    for (bits += 8; bits > 6; bits -= 6) {
      result += ITOA64[v & 0x3f];
      v >>>= 6;
    }
  }
  result += ITOA64[v & 0x3f];
  return `${Buffer.from(magic).toString('latin1')}${Buffer.from(salt).toString('latin1')}$${result}`;
}
