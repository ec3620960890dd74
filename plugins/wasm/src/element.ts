/**
 * One configured element of a WASM middleware: owns (at most) one instance, created on the first request and
 * dropped after any trap, fuel exhaustion or host-function error so the next request gets a fresh one.
 * Each request runs `handle_request` synchronously, then applies what the guest asked for.
 */
import { statusText, type Exchange, type Handler } from '@portico/sdk';
import { WasmInstance, type InstanceOptions, type Logger } from './host/instance.js';
import { HostFunctionError } from './host/request-api.js';

export interface ElementIdentity {
  /** Static plugin name (`plugins.<name>`). */
  plugin: string;
  /** Qualified element name (`x@file`). */
  element: string;
  file: string;
}

export class WasmElement {
  private instance: WasmInstance | null = null;
  /** Instances created so far (tests check recreation). */
  instancesCreated = 0;

  constructor(
    private readonly id: ElementIdentity,
    private readonly instanceOptions: InstanceOptions,
    private readonly log: Logger,
  ) {}

  handle(ex: Exchange, next: Handler): void | Promise<void> {
    let inst = this.instance;
    if (inst === null) {
      try {
        inst = this.instance = new WasmInstance(this.instanceOptions);
        this.instancesCreated++;
      } catch (err) {
        return this.fail(ex, `instantiation failed: ${errorText(err)}`);
      }
    }
    let rc: number;
    try {
      rc = inst.call(ex);
    } catch (err) {
      this.instance = null;
      return this.fail(ex, describeFailure(err, inst, this.instanceOptions.fuel));
    }
    const st = inst.state;
    if (rc !== 0) return this.fail(ex, `handle_request returned ${rc}${st.error === null ? '' : `: ${st.error}`}`);
    return applyGuestDecision(ex, next, st.respondStatus, st.respondBody, st.responseHeaders);
  }

  private fail(ex: Exchange, reason: string): void {
    this.log.error({ plugin: this.id.plugin, element: this.id.element, file: this.id.file }, `wasm middleware ${this.id.element} (plugin ${this.id.plugin}) failed: ${reason}`);
    ex.respond(500, statusText[500]);
  }

  close(): void {
    this.instance = null;
  }
}

/**
 * Applies what the guest asked for: response headers (on whichever response goes out), then either its own
 * answer or the next handler. Shared by both runtimes.
 */
export function applyGuestDecision(
  ex: Exchange,
  next: Handler,
  respondStatus: number,
  respondBody: Uint8Array | null,
  responseHeaders: Array<[string, string]> | null,
): void | Promise<void> {
  if (responseHeaders !== null) {
    ex.onResponseHead((_status, headers) => {
      for (let i = 0; i < responseHeaders.length; i++) headers[responseHeaders[i][0]] = responseHeaders[i][1];
    });
  }
  if (respondStatus !== 0) {
    ex.respond(respondStatus, respondBody === null ? '' : Buffer.from(respondBody.buffer, respondBody.byteOffset, respondBody.length), {});
    return;
  }
  return next(ex);
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Why a call threw, for the log: out of fuel, a trap (with the guest's error_set message), or a host function misuse. */
function describeFailure(err: unknown, inst: WasmInstance, fuel: number): string {
  const guestMessage = inst.state.error === null ? '' : ` (${inst.state.error})`;
  if (err instanceof WebAssembly.RuntimeError && inst.fuelExhausted) return `fuel exhausted: more than ${fuel} loop iterations and calls`;
  if (err instanceof WebAssembly.RuntimeError) return `trap: ${err.message}${guestMessage}`;
  if (err instanceof HostFunctionError) return `host function error: ${err.message}`;
  if (err instanceof RangeError) return `${err.message}${guestMessage}`;
  return `${errorText(err)}${guestMessage}`;
}
