import { after } from 'node:test';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { runCases } from '@portico/sdk/testing';
import plugins from '../src/index.js';
import { startAuthServer } from './auth-server.js';

// The cases run against a real loopback auth server; its URL replaces `${AUTH}` in the table.
const auth = await startAuthServer();
after(() => auth.close());
const text = readFileSync(new URL('./cases.yaml', import.meta.url), 'utf8').replaceAll('${AUTH}', auth.url);
runCases(parse(text), plugins, { title: 'forwardAuth cases.yaml' });
