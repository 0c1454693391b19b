import { RESULTS_SCHEMA_VERSION } from '../core/facts.js';
import { TOOL_NAME, toolVersion } from '../core/paths.js';
import {
  SEVERITIES,
  STATUSES,
  type FactSet,
  type JsonValue,
  type LoadedBenchmark,
  type Result,
  type ResultsDocument,
  type Status,
} from '../core/types.js';
import { evaluateControl } from './evaluate.js';
import { selectBenchmarks, selectControls, type Selection } from './selection.js';

export interface AssessOptions extends Selection {
  startedAt?: Date;
  options?: Record<string, JsonValue>;
}

export function summarize(results: Result[]): ResultsDocument['summary'] {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  const bySeverity: Record<string, number> = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  for (const r of results) {
    byStatus[r.status]++;
    if (r.status === 'fail') bySeverity[r.severity] = (bySeverity[r.severity] ?? 0) + 1;
  }
  return { total: results.length, byStatus, bySeverity };
}

/** Evaluates the selected controls of every applicable benchmark against every target of a fact set. */
export function assess(
  factSet: FactSet,
  benchmarks: LoadedBenchmark[],
  opts: AssessOptions = {},
): ResultsDocument {
  const startedAt = opts.startedAt ?? new Date();
  const results: Result[] = [];
  const used = new Map<string, LoadedBenchmark>();
  for (const target of factSet.targets) {
    for (const benchmark of selectBenchmarks(benchmarks, target.kind, opts)) {
      used.set(`${benchmark.id}@${benchmark.version}`, benchmark);
      for (const control of selectControls(benchmark, opts)) {
        results.push(evaluateControl(control, benchmark, target));
      }
    }
  }
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: toolVersion() },
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    ...(opts.options ? { options: opts.options } : {}),
    benchmarks: [...used.values()].map((b) => ({
      id: b.id,
      version: b.version,
      title: b.title,
      sections: b.sections,
    })),
    targets: factSet.targets.map((t) => ({
      id: t.id,
      kind: t.kind,
      name: t.name,
      ...(t.platform ? { platform: t.platform } : {}),
      ...(t.meta ? { meta: t.meta } : {}),
      ...(Object.keys(t.errors).length ? { errors: t.errors } : {}),
    })),
    summary: summarize(results),
    results,
  };
}
