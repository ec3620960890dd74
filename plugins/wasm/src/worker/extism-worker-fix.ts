/**
 * @extism/extism 1.0.3 starts its worker from a `data:` URL whose code ends in `//# sourceMappingURL=worker.js.map`.
 * When source maps are enabled in the worker — `--enable-source-maps` (or NODE_OPTIONS), or a loader such as
 * tsx inherited through execArgv — Node 20 resolves that name against the `data:` URL, fails with
 * `TypeError: Invalid URL` and the worker dies before answering (the plugin never gets created).
 *
 * The worker code only imports Node built-ins, so it needs none of the parent's loaders or source maps: Workers
 * started from Extism's `data:` URL get the parent's execArgv without `--enable-source-maps`, `--import`,
 * `--require` and `--loader` (and with ExperimentalWarning disabled). Every other Worker in the process is untouched. Installed once, when the first
 * worker-mode plugin is created; the SDK's ESM build reads `Worker` from node:worker_threads through a live
 * binding, updated by syncBuiltinESMExports().
 */
import { syncBuiltinESMExports } from 'node:module';
import workerThreads from 'node:worker_threads';

const EXTISM_WORKER_PREFIX = 'data:text/javascript;base64,';
const DROPPED_WITH_VALUE = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/**
 * The parent's execArgv without source maps and module loaders, and without the ExperimentalWarning node:wasi
 * prints in every new worker (it would be logged again at each worker restart).
 */
export function plainExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    const name = arg.split('=', 1)[0];
    if (arg === '--enable-source-maps') continue;
    if (DROPPED_WITH_VALUE.has(name)) {
      if (!arg.includes('=')) i++;
      continue;
    }
    out.push(arg);
  }
  out.push('--disable-warning=ExperimentalWarning');
  return out;
}

let installed = false;

export function installExtismWorkerFix(): void {
  if (installed) return;
  installed = true;
  const Original = workerThreads.Worker;
  class ExtismSafeWorker extends Original {
    constructor(url: string | URL, options?: workerThreads.WorkerOptions) {
      const href = url instanceof URL ? url.href : String(url);
      const isExtism = href.startsWith(EXTISM_WORKER_PREFIX) && options?.execArgv === undefined;
      super(url, isExtism ? { ...options, execArgv: plainExecArgv(process.execArgv) } : options);
    }
  }
  workerThreads.Worker = ExtismSafeWorker;
  syncBuiltinESMExports();
}
