import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange } from './exchange.js';

/**
 * The layered response-body API: how a middleware transforms a response on its way to the client (compress,
 * contentType sniffing, buffering) without touching `ex.res`.
 *
 * A middleware calls `ex.wrapResponse(create)`; `create` gets the layer's downstream (the next layer towards
 * the client, or the client itself) and returns the layer. Layers stack in chain order, as Traefik's wrapped
 * ResponseWriters compose: the middleware closest to the client registers first and sits closest to the
 * client; what the upstream (or an inner middleware) writes enters the innermost layer and flows outwards.
 */

/** One stage of a response's way out: where a head, body bytes, flushes and the end are sent. */
export interface ResponseSink {
  /** The status line and headers. A layer may change them before passing them on, or hold them back. */
  head(status: number, headers: OutgoingHttpHeaders): void;
  /** Body bytes. False asks the writer to wait for a drain signal before writing more (backpressure). */
  write(chunk: Buffer): boolean;
  /** The writer wants what it wrote so far on the wire now (a stream such as SSE, or an explicit flush). */
  flush(): void;
  /** The body is complete. */
  end(): void;
}

/** What a layer gets to reach the client: the next sink, plus backpressure, failure and the exchange. */
export interface ResponseDownstream extends ResponseSink {
  readonly exchange: Exchange;
  /** Calls `fn` once when the downstream can take more bytes (after its `write` returned false). */
  onDrain(fn: () => void): void;
  /** Tells the writers above this layer that it can take more bytes (after the layer's `write` returned false). */
  drained(): void;
  /**
   * Fails the response from the layer's own asynchronous code (a compressor's error event): 500 if nothing
   * was sent yet, otherwise the connection is cut. Logged. Throws from layer methods are handled the same way.
   */
  fail(err: unknown): void;
}

/**
 * A response layer. Every method is optional: a missing one passes straight to the downstream.
 * `abort` is called when the response is abandoned before its end (client gone, a layer failed), so the layer
 * can release what it holds (compressor, buffered bytes, timers).
 */
export interface ResponseLayer {
  head?(status: number, headers: OutgoingHttpHeaders): void;
  write?(chunk: Buffer): boolean;
  flush?(): void;
  end?(): void;
  abort?(err: Error): void;
}

export type ResponseLayerFactory = (down: ResponseDownstream) => ResponseLayer;
