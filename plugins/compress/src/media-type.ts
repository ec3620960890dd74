/**
 * Just enough of Go's mime.ParseMediaType for content-type matching (type lower-cased, parameter names
 * lower-cased, values kept), and gzhttp's parsedContentType.equals: a pattern without parameters matches any
 * parameters, a pattern with parameters needs exactly the same set.
 */

export interface MediaType {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Parses a Content-Type value; null when Go would report an error (compression is then skipped). */
export function parseMediaType(value: string): MediaType | null {
  const parts = splitParams(value);
  if (parts === null) return null;
  const type = parts[0].trim().toLowerCase();
  const slash = type.indexOf('/');
  const main = slash === -1 ? type : type.slice(0, slash);
  if (!TOKEN.test(main) || (slash !== -1 && !TOKEN.test(type.slice(slash + 1)))) return null;
  const params = new Map<string, string>();
  for (const raw of parts.slice(1)) {
    const p = raw.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq <= 0) return null;
    const name = p.slice(0, eq).trim().toLowerCase();
    let val = p.slice(eq + 1).trim();
    if (!TOKEN.test(name)) return null;
    if (val.startsWith('"')) {
      if (val.length < 2 || !val.endsWith('"')) return null;
      val = val.slice(1, -1).replace(/\\(.)/g, '$1');
    } else if (!TOKEN.test(val)) return null;
    if (params.has(name)) return null; // Go: duplicate parameter name
    params.set(name, val);
  }
  return { type, params };
}

/** Splits on `;` outside quoted strings; null on an unterminated quote. */
function splitParams(value: string): string[] | null {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quoted && ch === '\\') i++;
    else if (ch === '"') quoted = !quoted;
    else if (ch === ';' && !quoted) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted) return null;
  out.push(value.slice(start));
  return out;
}

/** True when `pattern` (from the configuration) matches the response's media type. */
export function mediaTypeMatches(pattern: MediaType, actual: MediaType): boolean {
  if (pattern.type !== actual.type) return false;
  if (pattern.params.size === 0) return true;
  if (pattern.params.size !== actual.params.size) return false;
  for (const [k, v] of pattern.params) if (actual.params.get(k) !== v) return false;
  return true;
}
