import { ConfigError, defineMiddleware, s } from '@portico/sdk';
import type { Handler, ResponseModifier } from '@portico/sdk';
import { compressingLayer } from './compressing-layer.js';
import { canEncode, KNOWN_ENCODINGS } from './encoders.js';
import { addVaryAcceptEncoding } from './headers.js';
import { mediaTypeMatches, parseMediaType, type MediaType } from './media-type.js';
import { encodingPolicy, getCompressionEncoding, gzhttpAcceptsGzip, type EncodingPolicy } from './negotiate.js';

export { getCompressionEncoding, encodingPolicy, gzhttpAcceptsGzip, IDENTITY, NOT_ACCEPTABLE } from './negotiate.js';
export type { EncodingPolicy } from './negotiate.js';

/**
 * compress (Traefik pkg/middlewares/compress): compresses responses with the best encoding the client accepts
 * (gzip, br; zstd where Node has it), when the response is not already encoded, its type is allowed and its body
 * reaches `minResponseBodyBytes`. Requests whose Content-Type is excluded (application/grpc always) and HEAD
 * requests pass through untouched.
 */
const DEFAULT_MIN_SIZE = 1024;

const schema = s.object({
  excludedContentTypes: s.optional(
    s.array(s.string(), {
      description: 'Content types (request and response) never compressed; application/grpc always is. Exclusive with includedContentTypes.',
    }),
  ),
  includedContentTypes: s.optional(
    s.array(s.string(), { description: 'Only responses of these content types are compressed. Exclusive with excludedContentTypes.' }),
  ),
  minResponseBodyBytes: s.optional(
    s.integer({ default: DEFAULT_MIN_SIZE, description: 'Minimum body size, in bytes, for a response to be compressed (0 or less: 1024).' }),
  ),
  encodings: s.optional(
    s.array(s.enumOf([...KNOWN_ENCODINGS]), {
      default: ['gzip', 'br', 'zstd'],
      description:
        'Encodings offered, highest priority first. zstd is accepted but only used where Node provides it (not on Node 20): elsewhere it is skipped when negotiating.',
    }),
  ),
  defaultEncoding: s.optional(
    s.string({ description: 'Encoding used when the request has no Accept-Encoding header, or for `*` (must be one of encodings).' }),
  ),
});

interface Prepared {
  policy: EncodingPolicy | null;
  /** Request media types that disable compression. */
  requestExcludes: Set<string>;
  excludes: MediaType[];
  includes: MediaType[];
  minSize: number;
}

function parseTypes(values: readonly string[] | undefined, key: string): MediaType[] {
  return (values ?? []).map((v, i) => {
    const parsed = parseMediaType(v);
    if (parsed === null) throw new ConfigError(`invalid media type ${JSON.stringify(v)}`, `${key}[${i}]`);
    return parsed;
  });
}

/** Whether a response with this Content-Type may be compressed (an unparsable type may not, as in Traefik). */
function typeAllowed(prepared: Prepared, contentType: string): boolean {
  if (contentType === '') return true;
  const mt = parseMediaType(contentType);
  if (mt === null) return false;
  if (prepared.includes.length > 0 && !prepared.includes.some((p) => mediaTypeMatches(p, mt))) return false;
  return !prepared.excludes.some((p) => mediaTypeMatches(p, mt));
}

/** gzip chosen but not explicitly accepted (see gzhttpAcceptsGzip): Traefik only adds Vary. */
const varyOnly: ResponseModifier = (_status, headers) => addVaryAcceptEncoding(headers);

export const compress = defineMiddleware({
  type: 'compress',
  description: 'Compresses responses (gzip, brotli; zstd where Node supports it) by Accept-Encoding.',
  schema,

  provision(config): Prepared {
    if ((config.excludedContentTypes?.length ?? 0) > 0 && (config.includedContentTypes?.length ?? 0) > 0) {
      throw new ConfigError('excludedContentTypes and includedContentTypes options are mutually exclusive', 'includedContentTypes');
    }
    const encodings = config.encodings ?? ['gzip', 'br', 'zstd'];
    if (encodings.length === 0) throw new ConfigError('at least one encoding must be specified', 'encodings');
    const def = config.defaultEncoding ?? '';
    if (def !== '' && !(encodings as string[]).includes(def)) throw new ConfigError(`unsupported default encoding: ${def}`, 'defaultEncoding');
    const excludes = [parseMediaType('application/grpc') as MediaType, ...parseTypes(config.excludedContentTypes, 'excludedContentTypes')];
    const min = config.minResponseBodyBytes ?? DEFAULT_MIN_SIZE;
    return {
      policy: encodingPolicy(encodings, def, canEncode),
      requestExcludes: new Set(excludes.map((m) => m.type)),
      excludes: (config.includedContentTypes?.length ?? 0) > 0 ? [] : excludes,
      includes: parseTypes(config.includedContentTypes, 'includedContentTypes'),
      minSize: min > 0 ? min : DEFAULT_MIN_SIZE,
    };
  },

  build(prepared: Prepared, ctx) {
    const policy = prepared.policy;
    if (policy === null) {
      ctx.log.warn(`compress ${ctx.element}: none of the configured encodings is available in this Node.js version; responses are not compressed`);
      return (next: Handler): Handler => next;
    }
    // One layer factory per encoding, built once: the per-request path allocates nothing for negotiation.
    const typeOk = (contentType: string) => typeAllowed(prepared, contentType);
    const layers = new Map(policy.encodings.map((e) => [e, compressingLayer({ encoding: e, minSize: prepared.minSize, typeAllowed: typeOk })]));
    const chooseEncoding = (header: string | string[] | undefined): string | undefined => {
      if (header === undefined) return policy.useForMissingHeader ? policy.defaultEncoding : undefined;
      return getCompressionEncoding(typeof header === 'string' ? [header] : header, policy);
    };
    return (next: Handler): Handler =>
      (ex) => {
        if (ex.method === 'HEAD') return next(ex);
        const requestType = ex.headers['content-type'];
        if (requestType !== undefined && prepared.requestExcludes.has(parseMediaType(requestType)?.type ?? '')) return next(ex);
        const accept = ex.headers['accept-encoding'];
        const encoding = chooseEncoding(accept);
        const layer = layers.get(encoding ?? '');
        if (layer === undefined) return next(ex);
        const firstLine = Array.isArray(accept) ? accept[0] : accept;
        if (encoding === 'gzip' && !gzhttpAcceptsGzip(firstLine)) ex.onResponseHead(varyOnly);
        else ex.wrapResponse(layer);
        return next(ex);
      };
  },
});

export default [compress];
