import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Exchange } from '../http/exchange.js';
import { UpstreamError } from '../http/upstream-error.js';
import { HOP_BY_HOP, responseHeadersForClient } from './hop-by-hop.js';
import type { UpstreamTarget } from './upstream-target.js';

/**
 * Proxies a protocol upgrade (WebSocket): sends the upgrade request upstream on a dedicated connection; on 101
 * relays the handshake answer and then splices the two sockets; on any other answer relays it as a normal
 * response. Upgrades are rare and long-lived, so node:http's client is used here rather than the pools.
 */
export function relayUpgrade(ex: Exchange, target: UpstreamTarget, passHostHeader: boolean): Promise<void> {
  const up = ex.upgrade!;
  const headers: OutgoingHttpHeaders = {};
  for (const [name, v] of Object.entries(ex.headers)) {
    if (v === undefined || HOP_BY_HOP.has(name) || name === 'x-forwarded-for') continue;
    headers[name] = v;
  }
  headers.host = passHostHeader && ex.headers.host ? ex.headers.host : target.host;
  const prior = ex.headers['x-forwarded-for'];
  if (ex.appendXForwardedFor && ex.clientIp) headers['x-forwarded-for'] = prior ? `${prior}, ${ex.clientIp}` : ex.clientIp;
  else if (prior) headers['x-forwarded-for'] = prior;
  headers.connection = 'Upgrade';
  headers.upgrade = ex.headers.upgrade ?? 'websocket';
  ex.upstreamUrl = target.url;
  const u = new URL(target.origin);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise<void>((resolve, reject) => {
    const req = send({ hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || undefined, method: ex.method, path: target.pathPrefix + ex.pathAndQuery, headers, agent: false });
    req.on('upgrade', (res, upstream, upstreamHead) => {
      const out = responseHeadersForClient(res.headers);
      out.connection = 'Upgrade';
      out.upgrade = res.headers.upgrade ?? headers.upgrade;
      ex.applyResponseModifiers(101, out);
      ex.status = 101;
      let head = `HTTP/1.1 101 ${res.statusMessage || 'Switching Protocols'}\r\n`;
      for (const [k, v] of Object.entries(out)) {
        if (v === undefined) continue;
        for (const item of Array.isArray(v) ? v : [v]) head += `${k}: ${item}\r\n`;
      }
      const client = up.socket;
      client.write(head + '\r\n');
      if (upstreamHead.length > 0) client.write(upstreamHead);
      if (up.head.length > 0) upstream.write(up.head);
      upstream.pipe(client);
      client.pipe(upstream);
      // Like Go's reverse proxy: when either direction ends, the exchange is over and both sockets close
      // (waiting for a half-closed peer would leave both sides open forever).
      const close = () => {
        client.destroy();
        upstream.destroy();
        resolve();
      };
      for (const s of [client, upstream]) s.on('error', close).on('end', close).on('close', close);
    });
    req.on('response', (res) => {
      ex.sendHead(res.statusCode ?? 502, responseHeadersForClient(res.headers));
      res.pipe(ex.res);
      res.on('end', () => resolve()).on('error', () => {
        ex.res.destroy();
        resolve();
      });
    });
    req.on('error', (err) => {
      const code = (err as { code?: string }).code ?? '';
      if (ex.headSent) {
        ex.res.destroy();
        resolve();
      } else reject(new UpstreamError(502, code !== 'ECONNREFUSED', `${target.url}: ${err.message}`, { cause: err }));
    });
    req.end();
  });
}
