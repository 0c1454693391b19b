/**
 * After evaluation: attestations, risk, waivers, gaps, scores and framework roll-ups, in that order.
 * Pure: the same results, facts and files give the same document.
 */
import type { FactSet, ResultsDocument } from '../core/types.js';
import { summarize } from '../evaluator/assess.js';
import { mappingKey, type Mapping } from '../frameworks/mappings.js';
import { rollupFramework } from '../frameworks/rollup.js';
import { applyAttestations, type Attestation } from '../governance/attestations.js';
import { applyWaivers, type Waiver } from '../governance/waivers.js';
import { contextIndex, type ScopeRule } from './context.js';
import { findingRisk, rankGaps, scores } from './risk.js';

export interface FinalizeOptions {
  waivers?: Waiver[];
  attestations?: Attestation[];
  scope?: ScopeRule[];
  mappings?: Mapping[];
  /** Assessment day (YYYY-MM-DD) deciding waiver and attestation expiry. */
  today: string;
}

export function finalize(doc: ResultsDocument, facts: FactSet, opts: FinalizeOptions): ResultsDocument {
  const attestations = opts.attestations ?? [];
  const attested = applyAttestations(doc.results, doc.targets, attestations, opts.today);

  const lookups = new Map(facts.targets.map((t) => [t.id, contextIndex(t, opts.scope ?? [])]));
  const scored = attested.results.map((r) => {
    if (r.status !== 'fail' && r.status !== 'warn') return r;
    const lookup = lookups.get(r.target);
    if (!lookup) return r;
    return {
      ...r,
      findings: r.findings.map((f) => {
        if (f.status !== 'fail' && f.status !== 'warn') return f;
        const { risk, factors } = findingRisk(r.severity, lookup(f.resource));
        return { ...f, risk, riskFactors: factors };
      }),
    };
  });

  const waived = applyWaivers(scored, doc.targets, opts.waivers ?? [], opts.today);
  const results = waived.results;
  const names = new Map(doc.targets.map((t) => [t.id, t.name]));
  const mappings = opts.mappings ?? [];
  const keys = new Set(mappings.flatMap((m) => m.requirements.map((r) => `${mappingKey(m)}/${r.id}`)));
  const register = attested.register.map((a) =>
    a.requirement && !keys.has(a.requirement)
      ? { ...a, state: 'unused' as const, reason: `no loaded framework has requirement ${a.requirement}` }
      : a,
  );
  return {
    ...doc,
    results,
    summary: summarize(results),
    scores: scores(results),
    gaps: rankGaps(results, names),
    frameworks: mappings.map((m) => rollupFramework(m, results, attestations, opts.today)),
    waivers: waived.register,
    attestations: register,
  };
}
