import type { Plugin as EsbuildPlugin } from 'esbuild';

/**
 * The host's own packages a plugin must share rather than bundle a copy of: `@portico/sdk` (and its
 * subpaths) and `@portico/core`. A bundled copy would bring its own classes (`ConfigError`, `UpstreamError`,
 * `Exchange`), so `instanceof` checks in the kernel would fail and two module instances would hold state.
 * Each import is resolved from the loader — `import.meta.resolve`, so the host's resolution conditions apply
 * (the TypeScript sources under the `portico-source` condition, the built files otherwise) — and kept
 * external as that absolute URL.
 */
const SHARED = /^@portico\/(sdk|core)(\/.*)?$/;

const resolved = new Map<string, string>();

function hostUrl(specifier: string): string {
  let url = resolved.get(specifier);
  if (url === undefined) {
    url = import.meta.resolve(specifier);
    resolved.set(specifier, url);
  }
  return url;
}

export function hostPackagesPlugin(): EsbuildPlugin {
  return {
    name: 'portico-host-packages',
    setup(build) {
      build.onResolve({ filter: SHARED }, (args) => {
        try {
          return { path: hostUrl(args.path), external: true };
        } catch (err) {
          return { errors: [{ text: `cannot resolve ${args.path} from the Portico host: ${(err as Error).message}` }] };
        }
      });
    },
  };
}

/** Where the host's sdk lives: part of the bundle cache key (a bundle names the sdk by absolute URL). */
hostPackagesPlugin.fingerprint = (): string => hostUrl('@portico/sdk');
