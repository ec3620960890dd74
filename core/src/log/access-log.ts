import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { pino } from 'pino';
import type { Exchange } from '../http/exchange.js';
import { parseDuration } from '../config/duration.js';

export interface AccessLogOptions {
  filePath?: string;
  /** `common` (default), `genericCLF` or `json`. */
  format?: string;
  filters?: { statusCodes?: string[]; retryAttempts?: boolean; minDuration?: string | number };
  /** Log requests served by internal routers (api@internal, ping@internal…) too; Traefik's default is not to. */
  addInternals?: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `02/Jan/2006:15:04:05 -0700`, in local time, as Traefik's CLF writes it. */
function clfTime(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `${pad(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

const dash = (v: string | undefined) => (v ? v : '-');

/** Parses `statusCodes` entries ("200", "500-599") into a predicate; throws on a malformed entry. */
export function statusFilter(codes: string[]): (status: number) => boolean {
  const ranges = codes.map((c) => {
    const m = /^\s*(\d{3})(?:\s*-\s*(\d{3}))?\s*$/.exec(c);
    if (m === null) throw new Error(`accessLog.filters.statusCodes: invalid entry ${JSON.stringify(c)} (use "404" or "500-599")`);
    return [Number(m[1]), Number(m[2] ?? m[1])] as const;
  });
  return (s) => ranges.some(([lo, hi]) => s >= lo && s <= hi);
}

/**
 * The access log: a subscriber to the request-end channel, so requests pay nothing when it is off.
 * Lines are written asynchronously (sonic-boom) to a file or stdout.
 */
export function startAccessLog(opts: AccessLogOptions): () => void {
  const format = (opts.format ?? 'common').toLowerCase();
  if (!['common', 'genericclf', 'json'].includes(format)) throw new Error(`accessLog.format: unknown format ${JSON.stringify(opts.format)} (use common, genericCLF or json)`);
  const out = pino.destination({ dest: opts.filePath ?? 1, mkdir: opts.filePath !== undefined, sync: false });
  const byStatus = opts.filters?.statusCodes?.length ? statusFilter(opts.filters.statusCodes) : undefined;
  const onlyRetried = opts.filters?.retryAttempts === true;
  const minMs = opts.filters?.minDuration !== undefined ? parseDuration(opts.filters.minDuration) : 0;
  const addInternals = opts.addInternals === true;
  let count = 0;

  const onEnd = (message: unknown) => {
    const ex = message as Exchange;
    count++;
    if (!addInternals && ex.routerName.endsWith('@internal')) return;
    const durationNs = process.hrtime.bigint() - ex.startedAt;
    const durationMs = Number(durationNs) / 1e6;
    const status = ex.status || ex.res.statusCode;
    if (byStatus || onlyRetried || minMs > 0) {
      const keep = (byStatus !== undefined && byStatus(status)) || (onlyRetried && ex.retryAttempts > 0) || (minMs > 0 && durationMs >= minMs);
      if (!keep) return;
    }
    const req = ex.req;
    const size = ex.bytesWritten;
    const path = req.url ?? '/';
    const proto = `HTTP/${req.httpVersion}`;
    if (format === 'json') {
      const now = new Date();
      out.write(
        JSON.stringify({
          ClientAddr: `${req.socket.remoteAddress}:${req.socket.remotePort}`,
          ClientHost: ex.clientIp,
          ClientPort: String(req.socket.remotePort ?? ''),
          ClientUsername: dash(ex.user),
          DownstreamContentSize: size,
          DownstreamStatus: status,
          Duration: Number(durationNs),
          OriginStatus: ex.upstreamUrl ? status : 0,
          RequestAddr: req.headers.host ?? '',
          RequestHost: (req.headers.host ?? '').replace(/:\d+$/, ''),
          RequestMethod: req.method,
          RequestPath: path,
          RequestProtocol: proto,
          RequestScheme: ex.tls ? 'https' : 'http',
          RequestCount: count,
          RetryAttempts: ex.retryAttempts,
          RouterName: ex.routerName,
          ServiceName: ex.serviceName,
          ServiceURL: ex.upstreamUrl,
          entryPointName: ex.entryPoint,
          StartUTC: new Date(now.getTime() - durationMs).toISOString(),
          level: 'info',
          msg: '',
          time: now.toISOString(),
        }) + '\n',
      );
      return;
    }
    let line = `${ex.clientIp} - ${dash(ex.user)} [${clfTime(new Date())}] "${req.method} ${path} ${proto}" ${status} ${size > 0 ? size : '-'} "${dash(req.headers.referer)}" "${dash(req.headers['user-agent'])}"`;
    if (format === 'common') line += ` ${count} "${dash(ex.routerName)}" "${dash(ex.upstreamUrl)}" ${Math.round(durationMs)}ms`;
    out.write(line + '\n');
  };
  subscribe('portico:request:end', onEnd);
  return () => {
    unsubscribe('portico:request:end', onEnd);
    out.flushSync?.();
  };
}
