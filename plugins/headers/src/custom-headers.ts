import type { Exchange, ResponseModifier } from '@portico/sdk';

/**
 * customRequestHeaders / customResponseHeaders (header.go): a value sets the header (replacing all its
 * values), an empty value removes it. Two request-side specials, as Traefik: `Host` rewrites the Host the
 * upstream receives, and an empty `X-Forwarded-For` (spelled exactly so — Traefik compares the key as written)
 * also stops the proxy from adding its own X-Forwarded-For (Go's nil-header signal).
 */
type RequestOp =
  | { kind: 'set'; name: string; value: string }
  | { kind: 'delete'; name: string }
  | { kind: 'suppressXForwardedFor' };

export function compileRequestHeaders(custom: Record<string, string>): ((ex: Exchange) => void) | null {
  const ops: RequestOp[] = [];
  for (const [key, value] of Object.entries(custom)) {
    const name = key.toLowerCase();
    if (value === '' && key === 'X-Forwarded-For') ops.push({ kind: 'suppressXForwardedFor' });
    // Go keeps the Host outside the header map, so deleting "Host" does nothing there.
    else if (value === '' && name === 'host') continue;
    else if (value === '') ops.push({ kind: 'delete', name });
    else ops.push({ kind: 'set', name, value });
  }
  if (ops.length === 0) return null;
  return (ex) => {
    const h = ex.headers;
    for (const op of ops) {
      if (op.kind === 'set') h[op.name] = op.value;
      else if (op.kind === 'delete') delete h[op.name];
      else {
        delete h['x-forwarded-for'];
        ex.appendXForwardedFor = false;
      }
    }
  };
}

export function compileResponseHeaders(custom: Record<string, string>): ResponseModifier | null {
  const ops = Object.entries(custom).map(([key, value]) => ({ name: key.toLowerCase(), value }));
  if (ops.length === 0) return null;
  return (_status, headers) => {
    for (const op of ops) {
      if (op.value === '') delete headers[op.name];
      else headers[op.name] = op.value;
    }
  };
}
