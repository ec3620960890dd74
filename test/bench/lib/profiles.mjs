// What is measured: each profile is one load shape with the targets compared under it, run interleaved.
// `subject` is the row the others are compared with; `ratio` says which way the ratio column reads.
const baselines = ['portico', 'node-hello', 'node-undici', 'http-proxy', 'fastify-http-proxy', 'nginx', 'haproxy'];

export const PROFILES = {
  small: {
    title: 'HTTP/1.1, small body (12 B)',
    path: '/',
    bodyBytes: 12,
    targets: baselines,
    subject: 'portico',
    ratio: 'portico-over-row',
  },
  '16k': {
    title: 'HTTP/1.1, 16 KiB body',
    path: '/16k',
    bodyBytes: 16384,
    targets: baselines,
    subject: 'portico',
    ratio: 'portico-over-row',
  },
  routers: {
    title: 'Host-based routing: 1 vs 10 vs 10,000 routers (small body)',
    path: '/',
    bodyBytes: 12,
    targets: ['portico', 'portico-10-routers', 'portico-10000-routers'],
    subject: 'portico',
    ratio: 'row-over-portico',
  },
  features: {
    title: 'Middlewares and access log (small body)',
    path: '/',
    bodyBytes: 12,
    targets: ['portico', 'portico-3-middlewares', 'portico-access-log'],
    subject: 'portico',
    ratio: 'row-over-portico',
  },
  wasm: {
    title: 'Header-setting middleware: none vs local TypeScript plugin vs WASM (small body)',
    path: '/',
    bodyBytes: 12,
    targets: ['portico', 'portico-ts-header-mw', 'portico-wasm-header-mw'],
    subject: 'portico',
    ratio: 'row-over-portico',
    // Also report CPU µs per request added over the subject (the target: ≤ 10 µs for WASM).
    addedCost: true,
  },
};

export const DEFAULT_PROFILES = ['small', '16k', 'routers', 'features'];
export const QUICK_PROFILES = ['small'];
