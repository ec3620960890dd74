import { watch, statSync, type FSWatcher } from 'node:fs';
import { dirname, basename, resolve } from 'node:path';
import { defineProvider, s, type ProviderContext, type ProviderSnapshot, type Static } from '@portico/sdk';
import { parseConfigFile, listConfigFiles, mergeFiles, FileConfigError } from './parse.js';

const schema = s.object(
  {
    filename: s.optional(s.string({ description: 'Dynamic configuration file (YAML or TOML).' })),
    directory: s.optional(s.string({ description: 'Folder of dynamic configuration files, read recursively.' })),
    watch: s.boolean({ default: true, description: 'Reload when the file or folder changes.' }),
    debugLogGeneratedTemplate: s.boolean({ default: false, description: 'Accepted for compatibility; Portico does not process Go templates.' }),
  },
  { description: 'File provider: dynamic configuration from a file or a folder.' },
);
type FileProviderConfig = Static<typeof schema>;

/** Quiet period after the last change event before the file is read: editors write in several steps. */
const DEBOUNCE_MS = 50;
/** A file that is momentarily empty is usually being rewritten (truncate, then write): wait this long for content. */
const EMPTY_GRACE_MS = 1000;

function target(cfg: FileProviderConfig, baseDir: string): { kind: 'file' | 'directory'; path: string } {
  if (cfg.filename && cfg.directory) throw new Error('providers.file: set either filename or directory, not both');
  if (cfg.filename) return { kind: 'file', path: resolve(baseDir, cfg.filename) };
  if (cfg.directory) return { kind: 'directory', path: resolve(baseDir, cfg.directory) };
  throw new Error('providers.file: set filename or directory');
}

function load(t: { kind: 'file' | 'directory'; path: string }, log?: ProviderContext['log']): ProviderSnapshot {
  if (t.kind === 'file') return { config: parseConfigFile(t.path), source: t.path };
  let files: string[];
  try {
    files = listConfigFiles(t.path);
  } catch (err) {
    throw new FileConfigError(t.path, `cannot read folder: ${(err as Error).message}`);
  }
  const { snapshot, conflicts } = mergeFiles(files.map((file) => ({ file, config: parseConfigFile(file) })));
  for (const c of conflicts) log?.error(c);
  return snapshot;
}

function isEmptyFile(path: string): boolean {
  try {
    return statSync(path).size === 0;
  } catch {
    return false;
  }
}

export const fileProvider = defineProvider({
  name: 'file',
  description: 'Reads dynamic configuration from a YAML/TOML file or folder, and watches it.',
  schema,
  async load(cfg, ctx) {
    return load(target(cfg, ctx.baseDir));
  },
  start(cfg, ctx) {
    const t = target(cfg, ctx.baseDir);
    let timer: NodeJS.Timeout | undefined;
    let emptySince = 0;
    let hadContent = false;
    const read = () => {
      timer = undefined;
      if (t.kind === 'file' && isEmptyFile(t.path) && hadContent) {
        emptySince ||= Date.now();
        if (Date.now() - emptySince < EMPTY_GRACE_MS) {
          timer = setTimeout(read, DEBOUNCE_MS);
          return;
        }
      }
      emptySince = 0;
      try {
        const snap = load(t, ctx.log);
        hadContent = Object.keys(snap.config).length > 0;
        ctx.push(snap);
      } catch (err) {
        ctx.fail({ message: (err as Error).message, source: t.path });
      }
    };
    read();
    if (!cfg.watch) return;
    // Watch the folder, not the file: editors replace files by renaming, which ends a watch on the file itself.
    const dir = t.kind === 'file' ? dirname(t.path) : t.path;
    const name = basename(t.path);
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { recursive: t.kind === 'directory' }, (_event, changed) => {
        if (t.kind === 'file' && changed !== null && changed !== name) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(read, DEBOUNCE_MS);
      });
    } catch (err) {
      ctx.fail({ message: `cannot watch ${dir}: ${(err as Error).message}`, source: t.path });
      return;
    }
    watcher.on('error', (err) => ctx.log.error({ err }, 'file watcher failed'));
    ctx.signal.addEventListener('abort', () => {
      watcher.close();
      if (timer) clearTimeout(timer);
    });
  },
});

export default [fileProvider];
