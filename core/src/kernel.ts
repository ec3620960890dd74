import { layerErrorChannel } from './http/response-pipeline.js';
import type { Exchange } from './http/exchange.js';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { createHooks, type Hooks } from './hooks.js';
import { PluginRegistry } from './plugin/registry.js';
import type { ProviderSnapshot } from './plugin/types.js';
import type { StaticConfig } from './config/static/schema.js';
import { parseListenAddress } from './config/static/address.js';
import { parseDuration } from './config/duration.js';
import { formatIssue, type ConfigIssue } from './config/issues.js';
import { HttpEntryPoint } from './entrypoint/http-entrypoint.js';
import { Aggregator } from './watcher/aggregator.js';
import { buildRuntime } from './runtime/build.js';
import { StatePool } from './runtime/element-context.js';
import { PoolCache, DEFAULT_TRANSPORT, type TransportOptions } from './proxy/upstream-target.js';
import { internalRoute, redirectionHandler } from './runtime/internal-routes.js';
import { apiHandler } from './api/api-handler.js';
import { routerTable } from './runtime/router-table.js';
import type { Route, Runtime } from './runtime/runtime.js';
import type { EntryPointRoutingDef } from './runtime/build-routers.js';
import { startAccessLog } from './log/access-log.js';

export interface KernelOptions {
  config: StaticConfig;
  /** Folder relative paths resolve against (the static config file's folder). */
  baseDir: string;
  log: Logger;
  version: string;
  /** Registers plugins (first-party and third-party) before anything starts. */
  plugins?: (registry: PluginRegistry) => void;
}

/** serversTransport.rootCAs entries are PEM content or a file path (Traefik's FileOrContent). */
function readCa(entry: string): string {
  if (entry.includes('-----BEGIN')) return entry;
  try {
    return readFileSync(entry, 'utf8');
  } catch (err) {
    throw new Error(`serversTransport.rootCAs: cannot read ${JSON.stringify(entry)}: ${(err as Error).message}`);
  }
}

const ms = (d: string | number | undefined, fallback = 0) => (d === undefined ? fallback : parseDuration(d));

/**
 * The kernel: owns entrypoints, providers, the aggregator and the current runtime. Everything it runs per
 * request was built by buildRuntime(); reloads build a new runtime on the side and swap it in.
 */
export class Portico {
  readonly hooks: Hooks = createHooks();
  readonly registry = new PluginRegistry();
  private readonly entryPoints = new Map<string, HttpEntryPoint>();
  private readonly addresses = new Map<string, string>();
  private readonly statePool = new StatePool();
  private readonly pools = new PoolCache();
  private readonly transport: TransportOptions;
  private readonly abort = new AbortController();
  private aggregator: Aggregator | undefined;
  private runtime: Runtime | undefined;
  private generation = 0;
  private stopping = false;
  /** The snapshots of the last apply, for rebuilding the runtime when plugins change (watch mode). */
  private lastSnapshots: Map<string, ProviderSnapshot> | undefined;
  /** Applies run one at a time: the aggregator's and rebuild()'s. */
  private applying: Promise<void> = Promise.resolve();
  private stopAccessLog: (() => void) | undefined;
  /** Logs response-layer failures (a plugin's body transform threw): the request failed, the proxy goes on. */
  private readonly onLayerError = (msg: unknown): void => {
    const { exchange, error } = msg as { exchange: Exchange; error: unknown };
    this.log.error({ err: error, router: exchange.routerName, service: exchange.serviceName, path: exchange.path }, 'response layer failed');
  };

  constructor(private readonly opts: KernelOptions) {
    this.hooks.registerPlugins.tap('options', (r) => opts.plugins?.(r));
    this.hooks.registerPlugins.call(this.registry);
    const st = opts.config.serversTransport;
    this.transport = {
      ...DEFAULT_TRANSPORT,
      insecureSkipVerify: st?.insecureSkipVerify ?? false,
      dialTimeoutMs: ms(st?.forwardingTimeouts?.dialTimeout, DEFAULT_TRANSPORT.dialTimeoutMs),
      responseHeaderTimeoutMs: ms(st?.forwardingTimeouts?.responseHeaderTimeout, 0),
      idleConnTimeoutMs: ms(st?.forwardingTimeouts?.idleConnTimeout, DEFAULT_TRANSPORT.idleConnTimeoutMs),
      ca: (st?.rootCAs ?? []).map((entry) => readCa(entry)),
    };
  }

  get log(): Logger {
    return this.opts.log;
  }

  /** The runtime currently serving (undefined before the first configuration is applied). */
  get current(): Runtime | undefined {
    return this.runtime;
  }

  /** Actual listening addresses by entrypoint name (useful with port 0). */
  get listening(): ReadonlyMap<string, string> {
    return this.addresses;
  }

  private routingDefs(): EntryPointRoutingDef[] {
    return Object.entries(this.opts.config.entryPoints).map(([name, ep]) => ({
      name,
      isDefault: ep.asDefault === true,
      middlewares: ep.http?.middlewares ?? [],
    }));
  }

  /** Routes the kernel adds: api@internal, ping@internal and entrypoint redirections. */
  private internalRoutes(): Map<string, Route[]> {
    const cfg = this.opts.config;
    const out = new Map<string, Route[]>();
    const add = (ep: string, r: Route) => (out.get(ep) ?? out.set(ep, []).get(ep)!).push(r);
    if (cfg.api?.insecure) {
      const base = (cfg.api.basePath ?? '/').replace(/\/$/, '');
      const handler = apiHandler({
        current: () => this.runtime,
        entryPoints: () => [...this.addresses].map(([name, address]) => ({ name, address })),
        version: this.opts.version,
      });
      const strip = base === '' ? handler : (ex: Parameters<typeof handler>[0]) => ((ex.path = ex.path.slice(base.length) || '/'), handler(ex));
      add('traefik', internalRoute('api@internal', `PathPrefix(\`${base}/api\`)`, strip));
    }
    if (cfg.ping && !cfg.ping.manualRouting) {
      const code = cfg.ping.terminatingStatusCode ?? 503;
      add(cfg.ping.entryPoint ?? 'traefik', internalRoute('ping@internal', 'PathPrefix(`/ping`)', (ex) => {
        if (this.stopping) ex.respond(code, 'Service Unavailable');
        else ex.respond(200, 'OK');
      }));
    }
    for (const [name, ep] of Object.entries(cfg.entryPoints)) {
      const r = ep.http?.redirections?.entryPoint;
      if (!r) continue;
      const target = r.to.startsWith(':') ? undefined : cfg.entryPoints[r.to];
      const port = r.to.startsWith(':') ? Number(r.to.slice(1)) : target ? parseListenAddress(target.address).port : 0;
      add(name, internalRoute(`${name}-to-${r.to}@internal`, 'HostRegexp(`^.+$`)', redirectionHandler({ scheme: r.scheme, port, permanent: r.permanent }), r.priority));
    }
    return out;
  }

  /** Builds a runtime from snapshots without serving it: used by reloads and by `portico validate`. */
  async build(snapshots: Map<string, ProviderSnapshot>): Promise<Runtime> {
    this.pools.beginGeneration();
    const rt = await buildRuntime({
      generation: ++this.generation,
      snapshots,
      registry: this.registry,
      entryPoints: this.routingDefs(),
      internalRoutes: this.internalRoutes(),
      defaultRuleSyntax: this.opts.config.core?.defaultRuleSyntax ?? 'v3',
      precedence: this.opts.config.providers.precedence ?? [],
      log: this.log,
      statePool: this.statePool,
      dispatcherFor: (origin) => this.pools.get(origin, this.transport),
      onDecoded: (model) => this.hooks.configDecoded.call(model),
    });
    this.hooks.runtimeBuilt.call(rt);
    return rt;
  }

  /** Applies a new set of provider snapshots: build on the side, swap, retire the old generation. */
  apply(snapshots: Map<string, ProviderSnapshot>): Promise<void> {
    const run = this.applying.then(() => this.applyNow(snapshots));
    this.applying = run.catch(() => undefined);
    return run;
  }

  /**
   * Rebuilds the runtime from the last applied configuration, e.g. after a plugin was re-registered (a local
   * plugin rebuilt in watch mode). Does nothing before the first configuration or after stop().
   */
  rebuild(): Promise<void> {
    // Queued like an apply, and reads the snapshots when it runs: an apply queued before it is not undone.
    const run = this.applying.then(() => (this.lastSnapshots === undefined || this.stopping ? undefined : this.applyNow(this.lastSnapshots)));
    this.applying = run.catch(() => undefined);
    return run;
  }

  private async applyNow(snapshots: Map<string, ProviderSnapshot>): Promise<void> {
    this.lastSnapshots = snapshots;
    const rt = await this.build(snapshots);
    if (rt.issues.length > 0) {
      this.hooks.configIssues.call(rt.issues);
      for (const issue of rt.issues) (issue.severity === 'error' ? this.log.error : this.log.warn).call(this.log, formatIssue(issue));
    }
    const previous = this.runtime;
    this.runtime = rt;
    for (const [name, ep] of this.entryPoints) ep.handler = rt.handlers.get(name) ?? routerTable([]);
    this.statePool.retain(new Set([...rt.model.middlewares.keys(), ...rt.model.services.keys(), ...rt.model.routers.keys()]));
    this.hooks.runtimeSwapped.call(rt, previous);
    this.log.info({ generation: rt.generation, routers: rt.routers.size }, 'configuration applied');
    if (previous) {
      // In-flight requests of the old generation hold their own closures; resources go after a grace period.
      const t = setTimeout(() => {
        void previous.cleanups.run(this.log);
        void this.pools.retireUnused();
      }, 30_000);
      t.unref();
    }
  }

  /** Opens the entrypoints (serving 404 until the first configuration arrives), then starts the providers. */
  async start(): Promise<void> {
    const cfg = this.opts.config;
    this.hooks.staticConfigLoaded.call(cfg as unknown as Record<string, unknown>);
    if (cfg.accessLog) this.stopAccessLog = startAccessLog({ ...cfg.accessLog, filePath: cfg.accessLog.filePath || undefined });
    layerErrorChannel.subscribe(this.onLayerError);
    const internal = this.internalRoutes();
    for (const [name, ep] of Object.entries(cfg.entryPoints)) {
      const { protocol } = parseListenAddress(ep.address);
      if (protocol === 'udp') throw new Error(`entryPoints.${name}.address: UDP entrypoints are not supported yet`);
      const t = ep.transport?.respondingTimeouts;
      const server = new HttpEntryPoint(
        {
          name,
          address: ep.address,
          forwardedHeaders: ep.forwardedHeaders ?? {},
          readTimeoutMs: ms(t?.readTimeout, 60_000),
          writeTimeoutMs: ms(t?.writeTimeout, 0),
          idleTimeoutMs: ms(t?.idleTimeout, 180_000),
          maxHeaderBytes: ep.http?.maxHeaderBytes ?? 1048576,
          keepAliveMaxRequests: ep.transport?.keepAliveMaxRequests ?? 0,
          sanitizePath: ep.http?.sanitizePath ?? true,
          log: this.log,
        },
        routerTable(internal.get(name) ?? []),
      );
      this.entryPoints.set(name, server);
      let address: string;
      try {
        address = await server.listen();
      } catch (err) {
        throw new Error(`entryPoints.${name}.address: cannot listen on ${ep.address}: ${(err as Error).message}`);
      }
      this.addresses.set(name, address);
      this.hooks.entryPointListening.call(name, address);
      this.log.info({ entryPoint: name, address }, 'entrypoint listening');
    }
    await this.startProviders();
  }

  private async startProviders(): Promise<void> {
    const cfg = this.opts.config;
    const names = Object.keys(cfg.providers).filter((k) => this.registry.providers.has(k) && cfg.providers[k] !== undefined);
    this.aggregator = new Aggregator(ms(cfg.providers.providersThrottleDuration, 2000), (snaps) => this.apply(snaps), names);
    if (names.length === 0) await this.apply(new Map());
    for (const name of names) {
      const plugin = this.registry.providers.get(name)!;
      const log = this.log.child({ provider: name });
      await plugin.start(cfg.providers[name], {
        name,
        log,
        signal: this.abort.signal,
        baseDir: this.opts.baseDir,
        push: (snap) => this.aggregator!.push(name, { ...snap, config: this.hooks.snapshotReceived.call(snap.config, name) }),
        fail: (e) => log.error({ source: e.source }, `provider ${name}: ${e.message}; keeping its previous configuration`),
      });
    }
  }

  /** Resolves when every configuration pushed so far is serving. */
  async settled(): Promise<void> {
    await this.aggregator?.settled();
  }

  /** Graceful stop: ping turns to 503, entrypoints stop accepting and drain within their grace period. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.hooks.shutdown.promise();
    const cfg = this.opts.config;
    const acceptGrace = Math.max(0, ...Object.values(cfg.entryPoints).map((ep) => ms(ep.transport?.lifeCycle?.requestAcceptGraceTimeout, 0)));
    if (acceptGrace > 0) await new Promise((r) => setTimeout(r, acceptGrace));
    this.abort.abort();
    this.aggregator?.stop();
    this.log.debug('closing entrypoints');
    await Promise.all(
      [...this.entryPoints].map(([name, ep]) => ep.close(ms(cfg.entryPoints[name]?.transport?.lifeCycle?.graceTimeOut, 10_000))),
    );
    this.log.debug('entrypoints closed');
    await this.runtime?.cleanups.run(this.log);
    await this.pools.closeAll();
    this.log.debug('pools closed');
    this.stopAccessLog?.();
    layerErrorChannel.unsubscribe(this.onLayerError);
  }
}

export type { ConfigIssue };
