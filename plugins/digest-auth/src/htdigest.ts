/**
 * htdigest entries as Traefik reads them (digestUserParser): `user:realm:HA1`, split on ':' into exactly three
 * parts, keyed by `user:realm`. HA1 is MD5(user:realm:password) in lower-case hex, compared as text.
 */
export interface DigestUser {
  /** `user:realm`, the lookup key. */
  key: string;
  ha1: string;
}

export function parseDigestLine(line: string): DigestUser | null {
  const parts = line.split(':');
  if (parts.length !== 3) return null;
  return { key: `${parts[0]}:${parts[1]}`, ha1: parts[2] };
}

