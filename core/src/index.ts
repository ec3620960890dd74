// Public surface of the kernel. Plugins should import @portico/sdk instead, which re-exports what they need.
export { Exchange, statusText } from './http/exchange.js';
export type { Handler, MiddlewareFactory, ResponseModifier } from './http/exchange.js';
export type { ResponseLayer, ResponseLayerFactory, ResponseDownstream, ResponseSink } from './http/response-layer.js';
export { UpstreamError } from './http/upstream-error.js';
// The per-request pipeline of an entrypoint without its server (used by @portico/sdk/testing's inject()).
export { answerFailure } from './http/answer-failure.js';
export { buildExchangeStarter, runHandler } from './entrypoint/request-pipeline.js';
export type { ExchangeStarter, RequestPipelineOptions } from './entrypoint/request-pipeline.js';
export { ConfigError } from './plugin/types.js';
export type {
  ElementContext,
  MiddlewarePlugin,
  Plugin,
  ProviderContext,
  ProviderPlugin,
  ProviderSnapshot,
} from './plugin/types.js';
export { decode } from './schema/decode.js';
export type { DecodeIssue, DecodeResult } from './schema/decode.js';
export { s } from './schema/types.js';
export { parseDuration } from './config/duration.js';
export { Portico } from './kernel.js';
export type { KernelOptions } from './kernel.js';
export { PluginRegistry } from './plugin/registry.js';
export { createHooks } from './hooks.js';
export type { Hooks } from './hooks.js';
export { validateConfiguration } from './validate.js';
export type { ValidationReport } from './validate.js';
export { loadStaticConfig, loadPluginSection } from './config/static/load.js';
export type { LoadedStaticConfig, LoadedPluginSection, StaticConfigInput } from './config/static/load.js';
export { pluginEntrySchema, pluginHostSchema, checkPluginEntries, normalizePluginEntry } from './config/static/plugins-schema.js';
export type { PluginEntry, PluginHostConfig } from './config/static/plugins-schema.js';
export { buildStaticSchema } from './config/static/schema.js';
export type { StaticConfig } from './config/static/schema.js';
export { parseCommandLine } from './cli/args.js';
export { renderHelp } from './cli/help.js';
export { formatIssue } from './config/issues.js';
export type { ConfigIssue } from './config/issues.js';
export { createLogger } from './log/logger.js';
export type { Runtime, RouterInfo } from './runtime/runtime.js';
export { optionsTable } from './schema/docs.js';
export { listOptions } from './config/static/options.js';
export type { OptionDoc } from './config/static/options.js';
export { parseListenAddress } from './config/static/address.js';
