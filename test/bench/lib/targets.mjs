// The servers under test. Each target starts on core 0 (the proxy core) and answers on its own port; the
// upstream runs on core 1 with the load generator.
import { createServer, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startServer, CORE_PROXY, CORE_LOAD } from './processes.mjs';
import { nginxUpstreamConfig, nginxProxyConfig, haproxyConfig, porticoConfig } from './configs.mjs';

const benchDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(benchDir, '..', '..');
export const porticoBin = join(repoRoot, 'plugins', 'standard', 'bin', 'portico.js');
const server = (file) => join(benchDir, 'servers', file);

/** A free loopback port (bound then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** GETs until the server answers 200 (or `timeoutMs` passes, or the process exits). */
export async function waitReady(handle, url, headers = {}, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (handle.exited()) throw new Error(`${handle.name} exited during start-up:\n${handle.output()}`);
    const status = await new Promise((resolve) => {
      const req = request(url, { headers, agent: false }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode));
      });
      req.once('error', () => resolve(0));
      req.setTimeout(2000, () => req.destroy());
      req.end();
    });
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${handle.name} not ready at ${url} (last status ${status}):\n${handle.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts the upstream: nginx when available (one worker), else the Node fallback. */
export async function startUpstream(dir, tools) {
  const port = await freePort();
  const handle = tools.nginx
    ? startServer('upstream (nginx)', CORE_LOAD, tools.nginxPath, ['-p', dir, '-e', join(dir, 'nginx-upstream-start.log'), '-c', nginxUpstreamConfig(dir, port)])
    : startServer('upstream (node)', CORE_LOAD, process.execPath, [server('upstream.mjs'), String(port)]);
  const origin = `http://127.0.0.1:${port}`;
  await waitReady(handle, `${origin}/`);
  return { handle, origin, kind: tools.nginx ? 'nginx' : 'node' };
}

/**
 * Every target the harness knows. `start(ctx)` returns the process handle; `variant` options shape Portico's
 * configuration; `needs` names a tool that must be installed.
 */
export const TARGETS = {
  portico: { label: 'Portico', portico: {} },
  'portico-10-routers': { label: 'Portico, 10 host routers', portico: { routers: 10 }, host: 'h9.bench' },
  'portico-10000-routers': { label: 'Portico, 10,000 host routers', portico: { routers: 10000 }, host: 'h9999.bench' },
  'portico-3-middlewares': { label: 'Portico, headers+stripPrefix+rateLimit', portico: { middlewares: true }, prefix: '/bench' },
  'portico-access-log': { label: 'Portico, access log on', portico: { accessLog: true } },
  'portico-ts-header-mw': { label: 'Portico + header middleware (local TS plugin)', portico: { plugin: 'ts' } },
  'portico-wasm-header-mw': { label: 'Portico + header middleware (WASM)', portico: { plugin: 'wasm' } },
  'node-hello': { label: 'node:http hello (no proxy)', script: 'hello.mjs' },
  'node-undici': { label: 'node:http + undici (naive proxy)', script: 'undici-proxy.mjs' },
  'http-proxy': { label: 'http-proxy', script: 'http-proxy.mjs' },
  'fastify-http-proxy': { label: '@fastify/http-proxy', script: 'fastify-proxy.mjs' },
  nginx: { label: 'nginx (proxy)', needs: 'nginx' },
  haproxy: { label: 'HAProxy', needs: 'haproxy' },
};

/** Starts target `name`; resolves once it answers the profile's request with 200. */
export async function startTarget(name, { dir, upstream, tools, bodyBytes, path, cpuProfDir }) {
  const t = TARGETS[name];
  const port = await freePort();
  let handle;
  if (t.portico) {
    const apiPort = await freePort();
    const config = await porticoConfig(dir, name, { port, apiPort, upstream: upstream.origin, ...t.portico });
    const prof = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : [];
    handle = startServer(name, CORE_PROXY, process.execPath, [...prof, porticoBin, `--configFile=${config}`], { cwd: dir });
  } else if (t.script === 'hello.mjs') {
    handle = startServer(name, CORE_PROXY, process.execPath, [server(t.script), String(port), String(bodyBytes)]);
  } else if (t.script) {
    handle = startServer(name, CORE_PROXY, process.execPath, [server(t.script), String(port), upstream.origin]);
  } else if (name === 'nginx') {
    const upPort = new URL(upstream.origin).port;
    handle = startServer(name, CORE_PROXY, tools.nginxPath, ['-p', dir, '-e', join(dir, 'nginx-proxy-start.log'), '-c', nginxProxyConfig(dir, port, upPort)]);
  } else if (name === 'haproxy') {
    const upPort = new URL(upstream.origin).port;
    handle = startServer(name, CORE_PROXY, tools.haproxyPath, ['-db', '-f', haproxyConfig(dir, port, upPort)]);
  } else {
    throw new Error(`unknown target ${name}`);
  }
  // "Host" capitalised: wrk adds its own Host header unless one is spelt exactly so.
  const headers = t.host ? { Host: t.host } : {};
  const url = `http://127.0.0.1:${port}${t.prefix ?? ''}${path}`;
  await waitReady(handle, url, headers, t.portico?.routers > 1000 ? 120_000 : 30_000);
  return { name, label: t.label, handle, url, headers };
}
