import { contractTest } from '@portico/sdk/testing';
import plugins from '../src/index.js';
contractTest(plugins, new URL('../package.json', import.meta.url));
