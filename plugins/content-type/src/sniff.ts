/**
 * Go's `http.DetectContentType` (net/http/sniff.go, the WHATWG MIME sniffing subset Go implements): looks at
 * the first 512 bytes and always returns a type, `application/octet-stream` when nothing else fits.
 */

const SNIFF_LEN = 512;

type Sig = (data: Buffer, firstNonWS: number) => string;

const isWS = (b: number) => b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d || b === 0x20;
const isTT = (b: number) => b === 0x20 || b === 0x3e;

const bytes = (s: string) => Buffer.from(s, 'latin1');

function exact(pattern: string, ct: string): Sig {
  const pat = bytes(pattern);
  return (data) => (data.length >= pat.length && data.subarray(0, pat.length).equals(pat) ? ct : '');
}

function masked(pattern: string, mask: string, ct: string, skipWS = false): Sig {
  const pat = bytes(pattern);
  const m = bytes(mask);
  return (data, firstNonWS) => {
    const d = skipWS ? data.subarray(firstNonWS) : data;
    if (d.length < m.length) return '';
    for (let i = 0; i < m.length; i++) if ((d[i] & m[i]) !== pat[i]) return '';
    return ct;
  };
}

function html(tag: string): Sig {
  const h = bytes(tag);
  return (data, firstNonWS) => {
    const d = data.subarray(firstNonWS);
    if (d.length < h.length + 1) return '';
    for (let i = 0; i < h.length; i++) {
      let db = d[i];
      if (h[i] >= 0x41 && h[i] <= 0x5a) db &= 0xdf;
      if (h[i] !== db) return '';
    }
    return isTT(d[h.length]) ? 'text/html; charset=utf-8' : '';
  };
}

const mp4: Sig = (data) => {
  if (data.length < 12) return '';
  const boxSize = data.readUInt32BE(0);
  if (data.length < boxSize || boxSize % 4 !== 0) return '';
  if (data.toString('latin1', 4, 8) !== 'ftyp') return '';
  for (let st = 8; st < boxSize; st += 4) {
    if (st === 12) continue; // the version of the major brand
    if (data.toString('latin1', st, st + 3) === 'mp4') return 'video/mp4';
  }
  return '';
};

const text: Sig = (data, firstNonWS) => {
  for (let i = firstNonWS; i < data.length; i++) {
    const b = data[i];
    if (b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f)) return '';
  }
  return 'text/plain; charset=utf-8';
};

const FF4 = '\xff\xff\xff\xff';
const SIGNATURES: Sig[] = [
  ...['<!DOCTYPE HTML', '<HTML', '<HEAD', '<SCRIPT', '<IFRAME', '<H1', '<DIV', '<FONT', '<TABLE', '<A', '<STYLE', '<TITLE', '<B', '<BODY', '<BR', '<P', '<!--'].map(html),
  masked('<?xml', '\xff\xff\xff\xff\xff', 'text/xml; charset=utf-8', true),
  exact('%PDF-', 'application/pdf'),
  exact('%!PS-Adobe-', 'application/postscript'),
  masked('\xfe\xff\x00\x00', '\xff\xff\x00\x00', 'text/plain; charset=utf-16be'),
  masked('\xff\xfe\x00\x00', '\xff\xff\x00\x00', 'text/plain; charset=utf-16le'),
  masked('\xef\xbb\xbf\x00', '\xff\xff\xff\x00', 'text/plain; charset=utf-8'),
  exact('\x00\x00\x01\x00', 'image/x-icon'),
  exact('\x00\x00\x02\x00', 'image/x-icon'),
  exact('BM', 'image/bmp'),
  exact('GIF87a', 'image/gif'),
  exact('GIF89a', 'image/gif'),
  masked('RIFF\x00\x00\x00\x00WEBPVP', `${FF4}\x00\x00\x00\x00${FF4}\xff\xff`, 'image/webp'),
  exact('\x89PNG\x0d\x0a\x1a\x0a', 'image/png'),
  exact('\xff\xd8\xff', 'image/jpeg'),
  masked('FORM\x00\x00\x00\x00AIFF', `${FF4}\x00\x00\x00\x00${FF4}`, 'audio/aiff'),
  masked('ID3', '\xff\xff\xff', 'audio/mpeg'),
  masked('OggS\x00', `${FF4}\xff`, 'application/ogg'),
  masked('MThd\x00\x00\x00\x06', `${FF4}${FF4}`, 'audio/midi'),
  masked('RIFF\x00\x00\x00\x00AVI ', `${FF4}\x00\x00\x00\x00${FF4}`, 'video/avi'),
  masked('RIFF\x00\x00\x00\x00WAVE', `${FF4}\x00\x00\x00\x00${FF4}`, 'audio/wave'),
  mp4,
  exact('\x1a\x45\xdf\xa3', 'video/webm'),
  masked(`${'\x00'.repeat(34)}LP`, `${'\x00'.repeat(34)}\xff\xff`, 'application/vnd.ms-fontobject'),
  exact('\x00\x01\x00\x00', 'font/ttf'),
  exact('OTTO', 'font/otf'),
  exact('ttcf', 'font/collection'),
  exact('wOFF', 'font/woff'),
  exact('wOF2', 'font/woff2'),
  exact('\x1f\x8b\x08', 'application/x-gzip'),
  exact('PK\x03\x04', 'application/zip'),
  exact('Rar!\x1a\x07\x00', 'application/x-rar-compressed'),
  exact('Rar!\x1a\x07\x01\x00', 'application/x-rar-compressed'),
  exact('\x00\x61\x73\x6d', 'application/wasm'),
  text,
];

export function detectContentType(input: Buffer): string {
  const data = input.length > SNIFF_LEN ? input.subarray(0, SNIFF_LEN) : input;
  let firstNonWS = 0;
  while (firstNonWS < data.length && isWS(data[firstNonWS])) firstNonWS++;
  for (const sig of SIGNATURES) {
    const ct = sig(data, firstNonWS);
    if (ct !== '') return ct;
  }
  return 'application/octet-stream';
}
