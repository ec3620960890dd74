import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '@portico/sdk';

/**
 * forwardAuth `tls` → Node TLS connect options. As Traefik's ClientTLS, `ca`, `cert` and `key` are each a file
 * path or the PEM text itself (a value that names no existing file is taken as content). Read once, at
 * configuration time.
 */
export interface TlsInput {
  ca?: string;
  cert?: string;
  key?: string;
  insecureSkipVerify?: boolean;
}

export interface TlsConnectOptions {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
}

function pemOf(value: string, path: string, baseDir: string | undefined): string {
  const looksInline = value.includes('-----BEGIN');
  if (!looksInline) {
    const file = isAbsolute(value) || baseDir === undefined ? value : resolve(baseDir, value);
    if (existsSync(file)) {
      try {
        return readFileSync(file, 'utf8');
      } catch (err) {
        throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`, path);
      }
    }
    throw new ConfigError(`${JSON.stringify(value)} is neither a readable file nor PEM content`, path);
  }
  return value;
}

export function tlsConnectOptions(tls: TlsInput, baseDir?: string): TlsConnectOptions {
  const out: TlsConnectOptions = { rejectUnauthorized: tls.insecureSkipVerify !== true };
  if (tls.ca !== undefined && tls.ca !== '') out.ca = pemOf(tls.ca, 'tls.ca', baseDir);
  const hasCert = tls.cert !== undefined && tls.cert !== '';
  const hasKey = tls.key !== undefined && tls.key !== '';
  if (hasCert !== hasKey) {
    // Traefik ignores a lone cert or key silently; a half-configured mTLS is refused here (fail closed).
    throw new ConfigError('tls.cert and tls.key must be given together', hasCert ? 'tls.key' : 'tls.cert');
  }
  if (hasCert) {
    out.cert = pemOf(tls.cert!, 'tls.cert', baseDir);
    out.key = pemOf(tls.key!, 'tls.key', baseDir);
  }
  return out;
}
