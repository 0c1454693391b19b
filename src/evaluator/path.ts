/**
 * Paths into fact data: `HostConfig.Privileged`, `Config.Labels["a.b"]`, `Mounts[0].Source`, `Ports.*`,
 * `.` (the value itself) and `$facts["host.daemon"].effective` (another collector's data).
 * Paths are parsed once and cached; evaluation is a plain walk.
 */

export type Segment = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

export interface ParsedPath {
  source: string;
  /** Reads from the whole fact map instead of the current resource. */
  fromFacts: boolean;
  segments: Segment[];
  /** True when the path contains `*` and may yield several values. */
  multi: boolean;
}

export class PathSyntaxError extends Error {}

const cache = new Map<string, ParsedPath>();

export function parsePath(source: string): ParsedPath {
  const hit = cache.get(source);
  if (hit) return hit;
  const parsed = parseUncached(source);
  cache.set(source, parsed);
  return parsed;
}

function parseUncached(source: string): ParsedPath {
  const segments: Segment[] = [];
  let i = 0;
  let fromFacts = false;
  const s = source.trim();
  if (s === '' || s === '.' || s === '$') return { source, fromFacts: false, segments, multi: false };
  if (s.startsWith('$facts')) {
    fromFacts = true;
    i = '$facts'.length;
  }
  const fail = (what: string): never => {
    throw new PathSyntaxError(`invalid path "${source}" at character ${i + 1}: ${what}`);
  };
  let expectKey = !fromFacts;
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      if (expectKey && segments.length > 0) fail('empty segment');
      i++;
      expectKey = true;
      if (i >= s.length) fail('path ends with "."');
      continue;
    }
    if (c === '[') {
      const close = s.indexOf(']', i);
      if (close < 0) fail('missing "]"');
      const inner = s.slice(i + 1, close).trim();
      if (inner === '*') segments.push({ kind: 'wildcard' });
      else if (/^\d+$/.test(inner)) segments.push({ kind: 'index', index: Number(inner) });
      else if (/^"[^"]*"$/.test(inner) || /^'[^']*'$/.test(inner))
        segments.push({ kind: 'key', key: inner.slice(1, -1) });
      else fail('expected a number, * or a quoted key inside [ ]');
      i = close + 1;
      expectKey = false;
      continue;
    }
    if (!expectKey) fail('expected "." or "["');
    let j = i;
    while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
    const key = s.slice(i, j);
    if (key === '*') segments.push({ kind: 'wildcard' });
    else segments.push({ kind: 'key', key });
    i = j;
    expectKey = false;
  }
  return { source, fromFacts, segments, multi: segments.some((seg) => seg.kind === 'wildcard') };
}

function step(value: unknown, seg: Segment, out: unknown[]): void {
  if (value === null || value === undefined) return;
  switch (seg.kind) {
    case 'key':
      if (typeof value === 'object' && !Array.isArray(value)) {
        const v = (value as Record<string, unknown>)[seg.key];
        if (v !== undefined) out.push(v);
      }
      return;
    case 'index':
      if (Array.isArray(value) && seg.index < value.length) out.push(value[seg.index]);
      return;
    case 'wildcard':
      if (Array.isArray(value)) out.push(...value);
      else if (typeof value === 'object') out.push(...Object.values(value as Record<string, unknown>));
      return;
  }
}

/** All values a path reaches (several when it contains `*`). */
export function resolveAll(path: ParsedPath, resource: unknown, facts: unknown): unknown[] {
  let current: unknown[] = [path.fromFacts ? facts : resource];
  for (const seg of path.segments) {
    const next: unknown[] = [];
    for (const v of current) step(v, seg, next);
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

/** The single value at a path; undefined when absent. For `*` paths, the list of values. */
export function resolve(path: ParsedPath, resource: unknown, facts: unknown): unknown {
  const all = resolveAll(path, resource, facts);
  if (path.multi) return all;
  return all[0];
}

/** Values to quantify over: arrays found at the path are flattened one level, nulls dropped. */
export function resolveItems(path: ParsedPath, resource: unknown, facts: unknown): unknown[] {
  const out: unknown[] = [];
  for (const v of resolveAll(path, resource, facts)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) {
      for (const item of v) if (item !== null && item !== undefined) out.push(item);
    } else if (typeof v === 'object' && !path.multi) {
      out.push(...Object.values(v as Record<string, unknown>).filter((x) => x !== null && x !== undefined));
    } else out.push(v);
  }
  return out;
}
