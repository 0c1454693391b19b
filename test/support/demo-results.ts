import { join } from 'node:path';
import type { ResultsDocument } from '../../src/core/types.js';
import { demoDefaults, demoFactsPath } from '../../src/cli/commands/demo.js';
import { loadGovernance } from '../../src/cli/governance.js';
import { loadBenchmarks } from '../../src/cli/shared.js';
import { readFactSet } from '../../src/definitions/factset.js';
import { assess } from '../../src/evaluator/assess.js';
import { finalize } from '../../src/scoring/finalize.js';

let cached: ResultsDocument | undefined;

/** The demo estate's full results (117 controls, frameworks, waivers, attestations), computed once. */
export function demoResults(): ResultsDocument {
  if (cached) return cached;
  const defaults = demoDefaults();
  const benchmarks = loadBenchmarks().filter((b) => b.id === 'cis-docker');
  const facts = readFactSet(demoFactsPath());
  const governance = loadGovernance(
    { scope: defaults.scope, waivers: defaults.waivers, attestations: defaults.attestations },
    benchmarks,
    join(demoFactsPath(), '..'),
  );
  const evaluated = assess(facts, benchmarks, { startedAt: new Date('2024-08-06T10:00:00Z') });
  cached = finalize(evaluated, facts, { ...governance, today: defaults['as-of'] });
  return cached;
}
