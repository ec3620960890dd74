/**
 * The host's side of the kernel (kernel.wat): allocates blocks in the kernel's arena and moves strings and
 * bytes in and out. Short strings are copied with plain loops (cheaper than a native call for a header
 * name); longer ones go through Buffer's native latin1/utf8 codecs on a view reused until memory grows.
 */
import { KERNEL_WASM_BASE64 } from '../kernel/kernel-bytes.js';
import { HostFunctionError } from './request-api.js';

interface KernelExports {
  memory: WebAssembly.Memory;
  reset(): void;
  set_cap(bytes: number): void;
  set_input(h: number): void;
  alloc32(n: number): number;
}

let kernelModule: WebAssembly.Module | undefined;

export function getKernelModule(): WebAssembly.Module {
  return (kernelModule ??= new WebAssembly.Module(Buffer.from(KERNEL_WASM_BASE64, 'base64')));
}

const SHORT = 32;

export class KernelMemory {
  readonly exports: KernelExports & Record<string, WebAssembly.ExportValue>;
  private buf: Buffer;

  constructor(capBytes: number) {
    const instance = new WebAssembly.Instance(getKernelModule(), {});
    this.exports = instance.exports as unknown as KernelMemory['exports'];
    this.exports.set_cap(capBytes);
    this.buf = Buffer.from(this.exports.memory.buffer);
  }

  private view(): Buffer {
    const ab = this.exports.memory.buffer;
    if (this.buf.buffer !== ab) this.buf = Buffer.from(ab);
    return this.buf;
  }

  /** Length of block `h` (its start is `Number(h)`), checked against the arena; throws for a bad handle. */
  private blockLength(fn: string, buf: Buffer, start: number): number {
    if (start < 16 || start > buf.length) throw new HostFunctionError(`${fn}: invalid memory handle ${start}`);
    const len = buf[start - 8] | (buf[start - 7] << 8) | (buf[start - 6] << 16) | (buf[start - 5] << 24);
    if (len < 0 || start + len > buf.length) throw new HostFunctionError(`${fn}: invalid memory handle ${start}`);
    return len;
  }

  alloc(fn: string, n: number): number {
    const h = this.exports.alloc32(n);
    if (h === 0) throw new HostFunctionError(`${fn}: the per-call memory limit is exhausted (${n} bytes requested)`);
    return h;
  }

  /** A block's bytes as a latin1 string (request data: wire bytes); null for handle 0. */
  readLatin1(fn: string, h: bigint): string | null {
    if (h === 0n) return null;
    const buf = this.view();
    const start = Number(h);
    const len = this.blockLength(fn, buf, start);
    if (len <= SHORT) {
      let s = '';
      for (let i = start, end = start + len; i < end; i++) s += String.fromCharCode(buf[i]);
      return s;
    }
    return buf.toString('latin1', start, start + len);
  }

  /** A block's bytes as UTF-8 (config keys, vars, logs, errors); short ASCII strings skip the decoder. */
  readUtf8(fn: string, h: bigint): string | null {
    if (h === 0n) return null;
    const buf = this.view();
    const start = Number(h);
    const len = this.blockLength(fn, buf, start);
    if (len <= SHORT) {
      let s = '';
      for (let i = start, end = start + len; i < end; i++) {
        const c = buf[i];
        if (c >= 0x80) return buf.toString('utf8', start, start + len);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return buf.toString('utf8', start, start + len);
  }

  /** A copy of a block's bytes; null for handle 0. */
  readBytes(fn: string, h: bigint, len?: number): Uint8Array | null {
    if (h === 0n) return null;
    const buf = this.view();
    const start = Number(h);
    const have = this.blockLength(fn, buf, start);
    const n = len === undefined ? have : Math.min(len, have);
    return Uint8Array.prototype.slice.call(buf, start, start + n);
  }

  writeLatin1(fn: string, s: string): bigint {
    const n = s.length;
    const h = this.alloc(fn, n);
    const buf = this.view();
    if (n <= SHORT) for (let i = 0; i < n; i++) buf[h + i] = s.charCodeAt(i);
    else buf.write(s, h, n, 'latin1');
    return BigInt(h);
  }

  writeUtf8(fn: string, s: string): bigint {
    return this.writeBytes(fn, Buffer.from(s, 'utf8'));
  }

  writeBytes(fn: string, b: Uint8Array): bigint {
    const n = b.length;
    const h = this.alloc(fn, n);
    const buf = this.view();
    if (n <= SHORT) for (let i = 0; i < n; i++) buf[h + i] = b[i];
    else buf.set(b, h);
    return BigInt(h);
  }
}
