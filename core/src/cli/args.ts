/**
 * The command line: `portico [command] [flags]`.
 *
 * - no command: run the proxy — `portico --configFile=portico.yml`
 * - `validate`: check the static and dynamic configuration, print every error, exit non-zero on any
 * - `version`: print the version (`--version` too)
 * - `help`, `-h`, `--help` (anywhere before `--`): print the help
 *
 * The flags are the static configuration flags (`--entryPoints.web.address=:80`), parsed by
 * config/static/flags.ts; this module only separates the command from them.
 */
export type CommandName = 'run' | 'validate' | 'version' | 'help';

export interface CommandLine {
  command: CommandName;
  /** Everything else, for loadStaticConfig's `argv`. */
  staticArgs: string[];
  /** Set when the command line cannot be understood (unknown command); show it with the help, exit 2. */
  error?: string;
}

/** Commands a user can type, with their one-line description (also used by the help). */
export const COMMANDS: ReadonlyArray<{ name: string; description: string }> = [
  { name: '(none)', description: 'Run the proxy.' },
  { name: 'validate', description: 'Check the static and dynamic configuration; print every problem; exit 1 if any is an error.' },
  { name: 'version', description: 'Print the version.' },
  { name: 'help', description: 'Print this help (also -h, --help).' },
];

const NAMED: Record<string, CommandName> = { validate: 'validate', version: 'version', help: 'help' };

/** Splits `process.argv.slice(2)` into the command and the static configuration flags. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let command: CommandName = 'run';
  let rest = [...argv];
  const first = rest[0];
  if (first !== undefined && !first.startsWith('-')) {
    const named = NAMED[first.toLowerCase()];
    if (named === undefined) {
      const known = Object.keys(NAMED).join(', ');
      return { command: 'help', staticArgs: rest.slice(1), error: `unknown command "${first}" (commands: ${known}; none runs the proxy)` };
    }
    command = named;
    rest = rest.slice(1);
  }
  const end = rest.indexOf('--');
  const flags = end === -1 ? rest : rest.slice(0, end);
  if (flags.some((a) => a === '-h' || a === '--help' || a === '-help')) {
    return { command: 'help', staticArgs: rest.filter((a, i) => (end !== -1 && i >= end) || !(a === '-h' || a === '--help' || a === '-help')) };
  }
  if (command === 'run' && flags.includes('--version')) {
    return { command: 'version', staticArgs: rest.filter((a) => a !== '--version') };
  }
  return { command, staticArgs: rest };
}
