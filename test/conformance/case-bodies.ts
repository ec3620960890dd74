/**
 * Bodies the corpus describes instead of spelling out: Traefik's generated test bytes
 * (`"1024 bytes: byte i = 0x61+i (mod 256) (generateBytes(...))"`, `"100000 bytes generateBytes(100000)"`) and
 * `<StatusText>\n` (Go's http.StatusText of the backend's status, a line). Anything else is the body itself.
 */
import { STATUS_CODES } from 'node:http';

const GENERATED = /^(\d+) bytes(:| generateBytes)/;

/** Traefik's generateBytes: byte i is 0x61+i (mod 256). */
export function generateBytes(length: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (0x61 + i) & 0xff;
  return b;
}

/** The body a backend description stands for; undefined stays undefined (an empty body). */
export function materializeBody(description: string | undefined, status = 200): string | Buffer | undefined {
  if (description === undefined) return undefined;
  const generated = GENERATED.exec(description);
  if (generated !== null) return generateBytes(Number(generated[1]));
  // Go's test handlers write http.StatusText(status) + "\n"; a 304 carries no body.
  if (description === '<StatusText>\n') return status === 304 ? '' : `${STATUS_CODES[status] ?? ''}\n`;
  return description;
}

/** Placeholder strings (`<auth server>`, `<something the Go test built>`) left in a case's config. */
export function placeholdersIn(value: unknown): string[] {
  if (typeof value === 'string') return /^<[^>]+>$/.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(placeholdersIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(placeholdersIn);
  return [];
}
