// Public surface of the kernel. Plugins should import @portico/sdk instead, which re-exports what they need.
export { Exchange, statusText } from './http/exchange.js';
export type { Handler, MiddlewareFactory, ResponseModifier } from './http/exchange.js';
export { UpstreamError } from './http/upstream-error.js';
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
