import { readFileSync } from 'node:fs';
import {
  Portico,
  PluginRegistry,
  buildStaticSchema,
  createLogger,
  formatIssue,
  loadStaticConfig,
  parseCommandLine,
  renderHelp,
  validateConfiguration,
  type ConfigIssue,
} from '@portico/core';
import { standardPlugins } from './index.js';

const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

function registerStandard(registry: PluginRegistry): void {
  registry.register(standardPlugins);
}

function providerSchemas() {
  const registry = new PluginRegistry();
  registerStandard(registry);
  return Object.fromEntries([...registry.providers].map(([name, p]) => [name, p.schema]));
}

function printIssues(issues: ConfigIssue[], out: (line: string) => void): void {
  for (const issue of issues) out(formatIssue(issue));
}

/** The `portico` command. Returns the exit code; for `run`, resolves once the proxy has stopped. */
export async function runCli(argv: string[], io = { out: console.log, err: console.error }): Promise<number> {
  const cmd = parseCommandLine(argv);
  const schemas = providerSchemas();
  if (cmd.command === 'help') {
    if (cmd.error) io.err(`portico: ${cmd.error}\n`);
    io.out(renderHelp(buildStaticSchema(schemas)));
    return cmd.error ? 2 : 0;
  }
  if (cmd.command === 'version') {
    io.out(`portico ${VERSION} (node ${process.version})`);
    return 0;
  }
  const loaded = loadStaticConfig({ argv: cmd.staticArgs, env: process.env, cwd: process.cwd() }, schemas);

  if (cmd.command === 'validate') {
    const report = await validateConfiguration(loaded, registerStandard, VERSION);
    const errors = report.issues.filter((i) => i.severity === 'error');
    printIssues(report.issues, io.err);
    const s = report.summary;
    const where = loaded.file ? ` (${loaded.file})` : '';
    if (errors.length > 0) {
      io.err(`\nportico validate${where}: ${errors.length} error(s), ${report.issues.length - errors.length} warning(s)`);
      return 1;
    }
    io.out(`configuration is valid${where}: ${s.entryPoints} entrypoint(s), provider(s) ${s.providers.join(', ') || 'none'}, ${s.routers} router(s), ${s.services} service(s), ${s.middlewares} middleware(s)`);
    return 0;
  }

  const staticErrors = loaded.issues.filter((i) => i.severity === 'error');
  if (staticErrors.length > 0) {
    printIssues(loaded.issues, io.err);
    io.err(`\nportico: the static configuration has ${staticErrors.length} error(s); not starting`);
    return 1;
  }
  const log = createLogger({ ...loaded.config.log, filePath: loaded.config.log.filePath || undefined });
  for (const w of loaded.issues) log.warn(formatIssue(w));
  let kernel: Portico;
  try {
    kernel = new Portico({ config: loaded.config, baseDir: loaded.baseDir, log, version: VERSION, plugins: registerStandard });
  } catch (err) {
    io.err(`portico: ${(err as Error).message}`);
    return 1;
  }
  try {
    await kernel.start();
  } catch (err) {
    io.err(`portico: ${(err as Error).message}`);
    await kernel.stop().catch(() => undefined);
    return 1;
  }
  log.info({ version: VERSION, sources: loaded.sources, file: loaded.file }, 'portico started');
  return await new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      kernel.stop().then(
        () => resolve(0),
        (err) => {
          io.err(`portico: error while stopping: ${(err as Error).message}`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
