/**
 * entryPoints.<name>.http.sanitizePath (default true): Go's path.Clean on the request path before routing and
 * forwarding — `//` collapsed, `.` dropped, `..` resolved (never above the root) — keeping a trailing slash,
 * as Traefik's sanitizePath handler does. Without it `/admin/../public` would be routed by its raw text.
 * Works on the escaped path: percent-encoded dots (`%2e`) are not segments here.
 */
export function cleanPath(path: string): string {
  if (path === '' || path[0] !== '/') return path;
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  let cleaned = `/${out.join('/')}`;
  if (path.length > 1 && path.endsWith('/') && cleaned !== '/') cleaned += '/';
  return cleaned;
}

/** Whether a path has anything to clean: the cheap test run per request. */
export function needsCleaning(path: string): boolean {
  return path.includes('//') || path.includes('/.');
}
