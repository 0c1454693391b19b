/**
 * Attestations: a person's recorded answer to a manual control or a process requirement, folded into the
 * control status and the framework roll-up, and always shown as attested (never as an automated pass).
 */
import type {
  AttestationRecord,
  AttestationRef,
  AttestationSpec,
  Result,
  ResultTarget,
} from '../core/types.js';
import { loadValidatedYaml, semanticError } from '../definitions/documents.js';
import { globMatch } from './match.js';

export type Attestation = AttestationSpec;

export function loadAttestations(file: string): Attestation[] {
  const { data, parsed } = loadValidatedYaml<{ attestations: Attestation[] }>(
    file,
    'attestations',
    'attestations',
  );
  data.attestations.forEach((a, i) => {
    if (a.expires && a.expires < a.date)
      throw semanticError(
        parsed,
        `/attestations/${i}/expires`,
        'expires before the attestation date',
        'attestations',
      );
  });
  return data.attestations;
}

export function attestationRef(a: Attestation, today: string): AttestationRef {
  return {
    ...(a.id ? { id: a.id } : {}),
    answer: a.answer,
    attester: a.attester,
    date: a.date,
    ...(a.expires ? { expires: a.expires } : {}),
    evidence: a.evidence,
    ...(a.note ? { note: a.note } : {}),
    expired: Boolean(a.expires && a.expires < today),
  };
}

function targetMatches(a: Attestation, target: ResultTarget | undefined): boolean {
  return !a.target || globMatch(a.target, target?.id) || globMatch(a.target, target?.name);
}

/** Applies control attestations to manual results; requirement attestations are used by the roll-up. */
export function applyAttestations(
  results: Result[],
  targets: ResultTarget[],
  attestations: Attestation[],
  today: string,
): { results: Result[]; register: AttestationRecord[] } {
  const byTarget = new Map(targets.map((t) => [t.id, t]));
  const used = new Map<Attestation, { state: AttestationRecord['state']; reason?: string }>();
  const out = results.map((r) => {
    const a = attestations.find((x) => x.control === r.ref && targetMatches(x, byTarget.get(r.target)));
    if (!a) return r;
    if (r.assessment !== 'manual') {
      used.set(a, {
        state: 'invalid',
        reason: `${r.ref} is automated; its result comes from the facts, not from an attestation`,
      });
      return r;
    }
    const ref = attestationRef(a, today);
    if (ref.expired) {
      used.set(a, { state: 'expired' });
      return {
        ...r,
        attestation: ref,
        reason: `${r.reason} (the attestation by ${a.attester} expired on ${a.expires})`,
      };
    }
    used.set(a, { state: 'applied' });
    const findings = r.findings.map((f) => ({ ...f, status: a.answer }));
    return {
      ...r,
      status: a.answer,
      findings,
      attestation: ref,
      reason: `Attested ${a.answer.replace('_', ' ')} by ${a.attester} on ${a.date} (evidence: ${a.evidence})`,
    };
  });
  const register: AttestationRecord[] = attestations.map((a) => {
    const u = used.get(a);
    const expired = Boolean(a.expires && a.expires < today);
    if (a.requirement) return { ...a, state: expired ? 'expired' : 'applied' };
    return {
      ...a,
      state: u?.state ?? (expired ? 'expired' : 'unused'),
      ...(u?.reason ? { reason: u.reason } : {}),
    };
  });
  return { results: out, register };
}
