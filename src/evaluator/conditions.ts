import type { Condition, JsonValue } from '../core/types.js';
import { CHECKS } from './checks.js';
import { OPERATORS, formatValue } from './operators.js';
import { parsePath, resolve, resolveItems } from './path.js';

/** One observation made while testing a condition. */
export interface Detail {
  path: string;
  observed: unknown;
  expected: string;
  ok: boolean;
  message: string;
}

export interface Outcome {
  /** pass / fail, or a check's verdict that the resource could not be checked or does not apply. */
  verdict: 'pass' | 'fail' | 'error' | 'not_applicable';
  details: Detail[];
  /** Reason for error / not_applicable verdicts. */
  reason?: string;
}

export interface EvalScope {
  /** The whole fact map of the target (for `$facts[...]` paths). */
  facts: Readonly<Record<string, JsonValue>>;
}

const MAX_ITEMS_IN_EVIDENCE = 20;

function leaf(
  field: string,
  opName: string,
  value: JsonValue | undefined,
  label: string | undefined,
  resource: unknown,
  scope: EvalScope,
): Outcome {
  const op = OPERATORS.get(opName);
  if (!op) throw new Error(`unknown operator "${opName}"`); // the loader rejects these first
  const path = parsePath(field);
  const observed = resolve(path, resource, scope.facts);
  const ok = op.test(observed, value);
  const name = label ?? (field === '.' ? 'value' : field);
  const expected = op.describe(value);
  const message = ok
    ? `${name} is ${formatValue(observed)}`
    : `expected ${name} ${expected}, found ${formatValue(observed)}`;
  return { verdict: ok ? 'pass' : 'fail', details: [{ path: field, observed, expected, ok, message }] };
}

function combine(outcomes: Outcome[], mode: 'all' | 'any'): Outcome {
  const passes = outcomes.filter((o) => o.verdict === 'pass');
  const fails = outcomes.filter((o) => o.verdict === 'fail');
  const errors = outcomes.filter((o) => o.verdict === 'error');
  const nas = outcomes.filter((o) => o.verdict === 'not_applicable');
  const flat = (list: Outcome[]) => list.flatMap((o) => o.details);
  if (mode === 'all') {
    if (fails.length) return { verdict: 'fail', details: flat(fails) };
    if (errors.length) return { verdict: 'error', details: flat(errors), reason: errors[0]?.reason };
    if (nas.length && !passes.length)
      return { verdict: 'not_applicable', details: [], reason: nas[0]?.reason };
    return { verdict: 'pass', details: flat(outcomes) };
  }
  if (passes.length) return { verdict: 'pass', details: flat(passes.slice(0, 1)) };
  if (errors.length) return { verdict: 'error', details: flat(errors), reason: errors[0]?.reason };
  if (nas.length && !fails.length) return { verdict: 'not_applicable', details: [], reason: nas[0]?.reason };
  return { verdict: 'fail', details: flat(outcomes) };
}

function itemLabel(path: string, item: unknown): string {
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    for (const key of ['Destination', 'Source', 'Name', 'name', 'path', 'HostPort', 'command']) {
      if (typeof o[key] === 'string' && o[key]) return `${path} item ${JSON.stringify(o[key])}`;
    }
  }
  return `${path} item ${formatValue(item)}`;
}

function quantifier(
  kind: 'every' | 'some' | 'none',
  pathSource: string,
  test: Condition,
  label: string | undefined,
  resource: unknown,
  scope: EvalScope,
): Outcome {
  const items = resolveItems(parsePath(pathSource), resource, scope.facts);
  const name = label ?? pathSource;
  const results = items.map((item) => ({ item, outcome: evaluateCondition(test, item, scope) }));
  const errored = results.filter((r) => r.outcome.verdict === 'error');
  const matching = results.filter((r) => r.outcome.verdict === 'pass');
  const notMatching = results.filter((r) => r.outcome.verdict === 'fail');
  const describeItems = (list: typeof results) =>
    list.slice(0, MAX_ITEMS_IN_EVIDENCE).map((r) => r.item) as unknown[];
  const innerExpected = results[0]?.outcome.details.map((d) => `${d.path} ${d.expected}`).join(' and ') ?? '';
  switch (kind) {
    case 'none': {
      if (matching.length) {
        const message = matching
          .slice(0, 5)
          .map((r) => `${itemLabel(name, r.item)}: ${r.outcome.details.map((d) => d.message).join('; ')}`)
          .join('; ');
        return {
          verdict: 'fail',
          details: [
            {
              path: pathSource,
              observed: describeItems(matching),
              expected: `no item where ${innerExpected}`,
              ok: false,
              message: `expected no ${name} item to match, found ${matching.length}: ${message}`,
            },
          ],
        };
      }
      if (errored.length) return { verdict: 'error', details: [], reason: errored[0]?.outcome.reason };
      return {
        verdict: 'pass',
        details: [
          {
            path: pathSource,
            observed: describeItems(results),
            expected: 'no matching item',
            ok: true,
            message: items.length ? `none of ${items.length} ${name} item(s) match` : `${name} has no items`,
          },
        ],
      };
    }
    case 'every': {
      if (notMatching.length) {
        const message = notMatching
          .slice(0, 5)
          .map(
            (r) =>
              `${itemLabel(name, r.item)}: ${r.outcome.details
                .filter((d) => !d.ok)
                .map((d) => d.message)
                .join('; ')}`,
          )
          .join('; ');
        return {
          verdict: 'fail',
          details: [
            {
              path: pathSource,
              observed: describeItems(notMatching),
              expected: 'every item to match',
              ok: false,
              message: `${notMatching.length} of ${items.length} ${name} item(s) do not match: ${message}`,
            },
          ],
        };
      }
      if (errored.length) return { verdict: 'error', details: [], reason: errored[0]?.outcome.reason };
      return {
        verdict: 'pass',
        details: [
          {
            path: pathSource,
            observed: describeItems(results),
            expected: 'every item to match',
            ok: true,
            message: items.length ? `all ${items.length} ${name} item(s) match` : `${name} has no items`,
          },
        ],
      };
    }
    case 'some': {
      if (matching.length) {
        return {
          verdict: 'pass',
          details: [
            {
              path: pathSource,
              observed: describeItems(matching),
              expected: 'at least one matching item',
              ok: true,
              message: `${itemLabel(name, matching[0]?.item)} matches`,
            },
          ],
        };
      }
      if (errored.length) return { verdict: 'error', details: [], reason: errored[0]?.outcome.reason };
      const expectedText = innerExpected ? `an item where ${innerExpected}` : 'at least one matching item';
      return {
        verdict: 'fail',
        details: [
          {
            path: pathSource,
            observed: describeItems(results),
            expected: expectedText,
            ok: false,
            message: items.length
              ? `expected ${name} to contain ${expectedText}; none of ${items.length} item(s) does`
              : `expected ${name} to contain ${expectedText}; it has no items`,
          },
        ],
      };
    }
  }
}

/** Evaluates a condition against one resource. Pure and synchronous. */
export function evaluateCondition(cond: Condition, resource: unknown, scope: EvalScope): Outcome {
  if ('field' in cond) return leaf(cond.field, cond.op, cond.value, cond.label, resource, scope);
  if ('all' in cond)
    return combine(
      cond.all.map((c) => evaluateCondition(c, resource, scope)),
      'all',
    );
  if ('any' in cond)
    return combine(
      cond.any.map((c) => evaluateCondition(c, resource, scope)),
      'any',
    );
  if ('not' in cond) {
    const inner = evaluateCondition(cond.not, resource, scope);
    if (inner.verdict === 'error' || inner.verdict === 'not_applicable') return inner;
    const ok = inner.verdict === 'fail';
    return {
      verdict: ok ? 'pass' : 'fail',
      details: inner.details.map((d) => ({
        ...d,
        ok,
        expected: `not ${d.expected}`,
        message: ok ? d.message : `expected not: ${d.message}`,
      })),
    };
  }
  if ('every' in cond) return quantifier('every', cond.every, cond.test, cond.label, resource, scope);
  if ('some' in cond) return quantifier('some', cond.some, cond.test, cond.label, resource, scope);
  if ('none' in cond) return quantifier('none', cond.none, cond.test, cond.label, resource, scope);
  if ('check' in cond) {
    const check = CHECKS.get(cond.check);
    if (!check) throw new Error(`unknown check "${cond.check}"`);
    return check.run(resource, cond.with ?? {}, scope);
  }
  throw new Error(`unrecognised condition ${JSON.stringify(cond)}`);
}
