import { after } from 'node:test';
import { contractTest, readManifest } from '@portico/sdk/testing';
import { fileURLToPath } from 'node:url';
import plugins from '../src/index.js';
import { startAuthServer } from './auth-server.js';

// The manifest's sample names an auth server on a fixed port; the contract runs it against a live one (it
// expects 2xx–4xx answers, and an unreachable auth server answers 500).
const auth = await startAuthServer();
after(() => auth.close());
const manifest = readManifest(fileURLToPath(new URL('../package.json', import.meta.url)));
contractTest(plugins, { ...manifest, sample: { ...manifest.sample, address: `${auth.url}/auth` } });
