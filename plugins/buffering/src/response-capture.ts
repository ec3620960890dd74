import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange } from '@portico/sdk';

type LayerFactory = Parameters<Exchange['wrapResponse']>[0];
type Downstream = Parameters<LayerFactory>[0];

/**
 * Holds a whole response back until it is complete, as oxy's buffer does: the head and body that reach this
 * response layer are kept, then sent at once with their exact length — or, when the body grew past the limit,
 * replaced by Traefik's 500 (the client never sees part of an oversized response).
 *
 * With `hold`, a complete response waits for `release()` instead of going out at its end: the buffering
 * middleware looks at it first (retryExpression) and may `reset()` it and replay the request.
 */

/** Go's http.StatusText(500), what oxy's error handler writes. */
const OVERSIZED_BODY = Buffer.from('Internal Server Error');

/** Whether a response to `method` with `status` carries a body (RFC 9110; oxy's expectBody). */
function bodyAllowed(method: string, status: number): boolean {
  return method !== 'HEAD' && !(status < 200 || status === 204 || status === 304);
}

export class ResponseCapture {
  head: { status: number; headers: OutgoingHttpHeaders } | null = null;
  /** True once the writer ended the response. */
  complete = false;
  private chunks: Buffer[] = [];
  private size = 0;
  private overflow = false;
  private down: Downstream | null = null;
  private onSettled: (() => void) | null = null;

  constructor(
    private readonly max: number,
    private hold: boolean,
  ) {}

  /** The layer to register with `ex.wrapResponse`. */
  readonly layer: LayerFactory = (down) => {
    this.down = down;
    return {
      head: (status, headers) => {
        // A second head replaces the first answer (an upstream failing mid-body answered 502 instead): the
        // body captured so far belonged to the abandoned answer.
        this.reset();
        this.head = { status, headers };
      },
      write: (chunk) => {
        this.append(chunk);
        return true;
      },
      flush: () => {},
      end: () => {
        this.complete = true;
        this.settle();
        if (!this.hold) this.release();
      },
      abort: () => {
        this.reset();
        this.settle();
      },
    };
  };

  /**
   * Resolves once the response being written is complete (or abandoned). The writer's promise may settle
   * before that: an inner layer (a compressor) still has bytes on their way here.
   */
  settled(): Promise<void> {
    if (this.complete || this.head === null) return Promise.resolve();
    return new Promise((resolve) => (this.onSettled = resolve));
  }

  private settle(): void {
    const fn = this.onSettled;
    this.onSettled = null;
    fn?.();
  }

  /** Forgets what was captured (before a replay). */
  reset(): void {
    this.head = null;
    this.chunks = [];
    this.size = 0;
    this.overflow = false;
    this.complete = false;
  }

  /** Sends the response now if it is complete, otherwise as soon as it is. */
  release(): void {
    this.hold = false;
    if (!this.complete || this.down === null) return;
    const down = this.down;
    const method = down.exchange.method;
    if (this.overflow) {
      down.head(500, { 'content-type': 'text/plain; charset=utf-8', 'content-length': OVERSIZED_BODY.length });
      if (method !== 'HEAD') down.write(OVERSIZED_BODY);
      down.end();
      return;
    }
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    if (this.head !== null) {
      const { status, headers } = this.head;
      // The whole body is known now: send it with its length instead of chunked (oxy sets ContentLength too).
      if (bodyAllowed(method, status)) {
        for (const name of Object.keys(headers)) {
          const lower = name.toLowerCase();
          if (lower === 'transfer-encoding' || lower === 'content-length') delete headers[name];
        }
        headers['content-length'] = body.length;
      }
      down.head(status, headers);
    }
    if (body.length > 0) down.write(body);
    down.end();
  }

  private append(data: Buffer): void {
    if (this.overflow || data.length === 0) return;
    this.size += data.length;
    if (this.max > 0 && this.size > this.max) {
      this.overflow = true;
      this.chunks = [];
      return;
    }
    this.chunks.push(Buffer.from(data)); // a copy: a writer may reuse its buffer once write() returned
  }
}
