import { parse as parseYaml } from 'yaml';

export interface FetchOptions {
  endpoint: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Aborted when the proxy stops. */
  signal?: AbortSignal;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * One poll: GET the endpoint and parse its answer as dynamic configuration. JSON is what Traefik's HTTP
 * provider reads; YAML is accepted too (by Content-Type, or when the body is not JSON). Throws a message
 * that names the endpoint on any failure (status, timeout, syntax, not a map).
 */
export async function fetchConfig(o: FetchOptions): Promise<Record<string, unknown>> {
  const signal = o.signal ? AbortSignal.any([o.signal, AbortSignal.timeout(o.timeoutMs)]) : AbortSignal.timeout(o.timeoutMs);
  let res: Response;
  try {
    res = await fetch(o.endpoint, { headers: o.headers, signal });
  } catch (err) {
    const e = err as Error;
    const why = e.name === 'TimeoutError' ? `no answer within ${o.timeoutMs} ms (pollTimeout)` : ((e.cause as Error | undefined)?.message ?? e.message);
    throw new Error(`cannot fetch ${o.endpoint}: ${why}`);
  }
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${o.endpoint} answered ${res.status}, expected 200`);
  const type = res.headers.get('content-type') ?? '';
  let parsed: unknown;
  try {
    parsed = /yaml/i.test(type) ? parseYaml(text) : parseJsonOrYaml(text);
  } catch (err) {
    throw new Error(`${o.endpoint}: the answer is not valid JSON or YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined || parsed === '') return {};
  if (!isMap(parsed)) throw new Error(`${o.endpoint}: the answer must be a map of dynamic configuration (http, tcp, …)`);
  return parsed;
}

function parseJsonOrYaml(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return parseYaml(text);
  }
}
