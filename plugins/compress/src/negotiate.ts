/**
 * Accept-Encoding negotiation as Traefik's compress middleware does it (pkg/middlewares/compress/acceptencoding.go):
 * entries the middleware cannot produce are ignored, `q=0` entries are dropped, the highest weight wins and equal
 * weights are broken by the configured `encodings` order (not the client's order); `identity` ranks after every
 * configured encoding and `*` before them, a winning `*` means the default encoding.
 */

export const IDENTITY = 'identity';
export const NOT_ACCEPTABLE = 'not_acceptable';
const WILDCARD = '*';

/** What the negotiation needs from the configuration, computed once at build time. */
export interface EncodingPolicy {
  /** Encodings this process can produce, in configured priority order (never empty). */
  readonly encodings: readonly string[];
  /** Encoding used for a winning `*` (and for requests without Accept-Encoding when `useForMissingHeader`). */
  readonly defaultEncoding: string;
  /** True when `defaultEncoding` was configured: requests without Accept-Encoding are compressed with it. */
  readonly useForMissingHeader: boolean;
  /** Tie-break rank of every acceptable token (lower wins). */
  readonly rank: ReadonlyMap<string, number>;
}

/**
 * Builds the policy from the configured encodings; `canEncode` says which ones this Node can produce (Node 20 has
 * no zstd). Unusable encodings are left out as if they were not configured; an unusable `defaultEncoding` falls
 * back to the first usable encoding. Returns null when none is usable.
 */
export function encodingPolicy(configured: readonly string[], defaultEncoding: string | undefined, canEncode: (e: string) => boolean): EncodingPolicy | null {
  const encodings = configured.filter(canEncode);
  if (encodings.length === 0) return null;
  const rank = new Map<string, number>([[WILDCARD, -1]]);
  encodings.forEach((e, i) => rank.set(e, i));
  rank.set(IDENTITY, encodings.length);
  const hasDefault = defaultEncoding !== undefined && defaultEncoding !== '';
  return {
    encodings,
    defaultEncoding: hasDefault && encodings.includes(defaultEncoding) ? defaultEncoding : encodings[0],
    useForMissingHeader: hasDefault,
    rank,
  };
}

/**
 * The encoding to answer with for the Accept-Encoding lines `acceptEncoding` (Traefik's getCompressionEncoding):
 * an encoding name, `identity` or `not_acceptable` (both mean: do not compress).
 */
export function getCompressionEncoding(acceptEncoding: readonly string[], policy: EncodingPolicy): string {
  // RFC 9110: an empty Accept-Encoding means the client wants no content coding.
  if (acceptEncoding.length === 1 && acceptEncoding[0] === '') return IDENTITY;
  let best = '';
  let bestWeight = 0;
  let bestRank = 0;
  for (const line of acceptEncoding) {
    for (const item of line.replaceAll(' ', '').split(',')) {
      const semi = item.indexOf(';');
      const name = semi === -1 ? item : item.slice(0, semi);
      const rank = policy.rank.get(name);
      if (rank === undefined) continue;
      let weight = 1;
      if (semi !== -1 && item.startsWith('q=', semi + 1)) {
        weight = goParseFloat(item.slice(semi + 3));
        if (weight === 0) continue; // q=0: explicitly not acceptable
      }
      if (best === '' || weight > bestWeight || (weight === bestWeight && rank < bestRank)) {
        best = name;
        bestWeight = weight;
        bestRank = rank;
      }
    }
  }
  if (best === '') return NOT_ACCEPTABLE;
  return best === WILDCARD ? policy.defaultEncoding : best;
}

/** strconv.ParseFloat as Traefik uses it: an unparsable weight counts as 0. */
function goParseFloat(text: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return 0;
  return Number(text);
}

/**
 * Traefik hands gzip to klauspost's gzhttp, which checks the header again on its own: only the first
 * Accept-Encoding line, and only an explicit `gzip` with a non-zero weight counts. So `*` (or a missing header
 * with `defaultEncoding: gzip`) selects gzip, yet the response is not compressed (it still gets Vary).
 */
export function gzhttpAcceptsGzip(firstLine: string | undefined): boolean {
  if (firstLine === undefined) return false;
  for (const item of firstLine.split(',')) {
    const semi = item.indexOf(';');
    if ((semi === -1 ? item : item.slice(0, semi)).trim() !== 'gzip') continue;
    if (semi === -1) return true;
    const q = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(item.slice(semi + 1));
    return q !== null && Number(q[1]) > 0;
  }
  return false;
}
