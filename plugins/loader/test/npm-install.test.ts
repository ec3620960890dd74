/**
 * The npm plugin installer against real sources: a loopback HTTP registry serving `npm pack` outputs, a local
 * registry folder, a lone .tgz. Covers resolution, integrity, compatibility, the lockfile and offline starts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installNpmPlugin, readLockfile, type InstallOptions, type NpmPluginEntry } from '../src/npm/index.js';
import { closedPort, packFixture, recordingLogger, startRegistry, type Packed, type TestRegistry } from './fixtures/npm/pack.js';

const PORTICO_VERSION = '0.1.0';
let packs: string; // folder of every packed tarball: also the "local registry path"
let v100: Packed, v120: Packed, v200: Packed, scoped: Packed, incompatible: Packed, withDeps: Packed;
let registry: TestRegistry;
/** Temporary folders made by the tests, removed at the end. */
const temps: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

before(async () => {
  packs = await tempDir('portico-npm-packs-');
  [v100, v120, v200, scoped, incompatible, withDeps] = await Promise.all([
    packFixture(packs, { version: '1.0.0' }),
    packFixture(packs, { version: '1.2.0' }),
    packFixture(packs, { version: '2.0.0' }),
    packFixture(packs, { name: '@acme/portico-plugin-fixture', version: '1.0.0' }),
    packFixture(packs, { name: 'portico-plugin-incompatible', portico: { id: 'x', kind: 'middleware', portico: '^9.0.0' } }),
    packFixture(packs, { name: 'portico-plugin-deps', dependencies: { 'left-pad': '^1.3.0' } }),
  ]);
  registry = await startRegistry([v100, v200, v120, scoped, incompatible, withDeps].sort((a, b) => a.version.localeCompare(b.version)));
});
after(async () => {
  await registry.close();
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh plugin directory and lockfile, with options pointing at the test registry. */
async function workspace(overrides: Partial<InstallOptions> = {}): Promise<InstallOptions & { logs: string[] }> {
  const dir = await tempDir('portico-npm-install-');
  const { lines, log } = recordingLogger();
  return {
    directory: join(dir, 'plugins'),
    lockFile: join(dir, 'portico-plugins.lock.json'),
    registry: registry.url,
    offline: false,
    version: PORTICO_VERSION,
    log,
    logs: lines,
    ...overrides,
  };
}

const entry = (e: Partial<NpmPluginEntry> = {}): NpmPluginEntry => ({ package: 'portico-plugin-fixture', version: '^1.0.0', ...e });

describe('resolution from each kind of source', () => {
  const cases: Array<{ description: string; entry: () => NpmPluginEntry; version: string; resolved: () => string; integrity: () => string }> = [
    {
      description: 'HTTP registry: highest version in the range, integrity as npm pack printed it',
      entry: () => entry(),
      version: '1.2.0',
      resolved: () => `${registry.url}/-/portico-plugin-fixture-1.2.0.tgz`,
      integrity: () => v120.integrity,
    },
    {
      description: 'HTTP registry: scoped package name',
      entry: () => entry({ package: '@acme/portico-plugin-fixture' }),
      version: '1.0.0',
      resolved: () => `${registry.url}/-/acme-portico-plugin-fixture-1.0.0.tgz`,
      integrity: () => scoped.integrity,
    },
    {
      description: 'local registry folder: highest version in the range',
      entry: () => entry({ registry: packs, version: '>=1.0.0 <2.0.0' }),
      version: '1.2.0',
      resolved: () => v120.file,
      integrity: () => v120.integrity,
    },
    {
      description: 'local registry folder: scoped package (npm pack names it scope-name-version.tgz)',
      entry: () => entry({ registry: packs, package: '@acme/portico-plugin-fixture' }),
      version: '1.0.0',
      resolved: () => scoped.file,
      integrity: () => scoped.integrity,
    },
    {
      description: 'local registry folder given as a file: URL',
      entry: () => entry({ registry: pathToFileURL(packs).href, version: '~1.0.0' }),
      version: '1.0.0',
      resolved: () => v100.file,
      integrity: () => v100.integrity,
    },
    {
      description: 'tarball: the file as given, integrity computed',
      entry: () => entry({ tarball: v100.file }),
      version: '1.0.0',
      resolved: () => v100.file,
      integrity: () => v100.integrity,
    },
  ];
  for (const c of cases) {
    test(c.description, async () => {
      const opts = await workspace();
      const e = c.entry();
      const installed = await installNpmPlugin('fixture', e, opts);
      assert.equal(installed.name, e.package);
      assert.equal(installed.version, c.version);
      assert.equal(installed.dir, join(opts.directory, `${e.package}@${c.version}`));
      assert.equal(installed.entryFile, join(installed.dir, 'lib', 'index.js'));
      assert.deepEqual(installed.manifest, { id: 'fixtureHeader', kind: 'middleware', portico: '^0.1.0', sample: {} });
      const lock = await readLockfile(opts.lockFile);
      assert.deepEqual(lock.plugins.fixture, { package: e.package, version: c.version, resolved: c.resolved(), integrity: c.integrity() });
    });
  }

  test('the installed entry imports @portico/sdk as the host’s own copy', async () => {
    const opts = await workspace();
    const installed = await installNpmPlugin('fixture', entry(), opts);
    const mod = (await import(pathToFileURL(installed.entryFile).href)) as { default: Array<{ kind: string; type: string }>; ConfigError: unknown };
    assert.deepEqual(mod.default.map((p) => [p.kind, p.type]), [['middleware', 'fixtureHeader']]);
    const hostSdk = await import('@portico/sdk');
    assert.equal(mod.ConfigError, hostSdk.ConfigError, 'one module instance: errors thrown by the plugin are the kernel’s ConfigError');
  });

  test('the lockfile is sorted by plugin name, 2-space JSON, one entry per plugin', async () => {
    const opts = await workspace();
    await Promise.all([installNpmPlugin('zeta', entry({ tarball: v100.file }), opts), installNpmPlugin('alpha', entry({ version: '^2.0.0' }), opts)]);
    const text = await readFile(opts.lockFile, 'utf8');
    const expected = {
      lockfileVersion: 1,
      plugins: {
        alpha: { package: 'portico-plugin-fixture', version: '2.0.0', resolved: `${registry.url}/-/portico-plugin-fixture-2.0.0.tgz`, integrity: v200.integrity },
        zeta: { package: 'portico-plugin-fixture', version: '1.0.0', resolved: v100.file, integrity: v100.integrity },
      },
    };
    assert.equal(text, `${JSON.stringify(expected, null, 2)}\n`);
  });
});

describe('refusals', () => {
  const cases: Array<{ description: string; setup: () => Promise<{ entry: NpmPluginEntry; opts: InstallOptions }>; error: RegExp[] }> = [
    {
      description: 'a tarball whose bytes do not match the registry’s integrity',
      setup: async () => {
        const bad = await startRegistry([v100], { tamper: true });
        after(() => bad.close());
        return { entry: entry(), opts: await workspace({ registry: bad.url }) };
      },
      error: [/^plugins\.fixture \(package portico-plugin-fixture\)/, /does not match the integrity/, /sha512-/],
    },
    {
      description: 'a package made for another Portico version',
      setup: async () => ({ entry: entry({ package: 'portico-plugin-incompatible' }), opts: await workspace() }),
      error: [/plugins\.fixture \(package portico-plugin-incompatible\)/, /requires Portico \^9\.0\.0/, /this is Portico 0\.1\.0/],
    },
    {
      description: 'a package with runtime dependencies',
      setup: async () => ({ entry: entry({ package: 'portico-plugin-deps' }), opts: await workspace() }),
      error: [/plugins\.fixture \(package portico-plugin-deps\)/, /left-pad/, /bundle/],
    },
    {
      description: 'no published version in the range',
      setup: async () => ({ entry: entry({ version: '^3.0.0' }), opts: await workspace() }),
      error: [/plugins\.fixture/, /no version of portico-plugin-fixture .* satisfies "\^3\.0\.0"/, /2\.0\.0, 1\.2\.0, 1\.0\.0/],
    },
    {
      description: 'a package the registry does not have',
      setup: async () => ({ entry: entry({ package: 'portico-plugin-missing' }), opts: await workspace() }),
      error: [/plugins\.fixture \(package portico-plugin-missing\): not found in the npm registry/, /404/],
    },
    {
      description: 'a tarball of another package',
      setup: async () => ({ entry: entry({ package: 'portico-plugin-other', tarball: v100.file }), opts: await workspace() }),
      error: [/contains portico-plugin-fixture@1\.0\.0, not a version of portico-plugin-other/],
    },
    {
      description: 'a tarball outside the configured range',
      setup: async () => ({ entry: entry({ tarball: v200.file }), opts: await workspace() }),
      error: [/version 2\.0\.0 does not satisfy the configured version "\^1\.0\.0"/],
    },
    {
      description: 'an invalid package name (it would also be a path)',
      setup: async () => ({ entry: entry({ package: '../../etc' }), opts: await workspace() }),
      error: [/plugins\.fixture\.package: "\.\.\/\.\.\/etc" is not a valid npm package name/],
    },
    {
      description: 'an invalid version range',
      setup: async () => ({ entry: entry({ version: 'latest-ish' }), opts: await workspace() }),
      error: [/plugins\.fixture\.version: "latest-ish" is not a semver range/],
    },
    {
      description: 'a registry URL of another scheme',
      setup: async () => ({ entry: entry({ registry: 'ftp://127.0.0.1/npm' }), opts: await workspace() }),
      error: [/plugins\.fixture\.registry: "ftp:\/\/127\.0\.0\.1\/npm" is neither an http\(s\) registry URL nor a local folder/],
    },
    {
      description: 'a registry that cannot be reached names it and suggests offline or tarball',
      setup: async () => ({ entry: entry(), opts: await workspace({ registry: `http://127.0.0.1:${await closedPort()}` }) }),
      error: [/plugins\.fixture .*cannot reach the npm registry http:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED/, /"tarball"/, /offline/],
    },
  ];
  for (const c of cases) {
    test(c.description, async () => {
      const { entry: e, opts } = await c.setup();
      const err = await installNpmPlugin('fixture', e, opts).then(
        () => assert.fail('installed'),
        (err: Error) => err,
      );
      for (const re of c.error) assert.match(err.message, re);
      assert.equal((await readLockfile(opts.lockFile)).plugins.fixture, undefined, 'nothing pinned');
    });
  }

  const hostile = ['traversal', 'absolute', 'symlink', 'hardlink', 'outside-root'];
  for (const name of hostile) {
    test(`a tarball with a hostile entry is refused as a whole: ${name}`, async () => {
      const opts = await workspace();
      const file = new URL(`./fixtures/npm/hostile/${name}.tgz`, import.meta.url).pathname;
      await assert.rejects(installNpmPlugin('fixture', entry({ tarball: file }), opts), (err: Error) => {
        assert.match(err.message, /^plugins\.fixture \(package portico-plugin-fixture\): tarball: entry ".*" .*; refusing to install it$/);
        return true;
      });
      assert.equal(existsSync(join(opts.directory, 'portico-plugin-fixture@1.0.0')), false, 'nothing extracted');
      assert.equal(existsSync(join(opts.directory, '..', 'escaped.txt')), false);
      assert.equal(existsSync(join(opts.directory, 'escaped.txt')), false);
    });
  }
});

describe('lockfile and offline starts', () => {
  test('a pinned install starts with the registry down (closed port), and with offline set', async () => {
    const opts = await workspace();
    const first = await installNpmPlugin('fixture', entry(), opts);
    const down = { ...opts, registry: `http://127.0.0.1:${await closedPort()}` };
    const again = await installNpmPlugin('fixture', entry(), down);
    assert.deepEqual(again, first);
    const offline = await installNpmPlugin('fixture', entry(), { ...down, offline: true });
    assert.deepEqual(offline, first);
  });

  test('a pinned install is used without asking the registry, even when a newer version in range appears', async () => {
    const opts = await workspace();
    await installNpmPlugin('fixture', entry({ version: '~1.0.0' }), opts);
    const before = registry.requests.length;
    const installed = await installNpmPlugin('fixture', entry({ version: '^1.0.0' }), opts);
    assert.equal(installed.version, '1.0.0', 'the pin 1.0.0 still satisfies ^1.0.0 and wins over 1.2.0');
    assert.equal(registry.requests.length, before, 'no request');
  });

  test('an extraction deleted since is restored from the kept tarball, offline', async () => {
    const opts = await workspace();
    const first = await installNpmPlugin('fixture', entry(), opts);
    await rm(first.dir, { recursive: true });
    const again = await installNpmPlugin('fixture', entry(), { ...opts, offline: true });
    assert.ok(existsSync(again.entryFile));
  });

  test('a range the pin no longer satisfies re-resolves and rewrites the pin', async () => {
    const opts = await workspace();
    await installNpmPlugin('fixture', entry(), opts);
    const installed = await installNpmPlugin('fixture', entry({ version: '^2.0.0' }), opts);
    assert.equal(installed.version, '2.0.0');
    assert.equal((await readLockfile(opts.lockFile)).plugins.fixture.version, '2.0.0');
  });

  test('another package under the same plugin name re-resolves', async () => {
    const opts = await workspace();
    await installNpmPlugin('fixture', entry(), opts);
    const installed = await installNpmPlugin('fixture', entry({ package: '@acme/portico-plugin-fixture' }), opts);
    assert.equal(installed.name, '@acme/portico-plugin-fixture');
    assert.equal((await readLockfile(opts.lockFile)).plugins.fixture.package, '@acme/portico-plugin-fixture');
  });

  test('a tarball entry whose file was replaced by another version reinstalls from it', async () => {
    const opts = await workspace();
    const file = join(await tempDir('portico-npm-tgz-'), 'plugin.tgz');
    await copyFile(v100.file, file);
    assert.equal((await installNpmPlugin('fixture', entry({ tarball: file }), opts)).version, '1.0.0');
    await copyFile(v120.file, file);
    assert.equal((await installNpmPlugin('fixture', entry({ tarball: file }), opts)).version, '1.2.0');
    await rm(file);
    assert.equal((await installNpmPlugin('fixture', entry({ tarball: file }), opts)).version, '1.2.0', 'missing file: the pin');
  });

  test('offline with nothing installed fails clearly and makes no request', async () => {
    const opts = await workspace({ offline: true });
    const before = registry.requests.length;
    await assert.rejects(installNpmPlugin('fixture', entry(), opts), (err: Error) => {
      assert.match(err.message, /^plugins\.fixture \(package portico-plugin-fixture\): not installed .* offline is set/);
      assert.match(err.message, /"tarball"/);
      return true;
    });
    assert.equal(registry.requests.length, before);
  });

  test('offline with a pin but no installed tarball fails clearly', async () => {
    const opts = await workspace();
    await installNpmPlugin('fixture', entry(), opts);
    await rm(opts.directory, { recursive: true });
    await assert.rejects(installNpmPlugin('fixture', entry(), { ...opts, offline: true }), /pinned in .* but not installed in .* offline is set/);
  });

  test('a kept tarball modified since install is refused, naming it', async () => {
    const opts = await workspace();
    await installNpmPlugin('fixture', entry(), opts);
    const kept = join(opts.directory, 'tarballs', 'portico-plugin-fixture-1.2.0.tgz');
    const bytes = await readFile(kept);
    bytes[10] ^= 0xff;
    await writeFile(kept, bytes);
    await assert.rejects(installNpmPlugin('fixture', entry(), opts), (err: Error) => {
      assert.match(err.message, /the installed tarball .*portico-plugin-fixture-1\.2\.0\.tgz does not match the integrity pinned/);
      assert.match(err.message, /delete it/);
      return true;
    });
  });

  test('a lockfile that is not JSON is an error naming it', async () => {
    const opts = await workspace();
    await mkdir(join(opts.lockFile, '..'), { recursive: true });
    await writeFile(opts.lockFile, '{ not json');
    await assert.rejects(installNpmPlugin('fixture', entry(), opts), /the plugin lockfile .*portico-plugins\.lock\.json is not valid JSON/);
  });
});
