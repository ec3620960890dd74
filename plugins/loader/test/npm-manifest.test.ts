/**
 * The pieces of an npm plugin install that are pure functions of package.json or bytes: the `portico`
 * manifest, Portico compatibility, the entry module, self-containment, integrity strings, lockfile text.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCompatible, manifestOf, readManifest, type PluginManifest } from '../src/manifest.js';
import { checkIntegrity, integrityOf } from '../src/npm/integrity.js';
import { formatLockfile } from '../src/npm/lockfile.js';
import { checkSelfContained, entryFileOf } from '../src/npm/package-json.js';

/** Temporary folders made by the tests, removed at the end. */
const temps: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
after(() => Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true }))));

const valid = { id: 'requestId', kind: 'middleware', portico: '^0.1.0', sample: { headerName: 'X-Id' } };

describe('manifest', () => {
  const rejected: Array<{ description: string; portico: unknown; error: RegExp }> = [
    { description: 'no manifest at all', portico: undefined, error: /pkg has no "portico" manifest in its package.json, so it is not a Portico plugin/ },
    { description: 'manifest not an object', portico: 'requestId', error: /field "portico" must be an object/ },
    { description: 'id missing', portico: { ...valid, id: undefined }, error: /"portico\.id" must be the plugin type name.*\(it is missing\)/ },
    { description: 'id not an identifier', portico: { ...valid, id: 'request id' }, error: /"portico\.id" .*got "request id"/ },
    { description: 'kind unknown', portico: { ...valid, kind: 'filter' }, error: /"portico\.kind" must be one of "middleware", "provider" \(got "filter"\)/ },
    { description: 'portico range missing', portico: { ...valid, portico: undefined }, error: /"portico\.portico" must be a semver range .*\(it is missing\)/ },
    { description: 'portico range invalid', portico: { ...valid, portico: 'one point oh' }, error: /"portico\.portico" must be a semver range/ },
    { description: 'unknown field (a typo of sample)', portico: { ...valid, sampel: {} }, error: /"portico\.sampel" is unknown/ },
  ];
  for (const c of rejected) {
    test(`rejected: ${c.description}`, () => {
      assert.throws(() => manifestOf({ name: 'x', portico: c.portico }, 'pkg'), (err: Error) => {
        assert.match(err.message, c.error);
        assert.match(err.message, /^pkg/, 'names the package first');
        return true;
      });
    });
  }

  test('accepted: fields copied, sample optional', () => {
    assert.deepEqual(manifestOf({ portico: valid }, 'pkg'), valid);
    assert.deepEqual(manifestOf({ portico: { id: 'p', kind: 'provider', portico: '>=0.1.0' } }, 'pkg'), { id: 'p', kind: 'provider', portico: '>=0.1.0' });
  });

  test('readManifest names the package and its folder', async () => {
    const dir = await tempDir('portico-manifest-');
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'portico-plugin-x', portico: { ...valid, kind: 'nope' } }));
    await assert.rejects(readManifest(dir), new RegExp(`^Error: package portico-plugin-x \\(${dir}\\): package.json field "portico.kind"`));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'portico-plugin-x', portico: valid }));
    assert.deepEqual(await readManifest(dir), valid);
    await assert.rejects(readManifest(join(dir, 'missing')), /cannot read .*missing\/package.json/);
  });
});

describe('checkCompatible', () => {
  const cases: Array<{ description: string; range: string; portico: string; ok: boolean }> = [
    { description: 'caret range, same minor', range: '^0.1.0', portico: '0.1.7', ok: true },
    { description: 'caret on 0.x excludes the next minor', range: '^0.1.0', portico: '0.2.0', ok: false },
    { description: 'pre-release of a version in range counts', range: '^0.1.0', portico: '0.1.1-rc.1', ok: true },
    { description: 'open range', range: '>=0.1.0', portico: '3.0.0', ok: true },
    { description: 'union of ranges', range: '^0.1.0 || ^1.0.0', portico: '1.4.0', ok: true },
    { description: 'older Portico', range: '^0.3.0', portico: '0.1.0', ok: false },
  ];
  for (const c of cases) {
    test(`${c.description}: ${c.portico} in ${c.range} → ${c.ok ? 'compatible' : 'refused'}`, () => {
      const manifest: PluginManifest = { id: 'x', kind: 'middleware', portico: c.range };
      if (c.ok) checkCompatible(manifest, c.portico);
      else {
        assert.throws(() => checkCompatible(manifest, c.portico, 'plugins.x (package p)'), (err: Error) => {
          assert.match(err.message, new RegExp(`^plugins\\.x \\(package p\\) requires Portico .*, but this is Portico ${c.portico.replace(/\./g, '\\.')}`));
          return true;
        });
      }
    });
  }
});

describe('entry module', () => {
  const cases: Array<{ description: string; pkg: Record<string, unknown>; entry?: string; error?: RegExp }> = [
    { description: 'exports["."].import', pkg: { exports: { '.': { types: './a.d.ts', import: './dist/a.js', require: './b.cjs' } } }, entry: 'dist/a.js' },
    { description: 'exports["."].default', pkg: { exports: { '.': { default: './dist/a.js' } } }, entry: 'dist/a.js' },
    { description: 'nested conditions', pkg: { exports: { '.': { node: { import: './dist/a.js' } } } }, entry: 'dist/a.js' },
    { description: 'exports as a string', pkg: { exports: './dist/a.js' }, entry: 'dist/a.js' },
    { description: 'exports as conditions without "."', pkg: { exports: { import: './dist/a.js' } }, entry: 'dist/a.js' },
    { description: 'main when there are no exports', pkg: { main: 'dist/a.js' }, entry: 'dist/a.js' },
    { description: 'neither', pkg: {}, error: /names no entry module/ },
    { description: 'a file not in the package', pkg: { main: './dist/missing.js' }, error: /"main" names \.\/dist\/missing\.js, which is not in the package; was it built/ },
    { description: 'a path outside the package', pkg: { exports: { '.': './../x.js' } }, error: /points outside the package/ },
    { description: 'only a require condition', pkg: { exports: { '.': { require: './b.cjs' } } }, error: /names no entry module/ },
  ];
  for (const c of cases) {
    test(c.description, async () => {
      const dir = await tempDir('portico-entry-');
      await mkdir(join(dir, 'dist'));
      await writeFile(join(dir, 'dist', 'a.js'), '');
      if (c.error !== undefined) assert.throws(() => entryFileOf(c.pkg, dir, 'pkg'), c.error);
      else assert.equal(entryFileOf(c.pkg, dir, 'pkg'), join(dir, c.entry!));
    });
  }
});

describe('self-contained packages', () => {
  const cases: Array<{ description: string; pkg: Record<string, unknown>; bundled?: string[]; error?: RegExp }> = [
    { description: 'sdk as a peer only', pkg: { peerDependencies: { '@portico/sdk': '^0.1.0' } } },
    { description: 'runtime dependencies', pkg: { dependencies: { a: '1', b: '2' } }, error: /runtime dependencies \(a, b\) .*bundle them/ },
    { description: 'optional dependencies', pkg: { optionalDependencies: { a: '1' } }, error: /runtime optionalDependencies \(a\)/ },
    { description: 'sdk as a dependency', pkg: { dependencies: { '@portico/sdk': '^0.1.0' } }, error: /move it to "peerDependencies"/ },
    { description: 'other peers', pkg: { peerDependencies: { react: '*' } }, error: /peerDependencies other than @portico\/sdk \(react\)/ },
    { description: 'bundleDependencies present in the package', pkg: { dependencies: { a: '1' }, bundleDependencies: ['a'] }, bundled: ['a'] },
    { description: 'bundleDependencies: true', pkg: { dependencies: { a: '1' }, bundleDependencies: true }, bundled: ['a'] },
    { description: 'bundled but missing', pkg: { dependencies: { a: '1' }, bundleDependencies: ['a'] }, error: /lists a in "bundleDependencies" but the package has no node_modules\/a/ },
    { description: 'devDependencies do not matter', pkg: { devDependencies: { typescript: '5' } } },
  ];
  for (const c of cases) {
    test(c.description, async () => {
      const dir = await tempDir('portico-deps-');
      for (const b of c.bundled ?? []) {
        await mkdir(join(dir, 'node_modules', b), { recursive: true });
        await writeFile(join(dir, 'node_modules', b, 'package.json'), '{}');
      }
      if (c.error !== undefined) assert.throws(() => checkSelfContained(c.pkg, dir, 'pkg'), c.error);
      else checkSelfContained(c.pkg, dir, 'pkg');
    });
  }
});

describe('integrity strings', () => {
  const data = Buffer.from('plugin bytes');
  const b64 = (alg: string, d: Buffer = data) => createHash(alg).update(d).digest('base64');
  const cases: Array<{ description: string; sri: string; ok: boolean | RegExp }> = [
    { description: 'sha512 match', sri: `sha512-${b64('sha512')}`, ok: true },
    { description: 'sha512 mismatch', sri: `sha512-${b64('sha512', Buffer.from('other'))}`, ok: /^expected sha512-.* got sha512-/ },
    { description: 'strongest algorithm decides', sri: `sha1-${b64('sha1')} sha512-${b64('sha512', Buffer.from('x'))}`, ok: /expected sha512/ },
    { description: 'several hashes of one algorithm: any may match', sri: `sha512-AAAA sha512-${b64('sha512')}`, ok: true },
    { description: 'SRI options ignored', sri: `sha256-${b64('sha256')}?foo`, ok: true },
    { description: 'old sha1 only', sri: `sha1-${b64('sha1')}`, ok: true },
    { description: 'unknown algorithm', sri: `md5-${b64('md5')}`, ok: /names no supported hash/ },
  ];
  for (const c of cases) {
    test(c.description, () => {
      const result = checkIntegrity(data, c.sri);
      if (c.ok === true) assert.equal(result, undefined);
      else assert.match(result ?? '', c.ok as RegExp);
    });
  }
  test('integrityOf gives the sha512 SRI form', () => {
    assert.equal(integrityOf(data), `sha512-${b64('sha512')}`);
  });
});

test('lockfile text: plugins sorted, fields in a fixed order, trailing newline', () => {
  const text = formatLockfile({
    lockfileVersion: 1,
    plugins: {
      b: { integrity: 'sha512-b', resolved: '/b.tgz', version: '1.0.0', package: 'pb' },
      a: { version: '2.0.0', package: 'pa', resolved: 'http://r/a.tgz', integrity: 'sha512-a' },
    },
  });
  assert.equal(
    text,
    [
      '{',
      '  "lockfileVersion": 1,',
      '  "plugins": {',
      '    "a": {',
      '      "package": "pa",',
      '      "version": "2.0.0",',
      '      "resolved": "http://r/a.tgz",',
      '      "integrity": "sha512-a"',
      '    },',
      '    "b": {',
      '      "package": "pb",',
      '      "version": "1.0.0",',
      '      "resolved": "/b.tgz",',
      '      "integrity": "sha512-b"',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
});
