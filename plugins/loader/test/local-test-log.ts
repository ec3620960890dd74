import type { LoadPluginsOptions } from '../src/index.js';

type Logger = LoadPluginsOptions['log'];

/** A logger that records `level message` lines (the loader does not depend on pino, so neither do its tests). */
export function recordingLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const make = (): Logger => {
    const at = (level: string) => (a: unknown, b?: unknown) => void lines.push(`${level} ${typeof a === 'string' ? a : String(b ?? '')}`);
    return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), trace: at('trace'), fatal: at('fatal'), child: () => make() } as unknown as Logger;
  };
  return { log: make(), lines };
}
