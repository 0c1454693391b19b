/** Helpers shared by the interchange reporters (SARIF, JUnit, CSV, OSCAL). Pure functions, no I/O. */
import { createHash } from 'node:crypto';
import type {
  Finding,
  JsonValue,
  ResourceRef,
  Result,
  ResultsDocument,
  ResultTarget,
} from '../core/types.js';

/** The project's public home, used where a format asks for the tool's information URI or a namespace. */
export const RAMPART_URI = 'https://rampart.dev';

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** "namespace/name", or the name alone. */
export function resourceLabel(r: ResourceRef): string {
  return r.namespace ? `${r.namespace}/${r.name}` : r.name;
}

/** "file:line" for manifest-sourced resources, "" otherwise. */
export function sourceLabel(r: ResourceRef): string {
  if (!r.source) return '';
  return r.source.line !== undefined ? `${r.source.file}:${r.source.line}` : r.source.file;
}

/** Looks targets up by id; unknown ids fall back to a target named by its id. */
export function targetIndex(doc: ResultsDocument): (id: string) => ResultTarget {
  const byId = new Map(doc.targets.map((t) => [t.id, t]));
  return (id) => byId.get(id) ?? { id, kind: 'unknown', name: id };
}

/** "cis-docker@1.6.0" */
export function benchmarkRef(r: Pick<Result, 'benchmark'>): string {
  return `${r.benchmark.id}@${r.benchmark.version}`;
}

/** Compact JSON for evidence cells and lines; `undefined` becomes "". */
export function compactJson(v: JsonValue | undefined): string {
  return v === undefined ? '' : JSON.stringify(v);
}

/** Collapses runs of whitespace (newlines included) into one space and trims. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** One human-readable line of evidence for a finding. */
export function findingLine(f: Finding): string {
  const where = sourceLabel(f.resource);
  return (
    `[${f.status.toUpperCase()}] ${f.resource.kind} ${resourceLabel(f.resource)}${where ? ` (${where})` : ''}: ` +
    `${f.message}`
  );
}

/** Results in document order, unique by ref: one entry per control. */
export function controlsOf(doc: ResultsDocument): Result[] {
  const seen = new Map<string, Result>();
  for (const r of doc.results) if (!seen.has(r.ref)) seen.set(r.ref, r);
  return [...seen.values()];
}

/** Fixed namespace for Rampart's name-based UUIDs (itself the v5 UUID of "rampart.dev" in the URL namespace). */
export const RAMPART_UUID_NAMESPACE = uuidV5('https://rampart.dev', '6ba7b811-9dad-11d1-80b4-00c04fd430c8');

/** RFC 4122 version-5 (SHA-1, name-based) UUID: the same name in the same namespace gives the same UUID. */
export function uuidV5(name: string, namespace: string = RAMPART_UUID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`not a UUID: ${namespace}`);
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
