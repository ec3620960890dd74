import { AsyncSeriesHook, SyncHook, SyncWaterfallHook } from 'tapable';
import type { PluginRegistry } from './plugin/registry.js';
import type { ConfigIssue } from './config/issues.js';
import type { Runtime } from './runtime/runtime.js';
import type { DynamicModel } from './runtime/model.js';

/**
 * Every hook of the kernel, in one place. They all run at configuration time (start-up, reload, shutdown),
 * never per request: the request path is plain functions composed when a runtime is built.
 */
export function createHooks() {
  return {
    /** Plugins register here (first-party and third-party alike), before static config is decoded. */
    registerPlugins: new SyncHook<[PluginRegistry]>(['registry']),
    /** Static configuration decoded and valid; last chance to inspect it before entrypoints listen. */
    staticConfigLoaded: new SyncHook<[Record<string, unknown>]>(['staticConfig']),
    /** An entrypoint is listening (name, actual address). */
    entryPointListening: new SyncHook<[string, string]>(['name', 'address']),
    /** A provider pushed a snapshot; taps may rewrite it (waterfall) before it is merged. */
    snapshotReceived: new SyncWaterfallHook<[Record<string, unknown>, string]>(['config', 'provider']),
    /** All providers' latest snapshots decoded into one model, with per-element issues. */
    configDecoded: new SyncHook<[DynamicModel]>(['model']),
    /** Configuration problems found while decoding/building (also visible in the API). */
    configIssues: new SyncHook<[ConfigIssue[]]>(['issues']),
    /** A new runtime has been built on the side (not yet serving). */
    runtimeBuilt: new SyncHook<[Runtime]>(['runtime']),
    /** The new runtime now serves requests; the previous one drains. */
    runtimeSwapped: new SyncHook<[Runtime, Runtime | undefined]>(['runtime', 'previous']),
    /** Shutdown begins: stop accepting work, flush buffers. */
    shutdown: new AsyncSeriesHook<[]>([]),
  };
}

export type Hooks = ReturnType<typeof createHooks>;
