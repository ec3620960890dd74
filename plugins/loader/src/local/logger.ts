import type { KernelOptions } from '@portico/core';

/** The kernel's logger type (pino), without the loader depending on pino itself. */
export type Logger = KernelOptions['log'];
