/** Small helpers for reading untyped Kubernetes objects safely. */
import type { JsonValue } from '../../core/types.js';

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const obj = (v: unknown): Obj => (isObj(v) ? v : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const objs = (v: unknown): Obj[] => arr(v).filter(isObj);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const strs = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string');
export const boolOrNull = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
export const numOrNull = (v: unknown): number | null => (typeof v === 'number' ? v : null);
/** A string map (labels, annotations); non-string values are dropped. */
export const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v))) if (typeof val === 'string') out[k] = val;
  return out;
};
/** Plain JSON copy of an unknown value (undefined -> null). */
export const json = (v: unknown): JsonValue => (v === undefined ? null : (v as JsonValue));

export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set([
  'kube-system',
  'kube-public',
  'kube-node-lease',
]);

export const REDACTED = '<redacted>';
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Annotations with the last-applied-configuration (a copy of the whole manifest) redacted. */
export function safeAnnotations(v: unknown): Record<string, string> {
  const a = strMap(v);
  if (a[LAST_APPLIED] !== undefined) a[LAST_APPLIED] = REDACTED;
  return a;
}

export interface Meta {
  name: string;
  namespace?: string;
  uid: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export function metaOf(o: Obj): Meta {
  const m = obj(o.metadata);
  const out: Meta = {
    name: str(m.name) ?? '',
    uid: strOrNull(m.uid),
    labels: strMap(m.labels),
    annotations: safeAnnotations(m.annotations),
  };
  const ns = str(m.namespace);
  if (ns !== undefined) out.namespace = ns;
  return out;
}

/**
 * `_source` of a manifest resource, when it has one (as a JSON value to copy into facts), and `template`:
 * the Helm template it was rendered from (`# Source:` comment).
 */
export function sourceOf(o: Obj): { _source?: JsonValue; template?: string } {
  if (!isObj(o._source)) return {};
  return typeof o._template === 'string'
    ? { _source: o._source as JsonValue, template: o._template }
    : { _source: o._source as JsonValue };
}

/** Bounded-concurrency gate shared by all requests of one target. */
export class Gate {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= Math.max(1, this.limit)) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}
