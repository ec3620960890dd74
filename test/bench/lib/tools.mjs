// External tools the harness drives: wrk (required), nginx and HAProxy (optional). Installed from Debian with
// apt-get when missing and when running as root; otherwise the targets that need them are skipped.
import { execFileSync, spawnSync } from 'node:child_process';

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

let updated = false;

function aptInstall(pkg) {
  if (process.getuid?.() !== 0 || !has('apt-get')) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    if (!updated) {
      process.stderr.write('bench: apt-get update\n');
      execFileSync('apt-get', ['update'], { stdio: 'ignore', env, timeout: 180_000 });
      updated = true;
    }
    process.stderr.write(`bench: apt-get install ${pkg}\n`);
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], { stdio: 'ignore', env, timeout: 300_000 });
    return true;
  } catch (err) {
    process.stderr.write(`bench: could not install ${pkg}: ${err.message}\n`);
    return false;
  }
}

function resolve(command) {
  const r = spawnSync('sh', ['-c', `command -v ${command} || ls /usr/sbin/${command} 2>/dev/null`], { encoding: 'utf8' });
  return r.stdout.trim().split('\n')[0] || undefined;
}

/**
 * Makes sure the commands exist (installing them when `install`); returns which are available and where:
 * `{ wrk, nginx, haproxy, nginxPath, haproxyPath }`.
 */
export function ensureTools({ install }) {
  const want = [
    ['wrk', 'wrk'],
    ['nginx', 'nginx-light'],
    ['haproxy', 'haproxy'],
  ];
  const found = {};
  for (const [command, pkg] of want) {
    let path = resolve(command);
    if (path === undefined && install && aptInstall(pkg)) path = resolve(command);
    found[command] = path !== undefined;
    found[`${command}Path`] = path;
  }
  return found;
}
