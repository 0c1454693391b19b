import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { LoadedBenchmark } from '../core/types.js';
import { loadMappings, type Mapping } from '../frameworks/mappings.js';
import { loadAttestations, type Attestation } from '../governance/attestations.js';
import { loadScope } from '../governance/scope.js';
import { loadWaivers, type Waiver } from '../governance/waivers.js';
import type { ScopeRule } from '../scoring/context.js';
import { matchesBenchmark } from '../evaluator/selection.js';

export interface GovernanceArgs {
  framework?: string[];
  scope?: string;
  waivers?: string;
  attestations?: string;
  'as-of'?: string;
}

export interface Governance {
  mappings: Mapping[];
  waivers: Waiver[];
  attestations: Attestation[];
  scope: ScopeRule[];
}

/** Selected framework mappings: all bundled ones, or those named with --framework (id or id@version). */
export function selectMappings(all: Mapping[], wanted: string[] | undefined): Mapping[] {
  if (!wanted?.length) return all;
  const specs = wanted
    .flatMap((w) => w.split(','))
    .map((w) => w.trim())
    .filter(Boolean);
  for (const spec of specs) {
    if (!all.some((m) => matchesBenchmark(m.framework, spec))) {
      throw new UsageError(
        `unknown framework "${spec}"`,
        `available: ${all.map((m) => `${m.framework.id}@${m.framework.version}`).join(', ')}`,
      );
    }
  }
  return all.filter((m) => specs.some((spec) => matchesBenchmark(m.framework, spec)));
}

export function loadGovernance(args: GovernanceArgs, benchmarks: LoadedBenchmark[], cwd: string): Governance {
  if (args['as-of'] !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(args['as-of'])) {
    throw new UsageError(`--as-of "${args['as-of']}" is not a date`, 'use YYYY-MM-DD');
  }
  const file = (f: string | undefined) => (f ? resolve(cwd, f) : undefined);
  const w = file(args.waivers);
  const a = file(args.attestations);
  const s = file(args.scope);
  return {
    mappings: selectMappings(loadMappings(benchmarks), args.framework),
    waivers: w ? loadWaivers(w) : [],
    attestations: a ? loadAttestations(a) : [],
    scope: s ? loadScope(s) : [],
  };
}
