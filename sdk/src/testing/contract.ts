import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind } from '@sinclair/typebox';
import { ConfigError, decode, listOptions } from '@portico/core';
import type { MiddlewarePlugin, Plugin, ProviderPlugin } from '@portico/core';
import { buildMiddleware } from './build.js';
import { inject, type InjectRequest } from './inject.js';
import { checkManifest, readManifest, type PluginManifest } from './manifest.js';
import { createTestContext } from './test-context.js';

/** A key no plugin declares: the contract checks the schema refuses it, with its key path. */
const UNKNOWN_KEY = 'porticoContractUnknownKey';

export interface ContractOptions {
  /** Per-request time limit for the sample request (ms); default 5000. */
  timeoutMs?: number;
}

/**
 * Registers the contract every plugin passes, run on its manifest's `sample` config (a `node:test` suite):
 *
 * - the manifest is valid (id, kind, a `portico` range that parses and admits this Portico, a sample map);
 * - the package exports the plugin the manifest names;
 * - the schema accepts the sample, refuses an unknown key with its key path, and describes every option
 *   (reference docs are generated from it);
 * - middleware: the sample goes through decode → provision → validate → build, a request injected through
 *   it is answered (2xx–4xx, no throw, no hang), and its cleanups run;
 * - provider: `load()` (when the plugin has it) returns a snapshot from an empty temporary folder.
 *
 * `manifest` is the package.json (path or URL) or the manifest itself.
 */
/** A manifest the contract can run: `sample` is required and a map. */
type SampledManifest = PluginManifest & { sample: Record<string, unknown> };

export function contractTest(plugins: Plugin | readonly Plugin[], manifest: string | URL | PluginManifest, opts: ContractOptions = {}): void {
  const list: readonly Plugin[] = Array.isArray(plugins) ? plugins : [plugins as Plugin];
  let loaded: SampledManifest | Error;
  try {
    loaded = typeof manifest === 'string' || manifest instanceof URL ? readManifest(manifest instanceof URL ? fileURLToPath(manifest) : manifest) : checkManifest(manifest);
  } catch (err) {
    loaded = err as Error;
  }
  const title = loaded instanceof Error ? 'plugin contract' : `plugin contract: ${loaded.kind} ${loaded.id}`;
  const need = (): SampledManifest => {
    if (loaded instanceof Error) throw loaded;
    return loaded;
  };
  const pluginOf = (): Plugin => {
    const m = need();
    const found = list.find((p) => p.kind === m.kind && (p.kind === 'middleware' ? p.type : p.name) === m.id);
    const names = list.map((p) => `${p.kind} ${p.kind === 'middleware' ? p.type : p.name}`).join(', ') || 'nothing';
    if (found === undefined) throw new Error(`the manifest names ${m.kind} "${m.id}" but the package exports ${names}`);
    return found;
  };

  describe(title, () => {
    test('the manifest is valid: id, kind, a portico range admitting this version, a sample config', () => {
      need();
    });
    test('the package exports the plugin the manifest names', () => {
      pluginOf();
    });
    test('the schema accepts the sample config', () => {
      const { issues } = decode(pluginOf().schema, need().sample);
      assert.deepEqual(issues, [], 'the sample config does not decode');
    });
    test('the schema refuses an unknown key, naming its key path', async () => {
      const plugin = pluginOf();
      if (plugin.schema[Kind] !== 'Object') return; // a map of user-chosen names accepts any key by design
      const bad = { ...need().sample, [UNKNOWN_KEY]: true };
      const { issues } = decode(plugin.schema, bad);
      assert.ok(issues.some((i) => i.path === UNKNOWN_KEY), `no issue at ${UNKNOWN_KEY}: ${JSON.stringify(issues)}`);
      if (plugin.kind === 'middleware') {
        const err = await buildMiddleware({ plugin, config: bad }).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(err instanceof ConfigError, 'building with an unknown key must fail with a ConfigError');
        assert.equal(err.path, UNKNOWN_KEY);
      }
    });
    test('the plugin and every option have a description (reference docs)', () => {
      const plugin = pluginOf();
      assert.ok(typeof plugin.description === 'string' && plugin.description !== '', 'the plugin has no description');
      const undocumented = listOptions(plugin.schema).filter((o) => o.description.trim() === '').map((o) => o.path);
      assert.deepEqual(undocumented, [], 'options without a description');
    });

    if (loaded instanceof Error || loaded.kind === 'middleware') {
      test('the sample config builds (decode → provision → validate → build) and its cleanups run', async () => {
        const plugin = pluginOf() as MiddlewarePlugin;
        const built = await buildMiddleware({ plugin, config: need().sample });
        assert.equal(typeof built.factory, 'function');
        await built.context.runCleanups();
        assert.equal(built.context.pendingCleanups, 0);
      });
      const requests: InjectRequest[] = [
        { method: 'GET', path: '/', headers: { accept: '*/*' } },
        { method: 'POST', path: '/contract/path?q=1', headers: { 'content-type': 'application/json' }, body: '{"contract":true}' },
        { method: 'HEAD', path: '/head' },
      ];
      for (const request of requests) {
        test(`a ${request.method ?? "GET"} request with the sample config is answered (not 5xx) and does not hang`, async () => {
          const plugin = pluginOf() as MiddlewarePlugin;
          const res = await inject({ plugin, config: need().sample }, request, { timeoutMs: opts.timeoutMs ?? 5000, upstream: { status: 200, body: 'contract upstream' } });
          assert.equal(res.error, undefined, `the middleware threw: ${(res.error as Error)?.stack ?? String(res.error)}`);
          assert.equal(res.aborted, false, 'the connection was cut');
          assert.ok(res.status >= 200 && res.status < 500, `answered ${res.status} ${res.text.slice(0, 200)}`);
        });
      }
    } else {
      test('load() reads a snapshot from an empty temporary folder', async (t) => {
        const plugin = pluginOf() as ProviderPlugin;
        if (plugin.load === undefined) {
          t.skip('the provider has no load()');
          return;
        }
        const { value, issues } = decode(plugin.schema, need().sample);
        assert.deepEqual(issues, []);
        const dir = mkdtempSync(join(tmpdir(), 'portico-contract-'));
        try {
          const ctx = createTestContext({ element: `contract@${plugin.name}` });
          const snap = await plugin.load(value, { name: plugin.name, log: ctx.log, baseDir: dir });
          assert.ok(typeof snap === 'object' && snap !== null && typeof snap.config === 'object' && snap.config !== null, 'load() must return {config: {...}}');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
}
