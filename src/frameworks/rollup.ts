/**
 * Requirement roll-up: each requirement's status from the results mapped to it, and per framework a
 * compliance percentage with a coverage percentage beside it. Rules are in docs/frameworks.md.
 */
import type { FrameworkRollup, RequirementRollup, RequirementStatus, Result } from '../core/types.js';
import { attestationRef, type Attestation } from '../governance/attestations.js';
import { refMatches } from '../governance/match.js';
import { mappingKey, type Mapping } from './mappings.js';

const DECIDED = new Set(['pass', 'fail', 'waived']);

function pct(n: number, d: number): number {
  return d ? Math.round((n / d) * 1000) / 10 : 0;
}

export function rollupRequirement(
  req: Mapping['requirements'][number],
  results: Result[],
  attestation: Attestation | undefined,
  today: string,
): RequirementRollup {
  const evidence: RequirementRollup['evidence'] = [];
  for (const edge of req.controls ?? []) {
    for (const r of results) {
      if (refMatches(edge.ref, r.ref))
        evidence.push({ ref: r.ref, strength: edge.strength, target: r.target, status: r.status });
    }
  }
  const base = {
    id: req.id,
    title: req.title,
    ...(req.section ? { section: req.section } : {}),
    ...(req.legacy?.length ? { legacy: req.legacy } : {}),
    ...(req.attestation ? { attestationNeeded: req.attestation } : {}),
  };
  const byId = new Map(results.map((r) => [`${r.ref}|${r.target}`, r]));
  const automatedDecided = evidence.filter(
    (e) => DECIDED.has(e.status) && byId.get(`${e.ref}|${e.target}`)?.assessment === 'automated',
  );
  const automated = automatedDecided.length > 0;
  const att = attestation ? attestationRef(attestation, today) : undefined;
  const liveAtt = att && !att.expired ? att : undefined;
  const done = (status: RequirementStatus, reason: string): RequirementRollup => ({
    ...base,
    status,
    reason,
    automated,
    evidence,
    ...(att ? { attestation: att } : {}),
  });
  const strong = evidence.filter((e) => e.strength !== 'supporting');
  const failedStrong = strong.filter((e) => e.status === 'fail');
  if (failedStrong.length) {
    return done(
      'not_met',
      `${failedStrong.length} mapped control result(s) fail: ${[...new Set(failedStrong.map((e) => e.ref))].slice(0, 5).join(', ')}`,
    );
  }
  if (liveAtt?.answer === 'fail')
    return done('not_met', `attested as not met by ${liveAtt.attester} on ${liveAtt.date}`);
  const decided = evidence.filter((e) => DECIDED.has(e.status));
  if (!decided.length) {
    if (liveAtt?.answer === 'pass')
      return done(
        'met',
        `attested by ${liveAtt.attester} on ${liveAtt.date} (evidence: ${liveAtt.evidence})`,
      );
    if (liveAtt?.answer === 'not_applicable')
      return done('not_assessed', `attested not applicable by ${liveAtt.attester} on ${liveAtt.date}`);
    const expired = att?.expired ? ` (the attestation by ${att.attester} expired on ${att.expires})` : '';
    const manual = evidence.filter((e) => e.status === 'manual').length;
    const errors = evidence.filter((e) => e.status === 'error').length;
    if (!req.controls?.length || req.attestation) {
      return done(
        'needs_attestation',
        `no automated result decides this requirement: ${req.attestation ?? 'a person must attest it'}${expired}`,
      );
    }
    if (manual) return done('needs_attestation', `${manual} mapped manual control(s) await review${expired}`);
    if (errors)
      return done('not_assessed', `${errors} mapped control result(s) could not be checked (error)`);
    if (!evidence.length)
      return done('not_assessed', 'none of the mapped controls was part of this assessment');
    return done('not_assessed', 'every mapped control was not applicable in this assessment');
  }
  const gaps: string[] = [];
  const directPass = evidence.some(
    (e) => e.strength === 'direct' && (e.status === 'pass' || e.status === 'waived'),
  );
  // A person's live attestation that the requirement is met closes the gap automated evidence leaves.
  if (!directPass && liveAtt?.answer !== 'pass') gaps.push('only partial or supporting evidence');
  const errors = evidence.filter(
    (e) => e.status === 'error' || (e.strength !== 'supporting' && e.status === 'manual'),
  ).length;
  if (errors) gaps.push(`${errors} mapped result(s) not checked or awaiting review`);
  const supportingFails = evidence.filter((e) => e.strength === 'supporting' && e.status === 'fail').length;
  if (supportingFails) gaps.push(`${supportingFails} supporting control(s) fail`);
  if (req.attestation && liveAtt?.answer !== 'pass') gaps.push(`needs attestation: ${req.attestation}`);
  const waived = evidence.filter((e) => e.status === 'waived').length;
  if (!gaps.length) {
    return done(
      'met',
      `${decided.length} mapped result(s) pass${waived ? ` (${waived} waived)` : ''}${liveAtt ? `; attested by ${liveAtt.attester}` : ''}`,
    );
  }
  return done('partial', gaps.join('; '));
}

export function rollupFramework(
  mapping: Mapping,
  results: Result[],
  attestations: Attestation[],
  today: string,
): FrameworkRollup {
  const key = mappingKey(mapping);
  const requirements = mapping.requirements.map((req) =>
    rollupRequirement(
      req,
      results,
      attestations.find((a) => a.requirement === `${key}/${req.id}`),
      today,
    ),
  );
  const counts = {
    met: 0,
    not_met: 0,
    partial: 0,
    needs_attestation: 0,
    not_assessed: 0,
    total: requirements.length,
  };
  for (const r of requirements) counts[r.status]++;
  const inScope = counts.total - counts.not_assessed;
  return {
    id: mapping.framework.id,
    version: mapping.framework.version,
    title: mapping.framework.title,
    ...(mapping.framework.legacyVersion ? { legacyVersion: mapping.framework.legacyVersion } : {}),
    counts,
    compliance: pct(counts.met, inScope),
    coverage: pct(requirements.filter((r) => r.automated).length, counts.total),
    requirements,
  };
}
