// The contract every plugin passes, run on the `sample` config of the `portico` manifest in package.json.
import { contractTest } from '@portico/sdk/testing';
import plugins from '../src/index.js';

contractTest(plugins, new URL('../package.json', import.meta.url));
