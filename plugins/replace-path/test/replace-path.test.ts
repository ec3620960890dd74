import { test } from 'node:test';
import assert from 'node:assert/strict';
import plugins from '../src/index.js';
import { createInjector, runCases } from '@portico/sdk/testing';
import {
  describeConformance,
  findPlugin,
  runOnce,
  type TestRequest,
} from '../../../test/helpers/middleware-harness.js';

const plugin = findPlugin(plugins, 'replacePath');

async function run(config: Record<string, unknown>, request: TestRequest) {
  const { res, calls, ctx } = await runOnce(plugin, config, request);
  return { res, calls, warnings: ctx.warnings };
}

describeConformance('replacePath', plugin);

// The path table, the per-request error and the configuration errors live in cases.yaml.
runCases(new URL('./cases.yaml', import.meta.url), plugins);

test('malformed escape in path: the per-request error is logged as a warning', async () => {
  const injector = await createInjector({ plugin: plugins, config: { path: '/a%zz' } });
  try {
    const res = await injector.inject({ path: '/x' });
    assert.equal(res.status, 500);
    assert.match(injector.elements[0].context.warnings.join(), /invalid URL escape/);
  } finally {
    await injector.cleanup();
  }
});
