import type { Logger } from 'pino';
import type { Exchange, Handler } from '../http/exchange.js';
import type { MirroringConfig } from '../config/dynamic/schema.js';
import { ALWAYS_HEALTHY } from './service-status.js';
import type { ChildService, CompositeBuild } from './service-build.js';
import { mirrorExchange, readBodyUpTo, snapshotOf, type MirrorSnapshot } from './mirror-request.js';

interface Mirror {
  readonly name: string;
  readonly handler: Handler;
  readonly percent: number;
  /** Requests copied to this mirror so far (Traefik's count, compared against the service's total). */
  count: number;
}

/**
 * Mirroring service (Traefik v3 `mirroring`): every request goes to the main service, whose answer the client
 * gets; a share of them (`percent` per mirror) is copied to mirror services, whose answers are discarded.
 *
 * The mirror never slows or fails the main request: copies are dispatched fire-and-forget once the main
 * service is done (as Traefik, so mirrors never compete with the main request), their errors logged at debug.
 * With `mirrorBody` (default) a request with a body is buffered first, up to `maxBodySize` (-1: unlimited),
 * and both the main service and the mirrors send the buffer; a larger body is streamed to the main service
 * untouched and not mirrored. Without `mirrorBody`, mirrors get the request without its body.
 *
 * Selection is Traefik's deterministic counter: request n goes to a mirror when `count*100 < n*percent`, so
 * 10 % is exactly every tenth request. `healthCheck: {}` makes the service report its main service's health.
 */
export function buildMirroring(cfg: MirroringConfig, main: ChildService, mirrorChildren: ChildService[], log: Logger): CompositeBuild {
  const warnings: CompositeBuild['warnings'] = [];
  const mirrors: Mirror[] = mirrorChildren.map((child, i) => ({ name: child.name, handler: child.handler, percent: cfg.mirrors?.[i]?.percent ?? 0, count: 0 }));
  const toMain = main.handler;
  let total = 0;
  const active = (): Mirror[] | null => {
    total++;
    let out: Mirror[] | null = null;
    for (const m of mirrors) {
      if (m.count * 100 < total * m.percent) {
        m.count++;
        (out ??= []).push(m);
      }
    }
    return out;
  };

  const fire = (snap: MirrorSnapshot, targets: Mirror[]) => {
    for (const m of targets) {
      let ex: Exchange;
      try {
        ex = mirrorExchange(snap);
        ex.serviceName = m.name;
        Promise.resolve(m.handler(ex)).catch((err: unknown) => log.debug({ err, mirror: m.name }, 'mirrored request failed'));
      } catch (err) {
        log.debug({ err, mirror: m.name }, 'mirrored request failed');
      }
    }
  };

  /** Runs the main service, then copies the request to the mirrors unless the client went away meanwhile. */
  const serve = (ex: Exchange, snap: MirrorSnapshot, targets: Mirror[]): void | Promise<void> => {
    const after = () => {
      if (ex.res.destroyed && !ex.res.writableFinished) {
        log.debug({ service: ex.serviceName }, 'no mirroring: the client went away during the main request');
        return;
      }
      fire(snap, targets);
    };
    let result: void | Promise<void>;
    try {
      result = toMain(ex);
    } catch (err) {
      after();
      throw err;
    }
    if (result === undefined) {
      after();
      return;
    }
    return result.then(after, (err: unknown) => {
      after();
      throw err;
    });
  };

  const mirrorBody = cfg.mirrorBody;
  const limit = cfg.maxBodySize;
  const handler: Handler = (ex) => {
    const targets = active();
    if (targets === null || ex.upgrade !== null) return toMain(ex);
    const snap = snapshotOf(ex);
    if (!mirrorBody) return serve(ex, snap, targets);
    if (ex.body !== null) {
      if (limit >= 0 && ex.body.length > limit) return toMain(ex);
      snap.body = ex.body;
      return serve(ex, snap, targets);
    }
    if (!hasBody(ex)) return serve(ex, snap, targets);
    return readBodyUpTo(ex.req, limit).then((read) => {
      if (read.kind === 'tooLarge') {
        log.debug({ service: ex.serviceName }, 'no mirroring: the request body is larger than maxBodySize');
        return toMain(ex);
      }
      if (read.kind === 'failed') {
        // The client's upload broke: nothing sensible can be forwarded anywhere.
        log.debug({ err: read.error }, 'no mirroring: reading the request body failed');
        if (!ex.res.destroyed) ex.respond(400, 'Bad Request');
        return;
      }
      ex.body = read.body;
      snap.body = read.body;
      return serve(ex, snap, targets);
    });
  };

  let status = ALWAYS_HEALTHY;
  let healthChecked = false;
  if (cfg.healthCheck !== undefined) {
    // Traefik's mirroring passes its main service's status through unchanged.
    healthChecked = main.healthChecked;
    if (healthChecked) status = main.status;
    else warnings.push({ path: main.path, message: `service "${main.name}" is not health-checked, so this mirroring service has no health to report (a parent that needs it will refuse it)` });
  }
  return { handler, status, healthChecked, warnings, close: () => {} };
}

function hasBody(ex: Exchange): boolean {
  const h = ex.req.headers;
  if (h['transfer-encoding'] !== undefined) return true;
  const cl = h['content-length'];
  return cl !== undefined && cl !== '0';
}
