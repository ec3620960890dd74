/**
 * Builds the Traefik-format configuration a conformance file runs against: one entrypoint per case on a
 * reserved loopback port, routers bound to their entrypoint, services pointing at fake upstreams, middlewares
 * exactly as the case gives them. The static file enables the insecure API on an entrypoint named `traefik`
 * and the file provider on the dynamic file.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { PortReservations } from '../helpers/ports.js';

export interface RouterSpec {
  rule: string;
  ruleSyntax?: 'v2' | 'v3';
  priority?: number;
  middlewares?: string[];
  service: string;
}

export class ConfigBuilder {
  private readonly entryPoints = new Map<string, number>();
  /** Entrypoints that trust the client's X-Forwarded-* headers (forwardedHeaders.insecure). */
  private readonly trusting = new Set<string>();
  private readonly routers: Record<string, Record<string, unknown>> = {};
  private readonly services: Record<string, unknown> = {};
  private readonly middlewares: Record<string, unknown> = {};

  constructor(private readonly ports: PortReservations) {}

  /** Adds an entrypoint on a fresh loopback port and returns the port. */
  /**
   * `trustForwardedHeaders`: the entrypoint keeps the client's X-Forwarded-* headers. Middleware unit tests in
   * Traefik call the middleware directly, with no entrypoint stage stripping them; this reproduces that view.
   */
  async addEntryPoint(name: string, opts: { trustForwardedHeaders?: boolean } = {}): Promise<number> {
    if (name === 'traefik' || this.entryPoints.has(name)) throw new Error(`entrypoint ${name} already defined`);
    const port = await this.ports.reserve();
    this.entryPoints.set(name, port);
    if (opts.trustForwardedHeaders) this.trusting.add(name);
    return port;
  }

  /** A router bound to exactly one entrypoint. */
  addRouter(name: string, entryPoint: string, spec: RouterSpec): void {
    if (name in this.routers) throw new Error(`router ${name} already defined`);
    if (!this.entryPoints.has(entryPoint)) throw new Error(`router ${name}: unknown entrypoint ${entryPoint}`);
    const router: Record<string, unknown> = { entryPoints: [entryPoint], rule: spec.rule };
    if (spec.ruleSyntax === 'v2') router.ruleSyntax = 'v2';
    if (spec.priority !== undefined) router.priority = spec.priority;
    if (spec.middlewares?.length) router.middlewares = spec.middlewares;
    router.service = spec.service;
    this.routers[name] = router;
  }

  /** A load-balancer service over `urls`, in order. */
  addService(name: string, urls: string[]): void {
    if (name in this.services) throw new Error(`service ${name} already defined`);
    this.services[name] = { loadBalancer: { servers: urls.map((url) => ({ url })) } };
  }

  /** A middleware of `type` (`stripPrefix`, `headers`...) with the options as given. */
  addMiddleware(name: string, type: string, options: unknown): void {
    if (name in this.middlewares) throw new Error(`middleware ${name} already defined`);
    this.middlewares[name] = { [type]: options };
  }

  hasMiddleware(name: string): boolean {
    return name in this.middlewares;
  }

  get routerCount(): number {
    return Object.keys(this.routers).length;
  }

  get entryPointPorts(): number[] {
    return [...this.entryPoints.values()];
  }

  dynamicConfig(): Record<string, unknown> {
    const http: Record<string, unknown> = { routers: this.routers, services: this.services };
    if (Object.keys(this.middlewares).length > 0) http.middlewares = this.middlewares;
    return { http };
  }

  staticConfig(apiPort: number, dynamicFile: string): Record<string, unknown> {
    const entryPoints: Record<string, { address: string; forwardedHeaders?: { insecure: boolean } }> = { traefik: { address: `127.0.0.1:${apiPort}` } };
    for (const [name, port] of this.entryPoints) {
      entryPoints[name] = { address: `127.0.0.1:${port}` };
      if (this.trusting.has(name)) entryPoints[name].forwardedHeaders = { insecure: true };
    }
    return {
      entryPoints,
      providers: { file: { filename: dynamicFile, watch: false } },
      api: { insecure: true },
      log: { level: 'ERROR' },
    };
  }

  /** Writes static.yml and dynamic.yml into `dir`; returns the static file's path. */
  async write(dir: string, apiPort: number): Promise<string> {
    const dynamicFile = join(dir, 'dynamic.yml');
    const staticFile = join(dir, 'static.yml');
    await writeFile(dynamicFile, stringify(this.dynamicConfig(), { lineWidth: 0 }));
    await writeFile(staticFile, stringify(this.staticConfig(apiPort, dynamicFile), { lineWidth: 0 }));
    return staticFile;
  }
}
