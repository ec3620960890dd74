// cases.yaml: errors through the test kit's table runner (error service: the stand-in page service).
import { runCases } from '@portico/sdk/testing';
import plugins from '../src/index.js';
import { withStandInServices } from './helpers/stand-in-references.js';

runCases(new URL('./cases.yaml', import.meta.url), withStandInServices(plugins));
