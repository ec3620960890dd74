/**
 * @portico/plugin-wasm — WebAssembly middlewares on the Extism plugin ABI, run by Portico's own synchronous
 * host with a memory cap and a fuel budget. See docs/plugins/wasm.md.
 */
export { loadWasmMiddleware, elementConfig, DEFAULT_LIMITS, type WasmMiddlewareOptions } from './middleware.js';
export { createExtismReference, type ExtismReference, type ReferenceResult } from './reference.js';
export { WasmLoadError } from './binary/validate.js';
export { prepareModule, type PreparedModule } from './binary/prepare.js';
export { compileMiddlewareModule, clearCompileCache } from './compile-cache.js';
export { WasmInstance, MAX_VAR_BYTES, type InstanceOptions } from './host/instance.js';
export { CallState, HostFunctionError, type CallRequest } from './host/request-api.js';
export { ENV_IMPORTS, USER_IMPORTS, ENV_MODULE, USER_MODULE, ENTRY_EXPORT, FUEL_EXPORT } from './abi.js';
export { prepareWorkerModule, type WorkerModule } from './worker/prepare.js';
export { WorkerRunner, type WorkerRunnerOptions, type WorkerResult } from './worker/runner.js';
export { DEFAULT_WORKER_TIMEOUT_MS } from './worker/load.js';
export { extismHostFunctions } from './host/extism-functions.js';
