import { readFile } from 'node:fs/promises';
import { ConfigError } from '@portico/core';

/** One users entry with where it came from: `path` is the config key, `where` names it for messages. */
export interface UserLine {
  line: string;
  path: string;
  where: string;
}

/** Non-empty lines of a users file, trimmed, `#` comments skipped (Traefik's auth.go getLinesFromFile). */
export function usersFileLines(content: string): Array<{ line: string; lineNumber: number }> {
  const out: Array<{ line: string; lineNumber: number }> = [];
  content.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line !== '' && !line.startsWith('#')) out.push({ line, lineNumber: i + 1 });
  });
  return out;
}

/**
 * The user lines of an auth middleware (basicAuth, digestAuth): the `usersFile` lines first, then `users` —
 * Traefik appends `users` after the file, so for an entry in both the later (`users`) one wins.
 */
export async function collectUserLines(config: { users?: string[]; usersFile?: string }): Promise<UserLine[]> {
  const lines: UserLine[] = [];
  const file = config.usersFile ?? '';
  if (file !== '') {
    let content: string;
    try {
      content = await readFile(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read users file ${JSON.stringify(file)}: ${(err as Error).message}`, 'usersFile');
    }
    for (const { line, lineNumber } of usersFileLines(content)) lines.push({ line, path: 'usersFile', where: `${file} line ${lineNumber}` });
  }
  (config.users ?? []).forEach((line, i) => lines.push({ line, path: `users[${i}]`, where: `users[${i}]` }));
  return lines;
}
