// The middleware's configuration: a string map made of the static `plugins.<name>.config` overlaid by the
// dynamic element's options; non-string values arrive JSON-encoded (e.g. "42", "true", "[\"a\"]").

import { config_get } from "./env";
import { blockFromString, optionalStringFromBlock } from "./strings";

export namespace Config {
  /** The value of `key`, or null when it is not configured. */
  export function get(key: string): string | null {
    return optionalStringFromBlock(config_get(blockFromString(key)));
  }

  /** The value of `key`, or `fallback` when it is not configured. */
  export function getOr(key: string, fallback: string): string {
    const value = get(key);
    return value !== null ? value : fallback;
  }
}
