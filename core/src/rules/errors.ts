/**
 * A rule that cannot be parsed or compiled. The message names the problem and where it is:
 * `invalid rule "Host(``)": Host at column 1: empty argument #1`.
 */
export class RuleError extends Error {
  override readonly name = 'RuleError';
  constructor(
    /** The whole rule as configured. */
    readonly rule: string,
    /** What is wrong, without the rule itself. */
    readonly detail: string,
    /** 0-based offset in the rule (UTF-16 units) where the problem is, when known. */
    readonly position?: number,
  ) {
    super(`invalid rule ${JSON.stringify(rule)}${position === undefined ? '' : ` at column ${position + 1}`}: ${detail}`);
  }
}
