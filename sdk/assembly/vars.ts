// Extism variables: state kept by the host for this instance (one per configured middleware element), across
// requests. AssemblyScript globals work too and are cheaper; variables are for hosts that keep them when the
// instance is recreated (Portico recreates the instance, and so drops both, after a trap).

import { var_get, var_set } from "./env";
import { blockFromBytes, blockFromString, bytesFromBlock, optionalStringFromBlock } from "./strings";

export namespace Var {
  /** The variable's value as UTF-8 text, or null when it is not set. */
  export function get(key: string): string | null {
    return optionalStringFromBlock(var_get(blockFromString(key)));
  }

  /** The variable's value as bytes, or null when it is not set. */
  export function getBytes(key: string): Uint8Array | null {
    const handle = var_get(blockFromString(key));
    return handle == 0 ? null : bytesFromBlock(handle);
  }

  export function set(key: string, value: string): void {
    // The host may keep this very block as the variable's storage: it is never freed here.
    var_set(blockFromString(key), blockFromString(value));
  }

  export function setBytes(key: string, value: Uint8Array): void {
    var_set(blockFromString(key), blockFromBytes(value));
  }

  export function remove(key: string): void {
    var_set(blockFromString(key), 0);
  }
}
