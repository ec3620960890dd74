/**
 * HTTP status ranges as Traefik's types.NewHTTPCodeRanges reads them: "503" or "500-599"; a range whose low
 * end is above its high end never matches (Traefik accepts it too).
 */
export type StatusRanges = ReadonlyArray<readonly [number, number]>;

const CODE = /^\+?\d+$/;

/** Parses the ranges; throws an Error naming the first bad entry (and its index) otherwise. */
export function parseStatusRanges(blocks: readonly string[]): StatusRanges {
  return blocks.map((block, i) => {
    const parts = block.split('-');
    if (parts.length > 2 || !parts.every((p) => CODE.test(p))) {
      throw Object.assign(new Error(`failed to parse HTTP code: ${JSON.stringify(block)} (expected "503" or "500-599")`), { index: i });
    }
    const low = Number(parts[0]);
    return [low, parts.length === 2 ? Number(parts[1]) : low] as const;
  });
}

export function statusInRanges(ranges: StatusRanges, status: number): boolean {
  for (const [low, high] of ranges) if (status >= low && status <= high) return true;
  return false;
}
