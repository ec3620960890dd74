// The contract every plugin passes, run on the `sample` config of the `portico` manifest in package.json.
// The error service the sample names is a stand-in (the test kit's contexts do not resolve references).
import { contractTest } from '@portico/sdk/testing';
import plugins from '../src/index.js';
import { withStandInServices } from './helpers/stand-in-references.js';

contractTest(withStandInServices(plugins), new URL('../package.json', import.meta.url));
