import type {
  Benchmark,
  Control,
  FactTarget,
  Finding,
  JsonValue,
  ResourceRef,
  Result,
  Status,
} from '../core/types.js';
import { evaluateCondition, type Detail, type EvalScope } from './conditions.js';
import { parsePath, resolve, resolveItems } from './path.js';

export function controlRef(benchmark: Pick<Benchmark, 'id' | 'version'>, controlId: string): string {
  return `${benchmark.id}@${benchmark.version}/${controlId}`;
}

/** Section of a control id: the longest declared section id that prefixes it. */
export function sectionOf(benchmark: Pick<Benchmark, 'sections'>, controlId: string): string | undefined {
  let best: string | undefined;
  for (const s of benchmark.sections) {
    if (controlId === s.id || controlId.startsWith(`${s.id}.`)) {
      if (!best || s.id.length > best.length) best = s.id;
    }
  }
  return best;
}

const toJson = (v: unknown): JsonValue => (v === undefined ? null : (v as JsonValue));

function str(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function resourceRef(control: Control, resource: unknown, target: FactTarget, index: number): ResourceRef {
  const spec = control.resource;
  if (!control.given && (!spec || (!spec.id && !spec.name))) {
    return { kind: spec?.kind ?? target.kind, id: target.id, name: target.name };
  }
  const kind = spec?.kind ?? 'resource';
  const pick = (p: string | undefined) => (p ? str(resolve(parsePath(p), resource, undefined)) : undefined);
  const id = pick(spec?.id) ?? pick(spec?.name) ?? `${kind}[${index}]`;
  const name = pick(spec?.name) ?? id;
  const ref: ResourceRef = { kind, id, name };
  const namespace = pick(spec?.namespace);
  if (namespace) ref.namespace = namespace;
  const source = (resource as { _source?: ResourceRef['source'] } | null)?._source;
  if (source && typeof source === 'object') ref.source = source;
  return ref;
}

function evidence(details: Detail[], onlyFailing: boolean): { observed: JsonValue; expected: JsonValue } {
  const chosen = onlyFailing ? details.filter((d) => !d.ok) : details;
  const list = chosen.length ? chosen : details;
  const observed: Record<string, JsonValue> = {};
  const expected: Record<string, JsonValue> = {};
  for (const d of list) {
    observed[d.path] = toJson(d.observed);
    expected[d.path] = d.expected;
  }
  return { observed, expected };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function missingFacts(control: Control, target: FactTarget): string | undefined {
  for (const id of control.facts) {
    const err = target.errors[id];
    if (err !== undefined) return `${id} could not be collected: ${err}`;
    if (!(id in target.facts)) return `${id} was not collected for this target`;
  }
  return undefined;
}

interface EvalOptions {
  /** Unscored controls report warn instead of fail. */
  scored?: boolean;
}

/** Evaluates one control against one target's facts. Pure: same facts, same result. */
export function evaluateControl(
  control: Control,
  benchmark: Pick<Benchmark, 'id' | 'version' | 'sections'>,
  target: FactTarget,
  _opts: EvalOptions = {},
): Result {
  const base = {
    ref: controlRef(benchmark, control.id),
    benchmark: { id: benchmark.id, version: benchmark.version },
    controlId: control.id,
    title: control.title,
    severity: control.severity,
    level: control.level,
    assessment: control.assessment,
    scored: control.scored,
    target: target.id,
    rationale: control.rationale,
    remediation: control.remediation,
    section: sectionOf(benchmark, control.id),
  };
  const done = (status: Status, reason: string, findings: Finding[] = []): Result => ({
    ...base,
    status,
    reason,
    findings,
  });
  const scope: EvalScope = { facts: target.facts };
  const firstFact = control.facts[0];
  const root = firstFact !== undefined ? target.facts[firstFact] : undefined;

  // `applies` also holds for manual controls (e.g. swarm controls on an engine not in a swarm), as long as
  // the fact it reads was collected; otherwise the manual review stands.
  if (control.applies) {
    const appliesFact = control.applies.fact;
    const collected = appliesFact in target.facts && target.errors[appliesFact] === undefined;
    if (control.assessment === 'automated' || collected) {
      if (!collected)
        return done('error', missingFacts({ ...control, facts: [appliesFact] }, target) ?? 'not collected');
      const outcome = evaluateCondition(control.applies.when, target.facts[appliesFact], scope);
      if (outcome.verdict !== 'pass') return done('not_applicable', control.applies.reason);
    }
  }

  if (control.assessment === 'manual') {
    const findings: Finding[] = [];
    const paths = control.evidence ?? [];
    if (paths.length && root !== undefined && !missingFacts(control, target)) {
      const resources = control.given ? resolveItems(parsePath(control.given), root, target.facts) : [root];
      resources.forEach((resource, i) => {
        const observed: Record<string, JsonValue> = {};
        for (const p of paths) observed[p] = toJson(resolve(parsePath(p), resource, target.facts));
        findings.push({
          resource: resourceRef(control, resource, target, i),
          status: 'manual',
          observed,
          expected: 'review by a person (see the audit procedure)',
          message: paths.map((p) => `${p}: ${JSON.stringify(observed[p])}`).join('; '),
        });
      });
    }
    return done('manual', 'Needs review by a person; follow the audit procedure', findings);
  }

  const missing = missingFacts(control, target);
  if (missing) return done('error', missing);

  let resources = control.given ? resolveItems(parsePath(control.given), root, target.facts) : [root];
  if (control.where) {
    const where = control.where;
    resources = resources.filter((r) => evaluateCondition(where, r, scope).verdict === 'pass');
  }
  if (resources.length === 0) {
    const empty = control.whenEmpty ?? {
      status: 'not_applicable' as const,
      reason: `No ${control.resource?.kind ?? 'resource'}s to evaluate on this target`,
    };
    return done(empty.status, empty.reason);
  }

  const failStatus: Status = control.scored ? 'fail' : 'warn';
  const findings: Finding[] = resources.map((resource, i) => {
    const ref = resourceRef(control, resource, target, i);
    const resourceError = (resource as { error?: unknown } | null)?.error;
    if (typeof resourceError === 'string' && resourceError) {
      return { resource: ref, status: 'error', observed: null, expected: null, message: resourceError };
    }
    for (const req of control.requires ?? []) {
      const pre = evaluateCondition(req.when, resource, scope);
      if (pre.verdict !== 'pass') {
        const why = pre.details.find((d) => !d.ok)?.message;
        return {
          resource: ref,
          status: 'error',
          observed: null,
          expected: null,
          message: why ? `${req.reason} (${why})` : req.reason,
        };
      }
    }
    if (!control.test) {
      return {
        resource: ref,
        status: 'error',
        observed: null,
        expected: null,
        message: 'control has no test',
      };
    }
    const outcome = evaluateCondition(control.test, resource, scope);
    if (outcome.verdict === 'error' || outcome.verdict === 'not_applicable') {
      return {
        resource: ref,
        status: outcome.verdict,
        observed: null,
        expected: null,
        message: outcome.reason ?? (outcome.verdict === 'error' ? 'could not be checked' : 'does not apply'),
      };
    }
    const ok = outcome.verdict === 'pass';
    const ev = evidence(outcome.details, !ok);
    const messages = [
      ...new Set((ok ? outcome.details : outcome.details.filter((d) => !d.ok)).map((d) => d.message)),
    ];
    return {
      resource: ref,
      status: ok ? 'pass' : failStatus,
      observed: ev.observed,
      expected: ev.expected,
      message: messages.join('; '),
    };
  });

  const count = (s: Status) => findings.filter((f) => f.status === s).length;
  const kind = control.resource?.kind ?? 'resource';
  const failed = count(failStatus);
  const errored = count('error');
  const na = count('not_applicable');
  const total = findings.length;
  if (failed) {
    const first = findings.find((f) => f.status === failStatus);
    const reason =
      total === 1 && first
        ? first.message
        : `${failed} of ${plural(total, kind)} failed${errored ? `, ${errored} could not be checked` : ''}`;
    return done(failStatus, reason, findings);
  }
  if (errored) {
    const first = findings.find((f) => f.status === 'error');
    return done(
      'error',
      `${errored} of ${plural(total, kind)} could not be checked: ${first?.message ?? 'unknown reason'}`,
      findings,
    );
  }
  if (na === total) {
    return done('not_applicable', findings[0]?.message ?? 'does not apply', findings);
  }
  const checked = total - na;
  const reason =
    total === 1
      ? (findings[0]?.message ?? 'passed')
      : `All ${plural(checked, kind)} passed${na ? ` (${na} not applicable)` : ''}`;
  return done('pass', reason, findings);
}
