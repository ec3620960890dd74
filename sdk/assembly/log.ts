// Messages for the host's log (Portico: the proxy's logger, tagged with the middleware element).

import { log_debug, log_error, log_info, log_warn } from "./env";
import { blockFromString } from "./strings";

export namespace Log {
  export function debug(message: string): void {
    log_debug(blockFromString(message));
  }
  export function info(message: string): void {
    log_info(blockFromString(message));
  }
  export function warn(message: string): void {
    log_warn(blockFromString(message));
  }
  export function error(message: string): void {
    log_error(blockFromString(message));
  }
}
