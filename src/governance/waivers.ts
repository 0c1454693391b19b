/**
 * Waivers: accepted exceptions with governance data. A live waiver turns a failing finding into `waived`;
 * an expired one leaves it failing and is flagged; a waiver that matched nothing is reported as unused.
 */
import { loadValidatedYaml, semanticError } from '../definitions/documents.js';
import type { Finding, Result, ResultTarget, WaiverRecord, WaiverSpec } from '../core/types.js';
import { globMatch, refMatches } from './match.js';

export type Waiver = WaiverSpec;

function validDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function loadWaivers(file: string): Waiver[] {
  const { data, parsed } = loadValidatedYaml<{ waivers: Waiver[] }>(file, 'waivers', 'waivers');
  const seen = new Set<string>();
  data.waivers.forEach((w, i) => {
    if (seen.has(w.id))
      throw semanticError(parsed, `/waivers/${i}/id`, `duplicate waiver id "${w.id}"`, 'waivers');
    seen.add(w.id);
    if (!validDate(w.expires))
      throw semanticError(parsed, `/waivers/${i}/expires`, `"${w.expires}" is not a real date`, 'waivers');
    if (w.approved && !validDate(w.approved))
      throw semanticError(parsed, `/waivers/${i}/approved`, `"${w.approved}" is not a real date`, 'waivers');
    if (w.approved && w.approved > w.expires)
      throw semanticError(parsed, `/waivers/${i}/expires`, 'expires before it was approved', 'waivers');
    if (w.approver.trim().toLowerCase() === w.owner.trim().toLowerCase())
      throw semanticError(
        parsed,
        `/waivers/${i}/approver`,
        'the approver must be someone other than the owner',
        'waivers',
      );
  });
  return data.waivers;
}

/** ISO date (YYYY-MM-DD) of the assessment, used to decide expiry. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function selectorMatches(w: Waiver, finding: Finding | undefined, target: ResultTarget | undefined): boolean {
  const sel = w.resource;
  if (!sel) return true;
  if (sel.target && !(globMatch(sel.target, target?.id) || globMatch(sel.target, target?.name))) return false;
  if (!finding) return !sel.kind && !sel.id && !sel.name && !sel.namespace;
  const r = finding.resource;
  return (
    globMatch(sel.kind, r.kind) &&
    globMatch(sel.id, r.id) &&
    globMatch(sel.name, r.name) &&
    globMatch(sel.namespace, r.namespace)
  );
}

const FAILING = new Set(['fail', 'warn']);

export function applyWaivers(
  results: Result[],
  targets: ResultTarget[],
  waivers: Waiver[],
  today: string,
): { results: Result[]; register: WaiverRecord[] } {
  const byTarget = new Map(targets.map((t) => [t.id, t]));
  const matched = new Map<string, number>(waivers.map((w) => [w.id, 0]));
  const live = (w: Waiver) => w.expires >= today;
  const out = results.map((result) => {
    if (!FAILING.has(result.status)) return result;
    const candidates = waivers.filter((w) => refMatches(w.control, result.ref));
    if (!candidates.length) return result;
    const target = byTarget.get(result.target);
    const pick = (f: Finding | undefined) => {
      const hits = candidates.filter((w) => selectorMatches(w, f, target));
      return hits.find(live) ?? hits[0];
    };
    let findings = result.findings;
    let remainingFailures = 0;
    if (findings.length) {
      findings = findings.map((f) => {
        if (!FAILING.has(f.status)) return f;
        const w = pick(f);
        if (!w) {
          remainingFailures++;
          return f;
        }
        matched.set(w.id, (matched.get(w.id) ?? 0) + 1);
        if (live(w)) {
          return {
            ...f,
            status: 'waived' as const,
            waiver: { id: w.id, state: 'active' as const, expires: w.expires },
            message: `${f.message} [waived: ${w.id} until ${w.expires}]`,
          };
        }
        remainingFailures++;
        return {
          ...f,
          waiver: { id: w.id, state: 'expired' as const, expires: w.expires },
          message: `${f.message} [waiver ${w.id} EXPIRED on ${w.expires}]`,
        };
      });
    } else {
      const w = pick(undefined);
      if (w) {
        matched.set(w.id, (matched.get(w.id) ?? 0) + 1);
        if (live(w))
          return {
            ...result,
            status: 'waived' as const,
            reason: `${result.reason} [waived: ${w.id} until ${w.expires}]`,
          };
        return { ...result, reason: `${result.reason} [waiver ${w.id} EXPIRED on ${w.expires}]` };
      }
      remainingFailures = 1;
    }
    const anyWaived = findings.some((f) => f.status === 'waived');
    const anyExpired = findings.some((f) => f.waiver?.state === 'expired');
    let reason = result.reason;
    if (anyWaived) reason += ` [${findings.filter((f) => f.status === 'waived').length} finding(s) waived]`;
    if (anyExpired) reason += ' [an expired waiver no longer covers a failure]';
    return { ...result, findings, status: remainingFailures ? result.status : ('waived' as const), reason };
  });
  const register: WaiverRecord[] = waivers.map((w) => {
    const n = matched.get(w.id) ?? 0;
    const state: WaiverRecord['state'] = live(w)
      ? n
        ? 'applied'
        : 'unused'
      : n
        ? 'expired'
        : 'expired-unused';
    const { resource, ...rest } = w;
    return {
      ...rest,
      ...(resource ? { resource: resource as Record<string, string> } : {}),
      state,
      matched: n,
    };
  });
  return { results: out, register };
}
