import { hostname } from 'node:os';
import type { IncomingHttpHeaders } from 'node:http';
import { compileIpMatcher } from './ip-match.js';

/**
 * The entrypoint's forwarded-headers stage, with Traefik's semantics (pkg/middlewares/forwardedheaders):
 * drop X-Forwarded-* from untrusted peers (underscore spellings too), apply the Connection header, then fill in
 * X-Forwarded-Proto/Host/Port/Server and X-Real-Ip. Runs before routing, so rules and middlewares see them.
 */
export interface ForwardedHeadersOptions {
  insecure?: boolean;
  trustedIPs?: string[];
  connection?: string[];
  addXForwardedSchemeHeaders?: boolean;
}

/** Headers the proxy manages; a Connection header cannot remove them (RFC 7230 §6.1, Traefik's xHeaders). */
const X_HEADERS = [
  'x-forwarded-proto',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-server',
  'x-forwarded-uri',
  'x-forwarded-method',
  'x-forwarded-tls-client-cert',
  'x-forwarded-tls-client-cert-info',
  'x-forwarded-prefix',
  'x-real-ip',
];
const X_HEADER_SET = new Set(X_HEADERS);
const SCHEME_HEADERS = ['x-forwarded-scheme', 'x-scheme'];

export type ForwardedHeadersStage = (headers: IncomingHttpHeaders, clientIp: string, tls: boolean) => void;

export function buildForwardedHeadersStage(opts: ForwardedHeadersOptions, serverName = hostname()): ForwardedHeadersStage {
  const trusted = opts.trustedIPs && opts.trustedIPs.length > 0 ? compileIpMatcher(opts.trustedIPs) : undefined;
  const insecure = opts.insecure === true;
  const keepConnection = new Set((opts.connection ?? []).map((h) => h.toLowerCase()));
  const addScheme = opts.addXForwardedSchemeHeaders === true;
  const removable = addScheme ? new Set([...X_HEADERS, ...SCHEME_HEADERS]) : X_HEADER_SET;

  return (headers, clientIp, tls) => {
    if (!insecure && (trusted === undefined || !trusted(clientIp))) removeForwarded(headers, removable);
    if (headers.connection !== undefined) applyConnection(headers, keepConnection);

    if (clientIp !== '' && !headers['x-real-ip']) headers['x-real-ip'] = clientIp;
    let proto = headers['x-forwarded-proto'] as string | undefined;
    if (!proto) {
      const ws = isWebsocket(headers);
      proto = tls ? (ws ? 'wss' : 'https') : ws ? 'ws' : 'http';
      headers['x-forwarded-proto'] = proto;
    }
    if (addScheme) {
      headers['x-forwarded-scheme'] = proto;
      headers['x-scheme'] = proto;
    }
    if (!headers['x-forwarded-port']) headers['x-forwarded-port'] = forwardedPort(headers.host, proto, tls);
    if (!headers['x-forwarded-host'] && headers.host) headers['x-forwarded-host'] = headers.host;
    if (serverName !== '') headers['x-forwarded-server'] = serverName;
  };
}

function removeForwarded(headers: IncomingHttpHeaders, names: Set<string>): void {
  for (const key of Object.keys(headers)) {
    if (names.has(key) || (key.includes('_') && names.has(key.replace(/_/g, '-')))) delete headers[key];
  }
}

function tokens(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined.split(',').map((t) => t.trim()).filter((t) => t !== '');
}

/** Removes the headers a Connection header names, except ours and the ones the entrypoint lets through. */
function applyConnection(headers: IncomingHttpHeaders, keep: Set<string>): void {
  const listed = tokens(headers.connection);
  const upgrade = listed.some((t) => t.toLowerCase() === 'upgrade') ? headers.upgrade : undefined;
  const kept: string[] = [];
  for (const t of listed) {
    const name = t.toLowerCase();
    if (X_HEADER_SET.has(name)) continue;
    if (keep.has(name)) {
      kept.push(t);
      continue;
    }
    delete headers[name];
  }
  if (upgrade !== undefined) {
    headers.connection = 'Upgrade';
    headers.upgrade = upgrade;
  } else if (kept.length > 0) headers.connection = kept.join(',');
  else delete headers.connection;
}

function isWebsocket(headers: IncomingHttpHeaders): boolean {
  const up = headers.upgrade;
  if (typeof up !== 'string' || up.toLowerCase() !== 'websocket') return false;
  return tokens(headers.connection).some((t) => t.toLowerCase() === 'upgrade');
}

function forwardedPort(host: string | undefined, proto: string, tls: boolean): string {
  if (host) {
    const m = /:(\d+)$/.exec(host);
    if (m && !(host.startsWith('[') && !host.includes(']:'))) return m[1];
  }
  if (proto === 'https' || proto === 'wss' || tls) return '443';
  return '80';
}
