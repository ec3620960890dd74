/**
 * Subresource-Integrity strings as npm writes them in `dist.integrity` and package-lock.json
 * (`sha512-<base64 digest>`). Portico records the sha512 form of every tarball it installs, so a lockfile
 * entry can be compared directly with what the registry published and with what `npm pack` printed.
 */
import { createHash } from 'node:crypto';

/** Algorithms accepted in an SRI string, strongest first (npm may still list sha1 for old packages). */
const ALGORITHMS = ['sha512', 'sha384', 'sha256', 'sha1'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

/** The sha512 SRI string of `data`. */
export function integrityOf(data: Uint8Array): string {
  return `sha512-${createHash('sha512').update(data).digest('base64')}`;
}

/** The sha1 hex digest npm publishes as `dist.shasum` (only used when a packument has no `integrity`). */
export function shasumOf(data: Uint8Array): string {
  return createHash('sha1').update(data).digest('hex');
}

/**
 * Checks `data` against an SRI string (several space-separated hashes allowed, as the spec says). The strongest
 * algorithm present decides. Returns undefined when it matches, else a sentence saying what differed.
 */
export function checkIntegrity(data: Uint8Array, expected: string): string | undefined {
  const byAlgorithm = new Map<Algorithm, string[]>();
  for (const token of expected.trim().split(/\s+/)) {
    const dash = token.indexOf('-');
    const algorithm = token.slice(0, dash) as Algorithm;
    if (dash <= 0 || !ALGORITHMS.includes(algorithm)) continue;
    // Options after `?` are allowed by the SRI grammar and carry nothing we use.
    const digest = token.slice(dash + 1).split('?')[0];
    byAlgorithm.set(algorithm, [...(byAlgorithm.get(algorithm) ?? []), digest]);
  }
  const algorithm = ALGORITHMS.find((a) => byAlgorithm.has(a));
  if (algorithm === undefined) return `the integrity "${expected}" names no supported hash (sha512, sha384, sha256, sha1)`;
  const actual = createHash(algorithm).update(data).digest('base64');
  if (byAlgorithm.get(algorithm)!.includes(actual)) return undefined;
  return `expected ${algorithm}-${byAlgorithm.get(algorithm)![0]}, got ${algorithm}-${actual}`;
}
