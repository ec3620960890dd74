// A local TypeScript middleware: Portico bundles this file with esbuild at start-up (no build step),
// caches the bundle by content hash and maps stack traces back to these lines.
import { ConfigError, defineMiddleware, s } from '@portico/sdk';
import type { Handler } from '@portico/sdk';

const schema = s.object({
  header: s.string({ description: 'Response header that carries the stamp.', default: 'X-Stamp' }),
  value: s.string({ description: 'Stamp written in the header.' }),
  requestHeader: s.optional(s.string({ description: 'Also send the stamp upstream in this request header.' })),
  failOn: s.optional(s.string({ description: 'Path that makes the middleware throw (to show source-mapped stack traces).' })),
});

export default defineMiddleware({
  type: 'stamp',
  description: 'Stamps responses (and optionally requests) with a header.',
  schema,

  validate(config) {
    if (config.value.trim() === '') throw new ConfigError('value cannot be empty', 'value');
  },

  build(config) {
    // Everything computed here runs once per configuration version, not per request.
    const header = config.header.toLowerCase();
    const requestHeader = config.requestHeader?.toLowerCase();
    const { value, failOn } = config;
    return (next: Handler): Handler =>
      (ex) => {
        if (failOn !== undefined && ex.path === failOn) throw new Error(`stamp refused ${ex.path}`);
        if (requestHeader !== undefined) ex.headers[requestHeader] = value;
        ex.onResponseHead((_status, headers) => {
          headers[header] = value;
        });
        return next(ex);
      };
  },
});
