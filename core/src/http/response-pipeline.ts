import { channel } from 'node:diagnostics_channel';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Exchange, ResponseModifier } from './exchange.js';
import type { ResponseDownstream, ResponseLayer, ResponseLayerFactory, ResponseSink } from './response-layer.js';
import { installResponseEntry, type ResponseMethods } from './response-entry.js';

/**
 * The stack of response layers of one request, built only when a middleware registers a layer: a request
 * without layers never creates it, and its writers (the relay, `respond()`) hit Node's ServerResponse directly.
 *
 * Layers and head modifiers are registered in one ordered list (`ex.onResponseHead` carries both, see
 * `layerEntry`), so their relative order is the chain's: a modifier registered by a middleware outside a layer's
 * middleware sees the head after that layer changed it (headers outside compress sees Content-Encoding), one
 * registered inside sees it before. Anything that scopes head modifiers (retry's attempts) scopes layers too.
 *
 * Every call into a layer is guarded: a throw fails the request (500 if nothing was sent, else the connection
 * is cut) and is reported on the `portico:response:layer-error` channel, never thrown into an event callback.
 */

/** Published with `{ exchange, error }` when a response layer threw or failed; the entrypoint logs it. */
export const layerErrorChannel = channel('portico:response:layer-error');

const LAYER = Symbol('portico.responseLayer');
type LayerEntry = ResponseModifier & { [LAYER]: ResponseLayerFactory };

/** Wraps a layer factory as a head modifier (a no-op when run as one: upgrades skip layers). */
export function layerEntry(create: ResponseLayerFactory): ResponseModifier {
  const entry = (() => {}) as unknown as LayerEntry;
  entry[LAYER] = create;
  return entry;
}

/** The layer factory carried by a registered entry, or undefined for a plain head modifier. */
export function layerOf(entry: ResponseModifier): ResponseLayerFactory | undefined {
  return (entry as Partial<LayerEntry>)[LAYER];
}

const INTERNAL_ERROR = Buffer.from('Internal Server Error');

export class ResponsePipeline {
  /** Where writers' calls enter: the innermost layer (or the client sink before any layer). */
  private top: ResponseSink;
  /** `tops[d]`: the sink a layer registered at depth d writes into (tops[0] is the client). */
  private readonly tops: ResponseSink[];
  private readonly layers: ResponseLayer[] = [];
  /** `groups[d]`: head modifiers registered while d layers existed, applied once, innermost first. */
  private readonly groups: (ResponseModifier[] | null)[];
  private readonly original: ResponseMethods;
  /** True once a head entered the stack (a write before that gets the implicit head, as Node's). */
  headEntered = false;
  writerEnded = false;
  private clientEnded = false;
  private failed = false;
  private sent = 0;

  constructor(
    private readonly ex: Exchange,
    modifiers: ResponseModifier[] | null,
  ) {
    const res = ex.res;
    this.original = installResponseEntry(res, this, (status, headers) => ex.sendHead(status, headers));
    this.top = this.clientSink(res);
    this.tops = [this.top];
    this.groups = [modifiers];
    res.once('close', () => {
      if (!this.clientEnded) this.abortLayers(new Error('the client connection closed before the response ended'));
    });
  }

  /** Registers a head modifier or a layer (see layerEntry), in chain order. */
  add(entry: ResponseModifier): void {
    const create = layerOf(entry);
    const depth = this.layers.length;
    if (create === undefined) {
      (this.groups[depth] ??= []).push(entry);
      return;
    }
    const down = this.downstream(depth, this.top);
    let layer: ResponseLayer;
    try {
      layer = create(down);
    } catch (err) {
      this.fail(err);
      layer = {};
    }
    this.layers.push(layer);
    this.top = {
      head: layer.head !== undefined ? (s, h) => layer.head!(s, h) : down.head,
      write: layer.write !== undefined ? (c) => layer.write!(c) : down.write,
      flush: layer.flush !== undefined ? () => layer.flush!() : down.flush,
      end: layer.end !== undefined ? () => layer.end!() : down.end,
    };
    this.tops.push(this.top);
    this.groups.push(null);
  }

  /** Runs the modifiers without the layers: a 101 (WebSocket) answer is not a body to transform. */
  applyModifiersOnly(status: number, headers: OutgoingHttpHeaders): void {
    for (let d = this.groups.length - 1; d >= 0; d--) this.applyGroup(d, status, headers);
  }

  /** Checkpoint for `rewind`: the number of layers and of modifiers in the innermost group now. */
  checkpoint(): number {
    const depth = this.layers.length;
    return depth * 65536 + (this.groups[depth]?.length ?? 0);
  }

  /** Forgets the layers and modifiers registered after `checkpoint` (an attempt that is replayed). */
  rewind(checkpoint: number): void {
    const depth = Math.floor(checkpoint / 65536);
    const mods = checkpoint % 65536;
    for (const layer of this.layers.splice(depth)) this.guard(() => layer.abort?.(new Error('response attempt discarded')));
    this.tops.length = depth + 1;
    this.groups.length = depth + 1;
    const group = this.groups[depth];
    if (group !== null && group !== undefined) group.length = Math.min(group.length, mods);
    this.top = this.tops[depth];
  }

  head(status: number, headers: OutgoingHttpHeaders): void {
    this.headEntered = true;
    this.writerEnded = false;
    if (this.failed) return;
    this.guard(() => {
      this.applyGroup(this.layers.length, status, headers);
      this.top.head(status, headers);
    });
  }

  write(chunk: Buffer): boolean {
    if (this.failed) return true;
    let ok = true;
    this.guard(() => (ok = this.top.write(chunk)));
    this.ex.bytesWritten = this.sent; // the writer counted what it wrote; the client sink counts what went out
    return ok;
  }

  flush(): void {
    if (!this.failed) this.guard(() => this.top.flush());
  }

  end(): void {
    if (!this.failed) this.guard(() => this.top.end());
    this.ex.bytesWritten = this.sent;
  }

  /** Fails the response: 500 if nothing was sent, else cuts the connection; reports the error. */
  fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    const ex = this.ex;
    const res = ex.res;
    if (layerErrorChannel.hasSubscribers) layerErrorChannel.publish({ exchange: ex, error: err });
    else process.emitWarning(`response layer failed (router ${ex.routerName || '-'}): ${(err as Error)?.stack ?? String(err)}`, 'PorticoResponseLayerError');
    this.abortLayers(err instanceof Error ? err : new Error(String(err)));
    if (res.destroyed) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    this.clientEnded = true;
    ex.status = 500;
    ex.bytesWritten = INTERNAL_ERROR.length;
    // The writer may still be sending the abandoned body: close the connection once the 500 is out.
    this.original.writeHead.call(res, 500, { 'content-type': 'text/plain; charset=utf-8', 'content-length': INTERNAL_ERROR.length, connection: 'close' });
    this.original.end.call(res, ex.method === 'HEAD' ? undefined : INTERNAL_ERROR);
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.fail(err);
    }
  }

  private applyGroup(depth: number, status: number, headers: OutgoingHttpHeaders): void {
    const mods = this.groups[depth];
    if (mods === null || mods === undefined) return;
    this.groups[depth] = null;
    for (let i = mods.length - 1; i >= 0; i--) mods[i](status, headers, this.ex);
  }

  private abortLayers(err: Error): void {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i];
      try {
        layer.abort?.(err);
      } catch {
        // Already failing: a second error while releasing changes nothing for the client.
      }
    }
  }

  /** The boundary a layer at `depth` writes through: applies that depth's modifiers, guards the sink below. */
  private downstream(depth: number, below: ResponseSink): ResponseDownstream {
    const res = this.ex.res;
    return {
      exchange: this.ex,
      head: (status, headers) => {
        if (this.failed) return;
        this.guard(() => {
          this.applyGroup(depth, status, headers);
          below.head(status, headers);
        });
      },
      write: (chunk) => {
        if (this.failed) return true;
        let ok = true;
        this.guard(() => (ok = below.write(chunk)));
        return ok;
      },
      flush: () => {
        if (!this.failed) this.guard(() => below.flush());
      },
      end: () => {
        if (!this.failed) this.guard(() => below.end());
      },
      // One drain signal for the whole stack: 'drain' on the response. A writer woken by a drain meant for
      // another stage writes once, gets false again and waits again; none is ever left waiting.
      onDrain: (fn) => void res.once('drain', fn),
      drained: () => void res.emit('drain'),
      fail: (err) => this.fail(err),
    };
  }

  private implicitClientHead(): void {
    const res = this.ex.res;
    this.ex.status = res.statusCode;
    this.original.writeHead.call(res, res.statusCode, {});
  }

  /** The bottom of the stack: Node's own ServerResponse methods, as they were before the entry was installed. */
  private clientSink(res: ServerResponse): ResponseSink {
    const original = this.original;
    const ex = this.ex;
    let headFlushed = false;
    return {
      head: (status, headers) => {
        ex.status = status;
        original.writeHead.call(res, status, headers);
      },
      write: (chunk) => {
        // A layer passed body bytes without a head: write Node's implicit one here, never through the entry.
        if (!res.headersSent) this.implicitClientHead();
        this.sent += chunk.length;
        ex.bytesWritten = this.sent;
        return original.write.call(res, chunk);
      },
      flush: () => {
        if (headFlushed || !res.headersSent) return;
        headFlushed = true;
        original.flushHeaders.call(res);
      },
      end: () => {
        if (!res.headersSent) this.implicitClientHead();
        this.clientEnded = true;
        original.end.call(res);
      },
    };
  }
}
