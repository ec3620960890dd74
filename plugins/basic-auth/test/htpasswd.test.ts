import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { md5 } from '../src/md5.js';
import { md5Crypt } from '../src/md5-crypt.js';
import { compileCheck, hashKind, parseUserLine } from '../src/htpasswd.js';
import { usersFileLines } from '@portico/sdk';
import { parseBasicAuth } from '../src/basic-credentials.js';
import { VerificationCache } from '../src/verification-cache.js';

const APR1_TEST = '$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/'; // "test", from Traefik's tests
const BCRYPT_TEST = '$2a$04$.8sTYfcxbSplCtoxt5TdJOgpBYkarKtZYsYfYxQ1edbYRuO1DNi0e'; // "test", from Traefik's tests
const SHA_TEST = '{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M='; // "test"

describe('md5 (pure JS) agrees with node:crypto', () => {
  const lengths = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000];
  for (const len of lengths) {
    test(`message of ${len} bytes`, () => {
      const msg = randomBytes(len);
      assert.equal(Buffer.from(md5(msg)).toString('hex'), createHash('md5').update(msg).digest('hex'));
    });
  }
});

describe('md5Crypt', () => {
  const cases = [
    { desc: 'apr1 from Traefik tests (test)', password: 'test', hash: APR1_TEST },
    { desc: 'apr1 from Traefik tests (test2)', password: 'test2', hash: '$apr1$d9hr9HBB$4HxwgUir3HP4EsggP/QNo0' },
    { desc: 'apr1 from Traefik tests (overridden)', password: 'overridden', hash: '$apr1$mK.GtItK$ncnLYvNLek0weXdxo68690' },
    { desc: '$1$ md5-crypt (openssl passwd -1)', password: 'hello', hash: '$1$abcdefgh$rwnEbRiN0agqVgZBovWNQ/' },
    { desc: 'short salt, UTF-8 password (openssl passwd -apr1)', password: 'hélloé', hash: '$apr1$xyz$/kBFhfL8BUJBwUuDtsl2g/' },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const [, magic, salt] = c.hash.split('$');
      assert.equal(md5Crypt(Buffer.from(c.password), Buffer.from(salt), Buffer.from(`$${magic}$`)), c.hash);
    });
  }
});

describe('hashKind', () => {
  const cases: Array<[string, string, ReturnType<typeof hashKind>]> = [
    ['apr1', APR1_TEST, 'md5'],
    ['md5-crypt $1$', '$1$abcdefgh$rwnEbRiN0agqVgZBovWNQ/', 'md5'],
    ['SHA1', SHA_TEST, 'sha1'],
    ['bcrypt $2a$', BCRYPT_TEST, 'bcrypt'],
    ['bcrypt $2y$', BCRYPT_TEST.replace('$2a$', '$2y$'), 'bcrypt'],
    ['bcrypt $2x$ (Go treats it as $2a$)', BCRYPT_TEST.replace('$2a$', '$2x$'), 'bcrypt'],
    ['plain text', 'test', 'unmatchable'],
    ['truncated bcrypt', '$2y$04$short', 'unmatchable'],
    ['SHA-crypt $5$ (not in Traefik’s go-http-auth)', '$5$rounds=5000$salt$abc', 'unmatchable'],
    ['{SHA} with a wrong length', '{SHA}abc', 'unmatchable'],
  ];
  for (const [desc, hash, kind] of cases) test(desc, () => assert.equal(hashKind(hash), kind));
});

describe('compileCheck', () => {
  const cases = [
    { desc: 'apr1, right password', hash: APR1_TEST, password: 'test', ok: true },
    { desc: 'apr1, wrong password', hash: APR1_TEST, password: 'tesT', ok: false },
    { desc: 'SHA1, right password', hash: SHA_TEST, password: 'test', ok: true },
    { desc: 'SHA1, wrong password', hash: SHA_TEST, password: 'nope', ok: false },
    { desc: 'bcrypt $2a$, right password', hash: BCRYPT_TEST, password: 'test', ok: true },
    { desc: 'bcrypt $2y$, right password', hash: BCRYPT_TEST.replace('$2a$', '$2y$'), password: 'test', ok: true },
    { desc: 'bcrypt $2b$, right password', hash: BCRYPT_TEST.replace('$2a$', '$2b$'), password: 'test', ok: true },
    { desc: 'bcrypt $2x$, right password', hash: BCRYPT_TEST.replace('$2a$', '$2x$'), password: 'test', ok: true },
    { desc: 'bcrypt, wrong password', hash: BCRYPT_TEST, password: 'test ', ok: false },
    { desc: 'plain-text entry never matches, even the same text', hash: 'test', password: 'test', ok: false },
    { desc: 'md5-shaped entry, empty password', hash: APR1_TEST, password: '', ok: false },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const { check } = compileCheck(c.hash, new VerificationCache());
      assert.equal(await check('user', Buffer.from(c.password)), c.ok);
    });
  }

  test('bcrypt rejects a password that is not UTF-8 without hashing it', async () => {
    const { check } = compileCheck(BCRYPT_TEST, new VerificationCache());
    assert.equal(check('user', Buffer.from([0xff, 0xfe])), false);
  });
});

describe('VerificationCache', () => {
  test('a successful slow check is remembered; a failed one is not', async () => {
    const cache = new VerificationCache();
    const { check } = compileCheck(BCRYPT_TEST, cache);
    assert.equal(await check('u', Buffer.from('wrong')), false);
    assert.equal(cache.size, 0);
    const first = check('u', Buffer.from('test'));
    assert.ok(first instanceof Promise, 'first check hashes');
    assert.equal(await first, true);
    assert.equal(check('u', Buffer.from('test')), true, 'second check answers from the cache, synchronously');
    assert.equal(check('other', Buffer.from('test')) instanceof Promise, true, 'another user name is another key');
  });

  test('concurrent identical checks share one computation', async () => {
    const cache = new VerificationCache();
    let runs = 0;
    const slow = () =>
      new Promise<boolean>((resolve) => {
        runs++;
        setTimeout(() => resolve(true), 20);
      });
    const key = cache.keyOf('u', Buffer.from('p'), 'h');
    const [a, b] = await Promise.all([cache.shared(key, slow), cache.shared(key, slow)]);
    assert.deepEqual([a, b, runs], [true, true, 1]);
    assert.equal(cache.hit(key), true);
  });

  test('keys do not collide when the user/password boundary moves', () => {
    const cache = new VerificationCache();
    const pairs: Array<[string, string]> = [
      ['viewer', 'admin:test'],
      ['viewer:admin', 'test'],
      ['ab', 'cd'],
      ['a', 'bcd'],
      ['', 'viewer'],
      ['viewer', ''],
    ];
    const keys = new Set(pairs.map(([u, p]) => cache.keyOf(u, Buffer.from(p), BCRYPT_TEST)));
    assert.equal(keys.size, pairs.length);
  });

  test('the LRU bound holds', () => {
    const cache = new VerificationCache(3);
    for (const k of ['a', 'b', 'c', 'd']) cache.remember(k);
    assert.equal(cache.size, 3);
    assert.equal(cache.hit('a'), false, 'oldest entry evicted');
    assert.equal(cache.hit('d'), true);
  });
});

describe('parseUserLine', () => {
  const cases: Array<[string, string, { name: string; hash: string } | null]> = [
    ['name:hash', 'test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/', { name: 'test', hash: APR1_TEST }],
    ['no separator', 'test', null],
    ['two separators (Traefik splits on every ":")', 'a:b:c', null],
    ['empty hash is still name:hash', 'a:', { name: 'a', hash: '' }],
  ];
  for (const [desc, line, want] of cases) test(desc, () => assert.deepEqual(parseUserLine(line), want));
});

test('usersFileLines trims, skips blanks and # comments, keeps line numbers', () => {
  assert.deepEqual(usersFileLines('#c\n\n  a:b  \r\n# x\nc:d'), [
    { line: 'a:b', lineNumber: 3 },
    { line: 'c:d', lineNumber: 5 },
  ]);
});

describe('parseBasicAuth (Go Request.BasicAuth)', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const cases: Array<[string, string | undefined, { user: string; password: string } | null]> = [
    ['standard', `Basic ${b64('test:test')}`, { user: 'test', password: 'test' }],
    ['scheme is case-insensitive', `bAsIc ${b64('u:p')}`, { user: 'u', password: 'p' }],
    ['password keeps later colons', `Basic ${b64('u:p:q')}`, { user: 'u', password: 'p:q' }],
    ['empty user and password', `Basic ${b64(':')}`, { user: '', password: '' }],
    ['CR/LF inside the base64 are ignored', `Basic ${b64('test:test').slice(0, 4)}\r\n${b64('test:test').slice(4)}`, { user: 'test', password: 'test' }],
    ['no header', undefined, null],
    ['other scheme', `Bearer ${b64('u:p')}`, null],
    ['no space after scheme', `Basic${b64('u:p')}`, null],
    ['no colon', `Basic ${b64('userpass')}`, null],
    ['invalid base64', 'Basic !!!!', null],
    ['missing padding is rejected (StdEncoding)', 'Basic dTpwcQ', null],
    ['user name that is not UTF-8', `Basic ${Buffer.from([0xff, 0x3a, 0x70]).toString('base64')}`, null],
  ];
  for (const [desc, header, want] of cases) {
    test(desc, () => {
      const got = parseBasicAuth(header);
      assert.deepEqual(got === null ? null : { user: got.user, password: Buffer.from(got.password).toString() }, want);
    });
  }
});
