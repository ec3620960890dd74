import { s } from '../../schema/types.js';

/**
 * Schemas of `log` (Portico's own log) and `accessLog`, Traefik v3 key names and defaults
 * (pkg/types/logs.go). Relative file paths resolve against the static configuration file's folder
 * (`x-path`, see paths.ts).
 */

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'PANIC'] as const;

export const logSchema = s.object(
  {
    level: s.enumOf([...LOG_LEVELS], { description: 'Lowest level written: TRACE, DEBUG, INFO, WARN, ERROR, FATAL or PANIC.', default: 'ERROR' }),
    format: s.enumOf(['common', 'json'], { description: 'Log line format.', default: 'common' }),
    filePath: s.string({ description: 'File to write the log to; standard output when empty.', default: '', 'x-path': 'file' }),
    noColor: s.boolean({ description: 'With the common format, do not colour the output.', default: false }),
  },
  { description: 'Portico\'s own log.', default: {} },
);

/** `200`, or a range `500-599`. */
function statusRangeProblem(v: string): string | undefined {
  const m = /^(\d{3})(?:-(\d{3}))?$/.exec(v.trim());
  if (m === null) return `invalid status code range ${JSON.stringify(v)}: expected e.g. "404" or "500-599"`;
  if (m[2] !== undefined && Number(m[2]) < Number(m[1])) return `invalid status code range ${JSON.stringify(v)}: the end is below the start`;
  return undefined;
}

const headerFields = s.object(
  {
    defaultMode: s.enumOf(['keep', 'drop', 'redact'], { description: 'What to do with request/response headers not listed in names.', default: 'drop' }),
    names: s.record(s.enumOf(['keep', 'drop', 'redact']), { description: 'Mode per header name (keep, drop or redact).', default: {} }),
  },
  { description: 'Which headers appear in access log lines.', default: {} },
);

export const accessLogSchema = s.object(
  {
    filePath: s.string({ description: 'File to write access logs to; standard output when empty.', default: '', 'x-path': 'file' }),
    format: s.enumOf(['common', 'genericCLF', 'json'], { description: 'Access log line format.', default: 'common' }),
    addInternals: s.boolean({ description: 'Also log requests to internal services (API, ping, redirections).', default: false }),
    bufferingSize: s.integer({ description: 'Number of lines buffered before they are written. 0 writes each line at once.', default: 0, minimum: 0 }),
    filters: s.object(
      {
        statusCodes: s.array(s.string({ 'x-check': statusRangeProblem }), {
          description: 'Keep only requests whose status is in these codes or ranges, e.g. "200", "500-599".',
          default: [],
        }),
        retryAttempts: s.boolean({ description: 'Keep requests that were retried at least once.', default: false }),
        minDuration: s.duration({ description: 'Keep requests that took longer than this. 0 disables the filter.', default: '0s' }),
      },
      { description: 'Which requests are logged (a request is kept when any filter keeps it).', default: {} },
    ),
    fields: s.object(
      {
        defaultMode: s.enumOf(['keep', 'drop'], { description: 'What to do with fields not listed in names.', default: 'keep' }),
        names: s.record(s.enumOf(['keep', 'drop']), { description: 'Mode per field name (keep or drop).', default: {} }),
        headers: headerFields,
      },
      { description: 'Which fields appear in access log lines.', default: {} },
    ),
  },
  { description: 'Access log: one line per request. Off unless this section is present.' },
);
