// Configuration files for the servers under test, written into the run's temporary directory.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { headerPlugin } from './wasm-profile.mjs';

const asRoot = process.getuid?.() === 0;

function nginxMain(dir, name, http) {
  // `user root` only when root: nginx's default user "nobody" may have no group of that name (Debian: nogroup).
  return `${asRoot ? 'user root root;\n' : ''}daemon off;
master_process on;
worker_processes 1;
pid ${join(dir, `${name}.pid`)};
error_log ${join(dir, `${name}-error.log`)} warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${dir}/${name}-body;
  proxy_temp_path ${dir}/${name}-proxy;
  fastcgi_temp_path ${dir}/${name}-fastcgi;
  uwsgi_temp_path ${dir}/${name}-uwsgi;
  scgi_temp_path ${dir}/${name}-scgi;
  keepalive_requests 10000000;
  keepalive_timeout 75s;
${http}
}
`;
}

/** nginx as the upstream: a small body on every path, 16 KiB on /16k (a file, served with sendfile). */
export function nginxUpstreamConfig(dir, port) {
  writeFileSync(join(dir, '16k'), Buffer.alloc(16384, 'x'));
  const file = join(dir, 'nginx-upstream.conf');
  writeFileSync(file, nginxMain(dir, 'nginx-upstream', `  sendfile on;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location = /16k { default_type text/plain; root ${dir}; }
    location / { default_type text/plain; return 200 "hello world\\n"; }
  }`));
  return file;
}

/** nginx as a reverse proxy, with a keep-alive pool to the upstream (what a tuned nginx proxy looks like). */
export function nginxProxyConfig(dir, port, upstreamPort) {
  const file = join(dir, 'nginx-proxy.conf');
  writeFileSync(file, nginxMain(dir, 'nginx-proxy', `  upstream backend { server 127.0.0.1:${upstreamPort}; keepalive 128; }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering on;
    }
  }`));
  return file;
}

export function haproxyConfig(dir, port, upstreamPort) {
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, `global
  nbthread 1
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  http-reuse always
frontend fe
  bind 127.0.0.1:${port}
  default_backend be
backend be
  server s1 127.0.0.1:${upstreamPort}
`);
  return file;
}

/**
 * Portico's static and dynamic configuration (Traefik v3 format). Variants:
 *   routers: N host-based routers (Host(`h<i>.bench`)); the load hits the last one
 *   middlewares: headers + stripPrefix + rateLimit (a limit never reached) on the route, the load hits /bench/…
 *   accessLog: access log on (common format) to a file
 *   plugin: 'wasm' | 'ts': the header-setting middleware of the `wasm` profile, as a WASM module or a local TS plugin
 */
export async function porticoConfig(dir, name, { port, apiPort, upstream, routers = 0, middlewares = false, accessLog = false, plugin }) {
  const dynamicFile = join(dir, `${name}-dynamic.yml`);
  const staticFile = join(dir, `${name}.yml`);
  const http = { routers: {}, services: { up: { loadBalancer: { servers: [{ url: upstream }] } } } };
  if (routers > 0) {
    for (let i = 0; i < routers; i++) {
      http.routers[`r${i}`] = { entryPoints: ['web'], rule: `Host(\`h${i}.bench\`)`, service: 'up' };
    }
  } else {
    http.routers.all = { entryPoints: ['web'], rule: 'PathPrefix(`/`)', service: 'up' };
  }
  if (middlewares) {
    http.middlewares = {
      hdr: { headers: { customRequestHeaders: { 'X-Bench': 'on' }, customResponseHeaders: { 'X-Served-By': 'portico' } } },
      strip: { stripPrefix: { prefixes: ['/bench'] } },
      limit: { rateLimit: { average: 1_000_000_000, burst: 1_000_000_000 } },
    };
    http.routers.all.middlewares = ['hdr', 'strip', 'limit'];
  }
  const plugins = {};
  if (plugin) {
    const { entry, options } = await headerPlugin(dir, plugin);
    plugins.hdr = entry;
    http.middlewares = { ...http.middlewares, 'hdr-mw': { plugin: { hdr: options } } };
    http.routers.all.middlewares = [...(http.routers.all.middlewares ?? []), 'hdr-mw'];
  }
  // JSON is YAML: a 10,000-router file is written quickly and read by the same YAML loader.
  writeFileSync(dynamicFile, JSON.stringify({ http }));
  const staticConfig = {
    entryPoints: { web: { address: `127.0.0.1:${port}` }, traefik: { address: `127.0.0.1:${apiPort}` } },
    providers: { file: { filename: dynamicFile, watch: false } },
    api: { insecure: true },
    log: { level: 'ERROR' },
  };
  if (plugin) {
    staticConfig.plugins = plugins;
    staticConfig.pluginHost = { directory: join(dir, `${name}-plugins`) };
  }
  if (accessLog) staticConfig.accessLog = { filePath: join(dir, `${name}-access.log`) };
  writeFileSync(staticFile, JSON.stringify(staticConfig));
  return staticFile;
}
