import type { Exchange } from '@portico/core';

/** Header carrying the path as it was before a replacePath/replacePathRegex rewrite (escaped form). */
export const REPLACED_PATH_HEADER = 'x-replaced-path';

/** `Header.Add`: a value already present (sent by the client or an earlier rewrite) is kept. */
export function addReplacedPath(ex: Exchange, value: string): void {
  const prior = ex.headers[REPLACED_PATH_HEADER];
  ex.headers[REPLACED_PATH_HEADER] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
}
