import { createHash, timingSafeEqual } from 'node:crypto';
import { compare as bcryptCompare } from 'bcryptjs';
import { md5Crypt } from './md5-crypt.js';
import type { VerificationCache } from './verification-cache.js';

/**
 * htpasswd entries as Traefik reads them (basicUserParser + go-http-auth's CheckSecret): `name:hash`, split
 * on ':' into exactly two parts; the hash kind is chosen by prefix — `{SHA}` (SHA1), `$2a$`/`$2b$`/`$2x$`/`$2y$`
 * (bcrypt), anything else MD5-crypt (`$apr1$`, `$1$`), which a plain-text password never matches.
 */
export interface UserEntry {
  name: string;
  hash: string;
}

/** Parses one line; null when it is not exactly `name:hash`. */
export function parseUserLine(line: string): UserEntry | null {
  const colon = line.indexOf(':');
  if (colon === -1 || line.indexOf(':', colon + 1) !== -1) return null;
  return { name: line.slice(0, colon), hash: line.slice(colon + 1) };
}

export type HashKind = 'md5' | 'sha1' | 'bcrypt' | 'unmatchable';

/** Checks a password (raw bytes, as Go compares them) against one stored hash. */
export type PasswordCheck = (user: string, password: Uint8Array) => boolean | Promise<boolean>;

const MD5_SHAPE = /^\$[^$]*\$[^$]*\$[./0-9A-Za-z]{22}$/;
const SHA_SHAPE = /^\{SHA\}[A-Za-z0-9+/]{27}=$/;
const BCRYPT_SHAPE = /^\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53}$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function hashKind(hash: string): HashKind {
  if (hash.startsWith('{SHA}')) return SHA_SHAPE.test(hash) ? 'sha1' : 'unmatchable';
  if (/^\$2[abxy]\$/.test(hash)) return BCRYPT_SHAPE.test(hash) ? 'bcrypt' : 'unmatchable';
  return MD5_SHAPE.test(hash) ? 'md5' : 'unmatchable';
}

/** Builds the check for one stored hash; `cache` remembers successful slow checks (see VerificationCache). */
export function compileCheck(hash: string, cache: VerificationCache): { kind: HashKind; check: PasswordCheck } {
  const kind = hashKind(hash);
  switch (kind) {
    case 'sha1': {
      const want = Buffer.from(hash.slice(5));
      return {
        kind,
        check: (_user, password) => timingSafeEqual(Buffer.from(createHash('sha1').update(password).digest('base64')), want),
      };
    }
    case 'md5': {
      const [, magic, salt] = hash.split('$');
      const magicBytes = Buffer.from(`$${magic}$`);
      const saltBytes = Buffer.from(salt);
      const want = Buffer.from(hash);
      return {
        kind,
        check: (user, password) => {
          const key = cache.keyOf(user, password, hash);
          if (cache.hit(key)) return true;
          const got = Buffer.from(md5Crypt(password, saltBytes, magicBytes));
          const ok = got.length === want.length && timingSafeEqual(got, want);
          if (ok) cache.remember(key);
          return ok;
        },
      };
    }
    case 'bcrypt': {
      // Go treats $2x$ like $2a$; bcryptjs does not know the $2x$ label.
      const normalized = hash.startsWith('$2x$') ? `$2a$${hash.slice(4)}` : hash;
      return {
        kind,
        check: (user, password) => {
          let text: string;
          try {
            text = strictUtf8.decode(password);
          } catch {
            return false; // bcryptjs hashes UTF-8 text: bytes that are not UTF-8 cannot be what was hashed
          }
          const key = cache.keyOf(user, password, hash);
          if (cache.hit(key)) return true;
          return cache.shared(key, () => bcryptCompare(text, normalized));
        },
      };
    }
    default:
      return { kind, check: () => false };
  }
}
