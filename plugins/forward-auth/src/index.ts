import { ConfigError, compileGoRegexp, defineMiddleware } from '@portico/sdk';
import type { Exchange, Handler, Static } from '@portico/sdk';
import { AuthBodyTooLarge, createAuthClient, parseAddress, type AuthAnswer, type AuthClient, type AuthTarget } from './auth-client.js';
import { authRequestHeaders, type AuthRequestHeaderOptions } from './auth-request-headers.js';
import { applyGrant, relayDenial, type ResponsePlan } from './auth-response.js';
import { X_FORWARDED_HEADERS, valuesOf } from './headers.js';
import { BODY_TOO_LARGE, readRequestBody } from './request-body.js';
import { forwardAuthSchema } from './schema.js';
import { tlsConnectOptions, type TlsConnectOptions } from './tls-options.js';

/**
 * forwardAuth (Traefik pkg/middlewares/auth/forward.go): asks an authentication server about each request.
 * A 2xx answer lets the request through (with headers copied from the answer); any other answer is relayed to
 * the client as is. The call is a GET (or the request's method) carrying the request's headers and
 * X-Forwarded-* headers describing it; with forwardBody, its body too.
 */

interface Prepared {
  config: Static<typeof forwardAuthSchema>;
  target: AuthTarget;
  tls: TlsConnectOptions | null;
  copyRegex: RegExp | null;
}

/** Go's StatusClientClosedRequest: what Traefik records when the client leaves during the auth call. */
const CLIENT_CLOSED = 499;

export const forwardAuth = defineMiddleware<typeof forwardAuthSchema, Prepared>({
  type: 'forwardAuth',
  description: 'Delegates authentication to an external HTTP service: 2xx lets the request through, anything else is relayed.',
  schema: forwardAuthSchema,

  provision(config, ctx) {
    const target = parseAddress(config.address);
    if (config.tls?.caOptional !== undefined) {
      ctx.log.warn('forwardAuth tls.caOptional is deprecated and ignored: TLS client authentication is a server-side option');
    }
    const tls = config.tls === undefined ? null : tlsConnectOptions(config.tls);
    let copyRegex: RegExp | null = null;
    if ((config.authResponseHeadersRegex ?? '') !== '') {
      try {
        copyRegex = compileGoRegexp(config.authResponseHeadersRegex!);
      } catch (err) {
        throw new ConfigError(`error compiling regular expression ${config.authResponseHeadersRegex}: ${(err as Error).message}`, 'authResponseHeadersRegex');
      }
    }
    return { config, target, tls, copyRegex };
  },

  validate({ config }) {
    if ((config.maxBodySize ?? -1) < -1) throw new ConfigError('must be -1 (no limit) or a number of bytes', 'maxBodySize');
    if ((config.maxResponseBodySize ?? -1) < -1) throw new ConfigError('must be -1 (no limit) or a number of bytes', 'maxResponseBodySize');
  },

  build(prepared, ctx) {
    const { config } = prepared;
    const client = createAuthClient(prepared.target, prepared.tls, config.maxResponseBodySize ?? -1);
    ctx.onCleanup(() => client.close());
    if (config.forwardBody === true && (config.maxBodySize ?? -1) < 0) {
      ctx.log.warn('forwardAuth forwardBody without maxBodySize: request bodies of any size are read into memory');
    }

    const trust = config.trustForwardHeader;
    const requested = (config.authRequestHeaders ?? []).map((n) => n.toLowerCase());
    const headerOptions: AuthRequestHeaderOptions = {
      trustForwardHeader: trust,
      // Trusted X-Forwarded-* headers pass an allow-list too (Traefik appends the set to it).
      allowed: trust === true && requested.length > 0 ? [...new Set([...requested, ...X_FORWARDED_HEADERS])] : requested,
    };
    const plan: ResponsePlan = {
      copyHeaders: (config.authResponseHeaders ?? []).map((n) => n.toLowerCase()),
      copyRegex: prepared.copyRegex,
      authCookies: new Set(config.addAuthCookiesToResponse ?? []),
      userHeader: (config.headerField ?? '').toLowerCase(),
      preserveLocationHeader: config.preserveLocationHeader === true,
      address: config.address,
    };
    const settings: CallSettings = {
      client,
      headerOptions,
      plan,
      forwardBody: config.forwardBody === true,
      maxBodySize: config.maxBodySize ?? -1,
      preserveMethod: config.preserveRequestMethod === true,
      signinURL: config.authSigninURL ?? '',
      log: ctx.log,
    };
    return (next: Handler): Handler => (ex) => authorize(ex, next, settings);
  },
});

interface CallSettings {
  client: AuthClient;
  headerOptions: AuthRequestHeaderOptions;
  plan: ResponsePlan;
  forwardBody: boolean;
  maxBodySize: number;
  preserveMethod: boolean;
  signinURL: string;
  log: { debug(msg: string): void };
}

async function authorize(ex: Exchange, next: Handler, s: CallSettings): Promise<void> {
  let body: Buffer | null = null;
  // A CONNECT body of unknown length is tunnel data, not something to authenticate.
  const forwardBody = s.forwardBody && !(ex.method === 'CONNECT' && ex.req.headers['content-length'] === undefined);
  if (forwardBody) {
    let read: Buffer | null | typeof BODY_TOO_LARGE;
    try {
      read = await readRequestBody(ex, s.maxBodySize);
    } catch {
      ex.respond(500);
      return;
    }
    if (read === BODY_TOO_LARGE) {
      s.log.debug(`forwardAuth: request body is too large, maxBodySize: ${s.maxBodySize}`);
      ex.respond(401);
      return;
    }
    body = read;
  }

  const answer = await callAuthServer(ex, s, body);
  if (answer === null) return;

  if (s.plan.userHeader !== '') {
    const user = valuesOf(answer.headers[s.plan.userHeader])[0];
    if (user !== undefined) ex.user = user;
  }
  if (s.signinURL !== '' && answer.status === 401) {
    ex.respond(302, signinBody(ex, s.signinURL), { location: s.signinURL, 'content-type': 'text/html; charset=utf-8' });
    return;
  }
  if (answer.status < 200 || answer.status >= 300) {
    relayDenial(ex, answer, s.plan);
    return;
  }
  applyGrant(ex, answer, s.plan);
  return next(ex);
}

/** Calls the auth server; on failure answers the client itself and returns null. */
async function callAuthServer(ex: Exchange, s: CallSettings, body: Buffer | null): Promise<AuthAnswer | null> {
  const headers = authRequestHeaders(ex, s.headerOptions);
  // The call is abandoned if the client leaves (Traefik passes the request's context to the client).
  const abort = new AbortController();
  const onClose = () => abort.abort();
  ex.res.once('close', onClose);
  try {
    return await s.client.call(s.preserveMethod ? ex.method : 'GET', headers, body, abort.signal);
  } catch (err) {
    if (err instanceof AuthBodyTooLarge) {
      ex.respond(401);
    } else if (abort.signal.aborted) {
      // Nobody to answer; the status is what access logs record.
      ex.status = CLIENT_CLOSED;
    } else {
      s.log.debug(`forwardAuth: error calling the authentication server: ${(err as Error).message}`);
      ex.respond(500);
    }
    return null;
  } finally {
    ex.res.removeListener('close', onClose);
  }
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

/** Go's http.Redirect body for GET/HEAD (other methods get none). */
function signinBody(ex: Exchange, url: string): string {
  if (ex.method !== 'GET' && ex.method !== 'HEAD') return '';
  const escaped = url.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
  return `<a href="${escaped}">Found</a>.\n\n`;
}

export default [forwardAuth];
