/**
 * Risk, gaps and posture. Pure functions; the formula is documented in docs/scoring.md and unit-tested.
 */
import { SEVERITY_RANK, type Gap, type Result, type Scores, type Severity } from '../core/types.js';
import type { ResourceContext } from './context.js';

/** Base risk of a failing finding by severity. */
export const BASE_RISK: Record<Severity, number> = { critical: 80, high: 60, medium: 40, low: 20, info: 5 };

/** Multiplier increments by context; they add up, and the product is capped at 100. */
export const RISK_FACTORS = {
  cde: 0.35,
  'internet-facing': 0.3,
  exposed: 0.15,
  privileged: 0.25,
  elevated: 0.1,
  production: 0.1,
  'non-production': -0.4,
} as const;

export function findingRisk(severity: Severity, ctx: ResourceContext): { risk: number; factors: string[] } {
  let m = 1;
  const factors: string[] = [];
  const add = (name: keyof typeof RISK_FACTORS, why?: string) => {
    m += RISK_FACTORS[name];
    factors.push(why ? `${name}: ${why}` : name);
  };
  if (ctx.tags.includes('cde')) add('cde');
  if (ctx.tags.includes('internet-facing')) add('internet-facing');
  else if (ctx.exposed.length) add('exposed', ctx.exposed.join('; '));
  if (ctx.privileged.length) add('privileged', ctx.privileged.join('; '));
  else if (ctx.elevated.length) add('elevated', ctx.elevated.join('; '));
  if (ctx.tags.includes('production')) add('production');
  if (ctx.tags.includes('non-production')) add('non-production');
  return { risk: Math.max(1, Math.min(100, Math.round(BASE_RISK[severity] * Math.max(m, 0.2)))), factors };
}

/** Breadth: a control failing on many resources is a bigger gap than the same failure on one. */
export function breadthBonus(resources: number): number {
  return resources <= 1 ? 0 : Math.min(10, Math.round(5 * Math.log2(resources)));
}

const FAILING = new Set(['fail']);

/** Groups failing findings (expired waivers included) into control × target gaps, highest risk first. */
export function rankGaps(results: Result[], targetNames: Map<string, string>): Gap[] {
  const gaps: Omit<Gap, 'rank'>[] = [];
  for (const r of results) {
    if (!FAILING.has(r.status)) continue;
    const failing = r.findings.filter((f) => FAILING.has(f.status));
    const maxRisk = failing.reduce(
      (m, f) => Math.max(m, f.risk ?? 0),
      failing.length ? 0 : BASE_RISK[r.severity],
    );
    const top = [...failing].sort((a, b) => (b.risk ?? 0) - (a.risk ?? 0));
    const factors = [...new Set(top.flatMap((f) => (f.riskFactors ?? []).map((x) => x.split(':')[0] ?? x)))];
    gaps.push({
      ref: r.ref,
      controlId: r.controlId,
      title: r.title,
      severity: r.severity,
      target: targetNames.get(r.target) ?? r.target,
      risk: Math.min(100, maxRisk + breadthBonus(failing.length)),
      resources: Math.max(1, failing.length),
      examples: top
        .slice(0, 5)
        .map((f) => (f.resource.namespace ? `${f.resource.namespace}/${f.resource.name}` : f.resource.name)),
      factors,
      ...(r.remediation ? { remediation: r.remediation } : {}),
    });
  }
  gaps.sort(
    (a, b) =>
      b.risk - a.risk ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      b.resources - a.resources ||
      a.ref.localeCompare(b.ref, 'en', { numeric: true }),
  );
  return gaps.map((g, i) => ({ rank: i + 1, ...g }));
}

export const POSTURE_WEIGHT: Record<Severity, number> = {
  critical: 10,
  high: 5,
  medium: 3,
  low: 1,
  info: 0.5,
};

/**
 * Posture: severity-weighted share of evaluated automated controls that pass (waived = accepted, counts as
 * passing; warn = unscored, left out). Coverage: share of applicable automated controls actually checked.
 */
export function scores(results: Result[]): Scores {
  const automated = results.filter((r) => r.assessment === 'automated');
  const applicable = automated.filter((r) => r.status !== 'not_applicable');
  const checked = applicable.filter((r) => r.status !== 'error');
  const evaluated = applicable.filter(
    (r) => r.status === 'pass' || r.status === 'fail' || r.status === 'waived',
  );
  const total = evaluated.reduce((s, r) => s + POSTURE_WEIGHT[r.severity], 0);
  const good = evaluated
    .filter((r) => r.status !== 'fail')
    .reduce((s, r) => s + POSTURE_WEIGHT[r.severity], 0);
  return {
    posture: total ? Math.round((good / total) * 1000) / 10 : 0,
    coverage: applicable.length ? Math.round((checked.length / applicable.length) * 1000) / 10 : 0,
    counts: { evaluated: evaluated.length, applicable: applicable.length, checked: checked.length },
  };
}
