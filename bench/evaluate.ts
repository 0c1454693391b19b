/**
 * Evaluation cost alone: the demo host's containers replicated to N, every CIS Docker control evaluated.
 * Prints wall time and peak RSS per N; no assertions (figures, not timed tests).
 */
import { join } from 'node:path';
import { loadBenchmarks } from '../src/cli/shared.js';
import { packageRoot } from '../src/core/paths.js';
import type { FactSet, JsonValue } from '../src/core/types.js';
import { readFactSet } from '../src/definitions/factset.js';
import { assess } from '../src/evaluator/assess.js';

function scaled(base: FactSet, n: number): FactSet {
  const target = base.targets[0]!;
  const containers = (target.facts['docker.containers'] as JsonValue[]) ?? [];
  const many: JsonValue[] = [];
  for (let i = 0; i < n; i++) {
    const c = containers[i % containers.length] as Record<string, JsonValue>;
    many.push({
      ...c,
      Id: `${i.toString(16).padStart(12, '0')}${String(c.Id).slice(12)}`,
      Name: `${String(c.Name)}-${i}`,
    });
  }
  return { ...base, targets: [{ ...target, facts: { ...target.facts, 'docker.containers': many } }] };
}

export function benchEvaluate(sizes = [10, 100, 1_000, 10_000]): void {
  const benchmarks = loadBenchmarks();
  const base = readFactSet(join(packageRoot(), 'demo', 'docker-host.facts.json'));
  console.log('\nEvaluation of all CIS Docker 1.6.0 controls (no I/O)');
  console.log(
    'containers'.padStart(10),
    'results'.padStart(8),
    'findings'.padStart(9),
    'wall ms'.padStart(9),
    'peak RSS MiB'.padStart(13),
  );
  for (const n of sizes) {
    const facts = scaled(base, n);
    const started = process.hrtime.bigint();
    const doc = assess(facts, benchmarks);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const findings = doc.results.reduce((s, r) => s + r.findings.length, 0);
    const rss = process.resourceUsage().maxRSS / 1024;
    console.log(
      String(n).padStart(10),
      String(doc.results.length).padStart(8),
      String(findings).padStart(9),
      ms.toFixed(1).padStart(9),
      rss.toFixed(0).padStart(13),
    );
  }
}
