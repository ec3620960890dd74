/**
 * Polling for integration tests: wait until a condition holds instead of sleeping a guessed amount of time.
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface WaitForOptions {
  /** Give up after this long (default 5000 ms). */
  timeoutMs?: number;
  /** Pause between two tries (default 25 ms). */
  intervalMs?: number;
  /** What was being waited for; leads the timeout error's message. */
  message?: string;
  /**
   * Checked before every try: a returned Error is thrown at once (e.g. "the process under test exited"), so a
   * wait that can no longer succeed fails fast with the real cause instead of timing out.
   */
  bail?: () => Error | undefined;
}

/**
 * Calls `fn` until it returns a value other than `undefined`, `null` or `false` and resolves with that value.
 * A throw from `fn` counts as "not yet"; the last one is quoted in the timeout error, which usually explains
 * why the condition never held (connection refused, unexpected status...).
 */
export async function waitFor<T>(
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitForOptions = {},
): Promise<T> {
  const { timeoutMs = 5000, intervalMs = 25, message = 'condition', bail } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let tries = 0;
  for (;;) {
    const fatal = bail?.();
    if (fatal) throw fatal;
    tries++;
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : lastError !== undefined ? `; last error: ${String(lastError)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms (${tries} tries) waiting for ${message}${cause}`, { cause: lastError });
    }
    await delay(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}
