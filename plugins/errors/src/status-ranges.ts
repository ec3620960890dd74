/**
 * HTTP status ranges as Traefik's types.NewHTTPCodeRanges reads them: each entry is a code ("503"), a range
 * ("500-599", bounds included) or several of those separated by commas ("404,500-599"). A range whose low end
 * is above its high end never matches (Traefik accepts it too).
 */
export type StatusRanges = ReadonlyArray<readonly [number, number]>;

const CODE = /^[+]?\d+$/;

/** Parses one entry; throws an Error saying what is wrong. */
export function parseStatusEntry(entry: string): Array<readonly [number, number]> {
  return entry.split(',').map((item) => {
    // Spaces around items ("500, 502") are tolerated: Go's Atoi would refuse them, for no benefit to anyone.
    const parts = item.trim().split('-').map((p) => p.trim());
    if (parts.length > 2 || !parts.every((p) => CODE.test(p))) {
      throw new Error(`invalid HTTP status ${JSON.stringify(item)} (expected a code like "503", a range like "500-599", or several separated by commas)`);
    }
    const low = Number(parts[0]);
    return [low, parts.length === 2 ? Number(parts[1]) : low] as const;
  });
}

/** Parses a list of entries; a bad entry throws an Error carrying its index. */
export function parseStatusRanges(entries: readonly string[]): StatusRanges {
  return entries.flatMap((entry, index) => {
    try {
      return parseStatusEntry(entry);
    } catch (err) {
      throw Object.assign(err as Error, { index });
    }
  });
}

export function statusInRanges(ranges: StatusRanges, status: number): boolean {
  for (const [low, high] of ranges) if (status >= low && status <= high) return true;
  return false;
}
