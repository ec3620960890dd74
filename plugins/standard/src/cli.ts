import { readFileSync } from 'node:fs';
import {
  Portico,
  PluginRegistry,
  buildStaticSchema,
  createLogger,
  formatIssue,
  loadPluginSection,
  loadStaticConfig,
  parseCommandLine,
  renderHelp,
  validateConfiguration,
  type ConfigIssue,
  type StaticConfigInput,
} from '@portico/core';
import { loadPlugins, providerSchemasOf, registerLoaded, watchPlugins, type LoadedPlugin } from '@portico/plugin-loader';
import { standardPlugins } from './index.js';

const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

function registerStandard(registry: PluginRegistry): void {
  registry.register(standardPlugins);
}

function providerSchemas(loaded: readonly LoadedPlugin[] = []) {
  const registry = new PluginRegistry();
  registerStandard(registry);
  return { ...Object.fromEntries([...registry.providers].map(([name, p]) => [name, p.schema])), ...providerSchemasOf(loaded) };
}

interface ThirdParty {
  loaded: LoadedPlugin[];
  /** Problems of the `plugins`/`pluginHost` sections and of loading: any error stops start-up. */
  issues: ConfigIssue[];
  section: ReturnType<typeof loadPluginSection>;
}

/**
 * First phase of start-up: read the `plugins`/`pluginHost` sections alone and load the plugins they name, so
 * the full static configuration is then decoded with the provider sections those plugins add.
 */
async function loadThirdParty(input: StaticConfigInput): Promise<ThirdParty> {
  const section = loadPluginSection(input);
  const issues = [...section.issues];
  if (issues.some((i) => i.severity === 'error') || Object.keys(section.plugins).length === 0) return { loaded: [], issues, section };
  // The configured logger is known only once the whole static configuration is decoded; plugin loading logs warnings and errors.
  const log = createLogger({ level: 'WARN' });
  const result = await loadPlugins(section.plugins, { baseDir: section.baseDir, host: section.pluginHost, version: VERSION, log, file: section.file });
  return { loaded: result.loaded, issues: [...issues, ...result.issues], section };
}

function printIssues(issues: ConfigIssue[], out: (line: string) => void): void {
  for (const issue of issues) out(formatIssue(issue));
}

/** The `portico` command. Returns the exit code; for `run`, resolves once the proxy has stopped. */
export async function runCli(argv: string[], io = { out: console.log, err: console.error }): Promise<number> {
  const cmd = parseCommandLine(argv);
  if (cmd.command === 'help') {
    // Help needs no plugin: it lists the standard set's options (and the `plugins` section).
    if (cmd.error) io.err(`portico: ${cmd.error}\n`);
    io.out(renderHelp(buildStaticSchema(providerSchemas())));
    return cmd.error ? 2 : 0;
  }
  if (cmd.command === 'version') {
    io.out(`portico ${VERSION} (node ${process.version})`);
    return 0;
  }
  const input: StaticConfigInput = { argv: cmd.staticArgs, env: process.env, cwd: process.cwd() };
  const thirdParty = await loadThirdParty(input);
  const loaded = loadStaticConfig(input, providerSchemas(thirdParty.loaded));
  const register = (registry: PluginRegistry) => {
    registerStandard(registry);
    registerLoaded(registry, thirdParty.loaded);
  };
  // Issues of the plugin sections are found by both phases; keep one of each.
  const pluginIssues = thirdParty.issues.filter((i) => !loaded.issues.some((j) => j.path === i.path && j.message === i.message));

  if (cmd.command === 'validate') {
    const report = await validateConfiguration(loaded, register, VERSION);
    report.issues.unshift(...pluginIssues);
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

  const allIssues = [...pluginIssues, ...loaded.issues];
  const staticErrors = allIssues.filter((i) => i.severity === 'error');
  if (staticErrors.length > 0) {
    printIssues(allIssues, io.err);
    io.err(`\nportico: the static configuration has ${staticErrors.length} error(s); not starting`);
    return 1;
  }
  const log = createLogger({ ...loaded.config.log, filePath: loaded.config.log.filePath || undefined });
  for (const w of loaded.issues) log.warn(formatIssue(w));
  let kernel: Portico;
  try {
    kernel = new Portico({ config: loaded.config, baseDir: loaded.baseDir, log, version: VERSION, plugins: register });
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
  log.info({ version: VERSION, sources: loaded.sources, file: loaded.file, plugins: thirdParty.loaded.map((p) => p.name) }, 'portico started');
  let stopWatching = async (): Promise<void> => undefined;
  if (thirdParty.section.pluginHost.watch) {
    stopWatching = await watchPlugins(thirdParty.loaded, thirdParty.section.plugins, { host: thirdParty.section.pluginHost, log }, async (name, plugins) => {
      kernel.registry.replaceNamed(name, plugins);
      await kernel.rebuild();
    });
  }
  return await new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      Promise.all([stopWatching(), kernel.stop()]).then(
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
