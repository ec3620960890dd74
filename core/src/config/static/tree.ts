/**
 * Raw configuration trees (what YAML/TOML parsing gives, and what flags and environment variables are turned
 * into) and how sources are merged. Keys match case-insensitively, as in Traefik's loaders: `--entrypoints.web`
 * and a file's `entryPoints.web` are the same entry.
 *
 * Each tree node remembers which source set it (`Origins`), so an error found later by the decoder can name
 * the file — or the command line, or the environment — it comes from.
 */
export type RawTree = Record<string, unknown>;

/** Lower-cased dotted key path (`entrypoints.web.address`, list indexes as segments) → source label. */
export type Origins = Map<string, string>;

export function isMap(v: unknown): v is RawTree {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** The existing key of `node` equal to `key` ignoring case, else `key` itself. */
function keyIn(node: RawTree, key: string): string {
  if (key in node) return key;
  const lower = key.toLowerCase();
  return Object.keys(node).find((k) => k.toLowerCase() === lower) ?? key;
}

/** A value that only switches a section on (`--ping`, `PORTICO_API=true`): it never erases the section's options. */
function isEnableMarker(v: unknown): boolean {
  return v === true || v === 'true' || v === '' || v === null;
}

/**
 * Sets `value` at `segments` (creating maps on the way) and records every node on the path as coming from
 * `source`. A scalar already sitting where a map is needed is an "enable" value like `PORTICO_PING=true` given
 * alongside `PORTICO_PING_ENTRYPOINT=web`: the map wins, as in Traefik.
 */
export function setPath(tree: RawTree, segments: string[], value: unknown, origins: Origins, source: string): void {
  let node = tree;
  let path = '';
  for (let i = 0; i < segments.length; i++) {
    const key = keyIn(node, segments[i]);
    path = path === '' ? key.toLowerCase() : `${path}.${key.toLowerCase()}`;
    origins.set(path, source);
    if (i === segments.length - 1) {
      if (isMap(node[key]) && isEnableMarker(value)) return;
      node[key] = value;
      return;
    }
    if (!isMap(node[key])) node[key] = {};
    node = node[key] as RawTree;
  }
}

/** Records every node of a parsed file as coming from `source`. */
export function recordOrigins(value: unknown, origins: Origins, source: string, path = ''): void {
  const children = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : isMap(value) ? Object.entries(value) : [];
  for (const [key, child] of children) {
    const childPath = path === '' ? key.toLowerCase() : `${path}.${key.toLowerCase()}`;
    origins.set(childPath, source);
    recordOrigins(child, origins, source, childPath);
  }
}

/**
 * Deep-merges `override` into `base` (both already parsed): maps merge key by key (ignoring case), an index map
 * (`{"0": …}` from `--x[0].y=`) merges into a list element by element, anything else replaces. An enable value
 * (`true`) over a map keeps the map. `base` is modified and returned.
 */
export function mergeInto(base: RawTree, override: RawTree): RawTree {
  for (const [k, v] of Object.entries(override)) {
    const key = keyIn(base, k);
    const current = base[key];
    if (isMap(current) && isMap(v)) mergeInto(current, v);
    else if (Array.isArray(current) && isMap(v) && Object.keys(v).every((i) => /^\d+$/.test(i))) {
      const asMap: RawTree = Object.fromEntries(current.map((item, i) => [String(i), item]));
      base[key] = mergeInto(asMap, v);
    } else if (isMap(current) && isEnableMarker(v)) continue;
    else base[key] = v;
  }
  return base;
}

/** The source that set `path` (a decoder path: dotted, `[i]` for list items), or of its closest ancestor. */
export function originOf(origins: Origins, path: string): string | undefined {
  const segments = path.replace(/\[(\d+)\]/g, '.$1').toLowerCase().split('.').filter((p) => p !== '');
  for (let n = segments.length; n > 0; n--) {
    const found = origins.get(segments.slice(0, n).join('.'));
    if (found !== undefined) return found;
  }
  return undefined;
}
