import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange } from '@portico/sdk';
import { detectContentType } from './sniff.js';

type LayerFactory = Parameters<Exchange['wrapResponse']>[0];

/**
 * A response layer that holds back a head without Content-Type until the first body bytes, then sets the
 * type Go's server would sniff from them (what `net/http` does when a handler leaves Content-Type unset).
 * A head that already has a type, or a status without a body, passes at once; an empty body gets no type.
 */
function hasHeader(headers: OutgoingHttpHeaders, lower: string): boolean {
  for (const name of Object.keys(headers)) if (name.toLowerCase() === lower && headers[name] !== undefined) return true;
  return false;
}

const hasContentType = (headers: OutgoingHttpHeaders) => hasHeader(headers, 'content-type');

/** Go's bodyAllowedForStatus: no body, so nothing to sniff, for 1xx, 204 and 304. */
function bodyAllowed(status: number): boolean {
  return !(status < 200 || status === 204 || status === 304);
}

export const sniffingLayer: LayerFactory = (down) => {
  let held: { status: number; headers: OutgoingHttpHeaders } | null = null;
  const release = (first: Buffer | null) => {
    const h = held!;
    held = null;
    if (first !== null && first.length > 0) h.headers['content-type'] = detectContentType(first);
    down.head(h.status, h.headers);
  };
  return {
    head(status, headers) {
      // Detection is on only when the last contentType middleware on the chain left it on (autoDetect: false).
      // A body already encoded by a layer inside this one (compress) cannot be sniffed: its bytes are not the
      // representation's. Put contentType inside compress to get both (docs/middlewares.md).
      if (down.exchange.locals?.contentType !== true || !bodyAllowed(status) || hasContentType(headers) || hasHeader(headers, 'content-encoding')) {
        held = null;
        down.head(status, headers);
      } else held = { status, headers };
    },
    write(chunk) {
      if (held !== null) {
        if (chunk.length === 0) return true;
        release(chunk);
      }
      return down.write(chunk);
    },
    // A stream's head may be flushed before any data: Go's server still waits for the first write to sniff.
    flush() {
      if (held === null) down.flush();
    },
    end() {
      if (held !== null) release(null);
      down.end();
    },
  };
};
