/**
 * Parsing of an `Authorization: Digest …` header as go-http-auth does it (DigestAuthParams → ParsePairs →
 * ParseList): the scheme must be exactly `Digest` followed by one space; the rest is a comma-separated list
 * where commas inside double quotes do not split and `\x` inside quotes keeps x; each element is
 * `key=value`, a value wrapped in double quotes is unwrapped (escapes stay resolved by ParseList).
 */

/** Elements of an RFC 2068 comma-separated list (go-http-auth ParseList). */
export function parseList(value: string): string[] {
  const list: string[] = [];
  let escape = false;
  let quote = false;
  let current = '';
  for (const ch of value) {
    if (escape) {
      current += ch;
      escape = false;
    } else if (quote) {
      if (ch === '\\') escape = true;
      else {
        if (ch === '"') quote = false;
        current += ch;
      }
    } else if (ch === ',') {
      list.push(current.trim());
      current = '';
    } else {
      if (ch === '"') quote = true;
      current += ch;
    }
  }
  if (current !== '') list.push(current.trim());
  return list;
}

/** `key=value` pairs of a list; a key without '=' (or with nothing after it) gets ''. */
export function parsePairs(value: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const pair of parseList(value.trim())) {
    const eq = pair.indexOf('=');
    if (eq < 0) pairs.set(pair, '');
    else if (eq === pair.length - 1) pairs.set(pair.slice(0, eq), '');
    else {
      let v = pair.slice(eq + 1);
      if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
      // Go's check is v[0]=='"' && v[len-1]=='"': a lone '"' is unwrapped to '' there too.
      else if (v === '"') v = '';
      pairs.set(pair.slice(0, eq), v);
    }
  }
  return pairs;
}

/** The parameters of a Digest Authorization header; null when the header is absent or another scheme. */
export function digestAuthParams(authorization: string | undefined): Map<string, string> | null {
  if (authorization === undefined) return null;
  const space = authorization.indexOf(' ');
  if (space === -1 || authorization.slice(0, space) !== 'Digest') return null;
  return parsePairs(authorization.slice(space + 1));
}
