/**
 * @portico/sdk/testing — test a plugin without sockets: `inject()` a request through a middleware (or a chain)
 * with the proxy's own per-request code and a fake upstream, run `cases.yaml` tables, and run the contract test
 * every plugin passes on its manifest's sample config. See docs/plugins/testing.md.
 */
export { inject, createInjector } from './inject.js';
export type { InjectTarget, InjectRequest, InjectOptions, InjectResponse, Injector } from './inject.js';
export { fakeUpstream } from './fake-upstream.js';
export type { FakeUpstream, UpstreamAnswer, UpstreamCall, UpstreamResponder } from './fake-upstream.js';
export { buildMiddleware, buildChain, configErrorOf, middlewarePluginOf, ConfigDecodeError } from './build.js';
export type { MiddlewareUnderTest, BuiltMiddleware } from './build.js';
export { createTestContext, standInService } from './test-context.js';
export type { TestContext, TestContextOptions, LogEntry } from './test-context.js';
export { memoryConnection } from './memory-http.js';
export { runCases, runCase, compareHeaders, loadCases, normalizeCases } from './cases.js';
export type { Case, CaseExpect, UpstreamExpect, CasesDocument, RunCasesOptions } from './cases.js';
export { readManifest, checkManifest, manifestProblems, porticoVersion } from './manifest.js';
export type { PluginManifest } from './manifest.js';
export { contractTest } from './contract.js';
export type { ContractOptions } from './contract.js';
