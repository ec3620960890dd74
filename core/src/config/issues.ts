/**
 * A configuration problem as users see it: which file, which element (`name@provider`), which key, what.
 * Static and dynamic configuration, the CLI's `validate`, the logs and the API all report this shape.
 */
export interface ConfigIssue {
  /** File the problem comes from, when known (static config file, or the provider's file). */
  file?: string;
  /** Qualified element, e.g. `my-router@file`; absent for static configuration. */
  element?: string;
  /** Key path, e.g. `http.routers.my-router.rule` or `entryPoints.web.address`. */
  path: string;
  message: string;
  /** `error` disables the element; `warning` leaves it working (shown as status warning in the API). */
  severity: 'error' | 'warning';
}

/** One line per issue: `file: element: path: message`. */
export function formatIssue(issue: ConfigIssue): string {
  const parts: string[] = [];
  if (issue.file) parts.push(issue.file);
  if (issue.element) parts.push(issue.element);
  if (issue.path) parts.push(issue.path);
  const prefix = issue.severity === 'warning' ? 'warning: ' : '';
  return `${prefix}${parts.join(': ')}${parts.length > 0 ? ': ' : ''}${issue.message}`;
}
