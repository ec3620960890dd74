/**
 * MD5 in plain JavaScript, for MD5-crypt's 1,002 chained digests of short messages: node:crypto's createHash
 * costs about 2 µs per call in bindings (measured: 2.1 ms per MD5-crypt verification), this one far less
 * (see md5.test.ts for the cross-check against node:crypto and the timing).
 */
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const K = new Int32Array(64);
/** Per step: the rotation and the message word used (precomputed to keep the inner loop branch-light). */
const S = new Uint8Array(64);
const G = new Uint8Array(64);
for (let i = 0; i < 64; i++) {
  K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0;
  S[i] = SHIFTS[((i >> 4) << 2) | (i & 3)];
  G[i] = i < 16 ? i : i < 32 ? (5 * i + 1) & 15 : i < 48 ? (3 * i + 5) & 15 : (7 * i) & 15;
}

/** Scratch space for the message schedule, grown on demand (calls are synchronous, so it can be shared). */
let words = new Int32Array(16);

/** MD5 digest of `msg[0..len)` written into `out` (16 bytes). */
export function md5Into(msg: Uint8Array, len: number, out: Uint8Array): void {
  const blocks = ((len + 8) >>> 6) + 1;
  const n = blocks * 16;
  if (words.length < n) words = new Int32Array(n);
  words.fill(0, 0, n);
  for (let i = 0; i < len; i++) words[i >> 2] |= msg[i] << ((i & 3) << 3);
  words[len >> 2] |= 0x80 << ((len & 3) << 3);
  words[n - 2] = (len * 8) | 0;
  words[n - 1] = Math.floor(len / 2 ** 29);

  let a0 = 0x67452301;
  let b0 = 0xefcdab89 | 0;
  let c0 = 0x98badcfe | 0;
  let d0 = 0x10325476;
  for (let off = 0; off < n; off += 16) {
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number;
      if (i < 16) f = (b & c) | (~b & d);
      else if (i < 32) f = (d & b) | (~d & c);
      else if (i < 48) f = b ^ c ^ d;
      else f = c ^ (b | ~d);
      f = (f + a + K[i] + words[off + G[i]]) | 0;
      a = d;
      d = c;
      c = b;
      const s = S[i];
      b = (b + ((f << s) | (f >>> (32 - s)))) | 0;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }
  writeLE(out, 0, a0);
  writeLE(out, 4, b0);
  writeLE(out, 8, c0);
  writeLE(out, 12, d0);
}

function writeLE(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = (v >>> 24) & 0xff;
}

export function md5(msg: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  md5Into(msg, msg.length, out);
  return out;
}
