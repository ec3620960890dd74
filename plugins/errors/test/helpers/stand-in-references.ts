/**
 * The test kit's contexts (`@portico/sdk/testing`) do not resolve references yet (ElementContext.service is
 * optional; the kernel always provides it). For the generic contract and cases.yaml, this wraps the plugin so
 * its context resolves every service name to a stand-in error-page service: a 200 text/html page saying which
 * service and path were asked, so cases can assert both.
 */
import type { ElementContext, Handler, MiddlewarePlugin, Plugin } from '@portico/sdk';

export const standInService = (name: string): Handler => (ex) => {
  const body = Buffer.from(`page ${ex.pathAndQuery} from ${name}`);
  ex.sendHead(200, { 'content-type': 'text/html', 'content-length': body.length });
  ex.bytesWritten += body.length;
  ex.res.end(body);
};

export function withStandInServices(plugins: readonly Plugin[]): Plugin[] {
  return plugins.map((p) => {
    if (p.kind !== 'middleware') return p;
    const m = p as MiddlewarePlugin;
    // Always this page service (the kit's own stand-in answers a fixed text these cases do not assert).
    const wrap = (ctx: ElementContext): ElementContext => Object.assign(Object.create(ctx) as ElementContext, { service: (name: string) => standInService(name) });
    return {
      ...m,
      validate: m.validate && ((prepared: unknown, ctx: ElementContext) => m.validate!(prepared, wrap(ctx))),
      build: (prepared: unknown, ctx: ElementContext) => m.build(prepared, wrap(ctx)),
    };
  });
}
