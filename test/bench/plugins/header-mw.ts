// The `wasm` bench profile's TypeScript twin of plugins/wasm/test/fixtures/header.wat, enabled as a local plugin:
// `/admin…` without the configured x-api-key → 403; otherwise drop x-internal-secret and set x-wasm-mw.
import { defineMiddleware, s } from '@portico/sdk';
import type { Handler } from '@portico/sdk';

export default defineMiddleware({
  type: 'hdr',
  description: 'Header-setting middleware (bench twin of the WASM fixture).',
  schema: s.object({ greeting: s.optional(s.string()), apiKey: s.optional(s.string()) }),
  build(config) {
    const greeting = config.greeting ?? 'hello';
    const apiKey = config.apiKey;
    return (next: Handler): Handler =>
      (ex) => {
        if (ex.path.startsWith('/admin') && (apiKey === undefined || ex.headers['x-api-key'] !== apiKey)) {
          ex.respond(403, 'forbidden');
          return;
        }
        delete ex.headers['x-internal-secret'];
        ex.headers['x-wasm-mw'] = greeting;
        return next(ex);
      };
  },
});
