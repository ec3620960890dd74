import { pino, type Logger, type DestinationStream } from 'pino';
import { Writable } from 'node:stream';

/** Traefik's level names → pino's. */
const LEVELS: Record<string, string> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', WARNING: 'warn', ERROR: 'error', FATAL: 'fatal', PANIC: 'fatal' };

export interface LogOptions {
  level?: string;
  /** `common` (human-readable lines, Traefik's default) or `json`. */
  format?: string;
  filePath?: string;
  noColor?: boolean;
}

const SHORT: Record<number, string> = { 10: 'TRC', 20: 'DBG', 30: 'INF', 40: 'WRN', 50: 'ERR', 60: 'FTL' };

/** Renders pino's JSON lines as `2026-01-02T03:04:05Z INF message key=value`, like Traefik's common format. */
function commonFormat(out: DestinationStream): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        try {
          const { level, time, msg, pid: _p, hostname: _h, ...rest } = JSON.parse(line) as Record<string, unknown>;
          const fields = Object.entries(rest)
            .map(([k, v]) => `${k}=${typeof v === 'string' ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`)
            .join(' ');
          out.write(`${new Date(Number(time)).toISOString()} ${SHORT[Number(level)] ?? level} ${msg ?? ''}${fields ? ` ${fields}` : ''}\n`);
        } catch {
          out.write(`${line}\n`);
        }
      }
      cb();
    },
  });
}

export function createLogger(opts: LogOptions = {}): Logger {
  const level = LEVELS[(opts.level ?? 'ERROR').toUpperCase()];
  if (level === undefined) throw new Error(`log.level: unknown level ${JSON.stringify(opts.level)} (use TRACE, DEBUG, INFO, WARN, ERROR, FATAL or PANIC)`);
  const dest = opts.filePath ? pino.destination({ dest: opts.filePath, mkdir: true, sync: false }) : pino.destination({ dest: 2, sync: true });
  const stream = (opts.format ?? 'common').toLowerCase() === 'json' ? dest : (commonFormat(dest) as unknown as DestinationStream);
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.epochTime }, stream);
}
