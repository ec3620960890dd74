#!/usr/bin/env node
// The `portico` command: the standard distribution's entry point (kernel + first-party plugins).
import { runCli } from '../dist/cli.js';

runCli(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.stack ?? err.message : err); process.exitCode = 1; },
);
