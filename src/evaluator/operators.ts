/**
 * The closed, registered set of operators. Each knows how to test an observed value and how to
 * describe its expectation in words ("to equal false"), so every finding explains itself.
 */

export interface Operator {
  name: string;
  /** Whether the operator takes a `value`, and what kind. */
  value: 'none' | 'any' | 'list' | 'number' | 'string' | 'regex' | 'mode' | 'owner';
  /** Words after "expected <field> ", e.g. "to equal false". */
  describe(value: unknown): string;
  test(observed: unknown, value: unknown): boolean;
}

const isAbsent = (v: unknown): boolean => v === undefined || v === null;

export function formatValue(v: unknown): string {
  if (v === undefined) return '(absent)';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  const json = JSON.stringify(v);
  return json.length > 200 ? `${json.slice(0, 197)}...` : json;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

const regexCache = new Map<string, RegExp>();
export function compileRegex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern);
    regexCache.set(pattern, re);
  }
  return re;
}

function isEmpty(v: unknown): boolean {
  if (isAbsent(v) || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

/** Parses "0644" / "644" / 420 into permission bits; undefined when not a mode. */
export function parseMode(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0o7777) return v;
  if (typeof v === 'string' && /^0?[0-7]{3,4}$/.test(v)) return parseInt(v, 8);
  return undefined;
}

function compare(name: string, words: string, fn: (a: number, b: number) => boolean): Operator {
  return {
    name,
    value: 'number',
    describe: (value) => `${words} ${formatValue(value)}`,
    test: (observed, value) => {
      const a = toNumber(observed);
      const b = toNumber(value);
      return a !== undefined && b !== undefined && fn(a, b);
    },
  };
}

const list: Operator[] = [
  {
    name: 'eq',
    value: 'any',
    describe: (v) => `to equal ${formatValue(v)}`,
    test: (o, v) => (isAbsent(o) ? v === null : deepEqual(o, v)),
  },
  {
    name: 'neq',
    value: 'any',
    describe: (v) => `not to equal ${formatValue(v)}`,
    test: (o, v) => (isAbsent(o) ? v !== null : !deepEqual(o, v)),
  },
  {
    name: 'in',
    value: 'list',
    describe: (v) => `to be one of ${formatValue(v)}`,
    test: (o, v) => !isAbsent(o) && Array.isArray(v) && v.some((x) => deepEqual(o, x)),
  },
  {
    name: 'not-in',
    value: 'list',
    describe: (v) => `not to be any of ${formatValue(v)}`,
    test: (o, v) => isAbsent(o) || (Array.isArray(v) && !v.some((x) => deepEqual(o, x))),
  },
  compare('gt', 'to be greater than', (a, b) => a > b),
  compare('gte', 'to be at least', (a, b) => a >= b),
  compare('lt', 'to be less than', (a, b) => a < b),
  compare('lte', 'to be at most', (a, b) => a <= b),
  {
    name: 'regex',
    value: 'regex',
    describe: (v) => `to match /${String(v)}/`,
    test: (o, v) =>
      !isAbsent(o) && compileRegex(String(v)).test(typeof o === 'string' ? o : JSON.stringify(o)),
  },
  {
    name: 'not-regex',
    value: 'regex',
    describe: (v) => `not to match /${String(v)}/`,
    test: (o, v) =>
      isAbsent(o) || !compileRegex(String(v)).test(typeof o === 'string' ? o : JSON.stringify(o)),
  },
  {
    name: 'contains',
    value: 'any',
    describe: (v) => `to contain ${formatValue(v)}`,
    test: (o, v) =>
      Array.isArray(o)
        ? o.some((x) => deepEqual(x, v))
        : typeof o === 'string' && typeof v === 'string' && o.includes(v),
  },
  {
    name: 'not-contains',
    value: 'any',
    describe: (v) => `not to contain ${formatValue(v)}`,
    test: (o, v) =>
      Array.isArray(o)
        ? !o.some((x) => deepEqual(x, v))
        : !(typeof o === 'string' && typeof v === 'string' && o.includes(v)),
  },
  { name: 'exists', value: 'none', describe: () => 'to be set', test: (o) => !isAbsent(o) },
  { name: 'absent', value: 'none', describe: () => 'to be absent', test: (o) => isAbsent(o) },
  { name: 'empty', value: 'none', describe: () => 'to be empty', test: (o) => isEmpty(o) },
  { name: 'not-empty', value: 'none', describe: () => 'not to be empty', test: (o) => !isEmpty(o) },
  {
    name: 'mode-at-most',
    value: 'mode',
    describe: (v) => `to grant no more than mode ${String(v)}`,
    test: (o, v) => {
      const observed = parseMode(o);
      const allowed = parseMode(v);
      return observed !== undefined && allowed !== undefined && (observed & ~allowed) === 0;
    },
  },
  {
    name: 'owned-by',
    value: 'owner',
    describe: (v) => `to be owned by ${Array.isArray(v) ? v.join(' or ') : String(v)}`,
    test: (o, v) => typeof o === 'string' && (Array.isArray(v) ? v.includes(o) : o === v),
  },
];

export const OPERATORS: ReadonlyMap<string, Operator> = new Map(list.map((op) => [op.name, op]));
export const OPERATOR_NAMES = list.map((op) => op.name);
