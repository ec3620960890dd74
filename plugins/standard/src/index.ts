import type { Plugin } from '@portico/sdk';
import providerFile from '@portico/plugin-provider-file';
import basicAuth from '@portico/plugin-basic-auth';
import rateLimit from '@portico/plugin-rate-limit';
import retry from '@portico/plugin-retry';
import stripPrefix from '@portico/plugin-strip-prefix';
import headers from '@portico/plugin-headers';

/**
 * The standard set: the first-party plugins the `portico` command enables. They register through the same
 * hook a third-party plugin uses; nothing here is special to the kernel.
 */
export const standardPlugins: Plugin[] = [...providerFile, ...basicAuth, ...rateLimit, ...retry, ...stripPrefix, ...headers];

export default standardPlugins;
