/** Glob matching for selectors in waivers, attestations and scope rules. */
const cache = new Map<string, RegExp>();

export function globRegex(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    const escaped = glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${escaped}$`);
    cache.set(glob, re);
  }
  return re;
}

export function globMatch(glob: string | undefined, value: string | undefined): boolean {
  if (glob === undefined) return true;
  if (value === undefined) return false;
  return globRegex(glob).test(value);
}

/** "cis-docker@1.6.0/5.*" against a result's ref. */
export function refMatches(pattern: string, ref: string): boolean {
  return globMatch(pattern, ref);
}
