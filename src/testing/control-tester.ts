/**
 * ControlTester runs the pass/fail/other cases embedded in each control, like ESLint's RuleTester.
 * It is public API: users run it on their own control directories with `rampart test <dir>`.
 */
import type { Control, ControlCase, FactTarget, LoadedBenchmark, Status } from '../core/types.js';
import { evaluateControl } from '../evaluator/evaluate.js';

export interface CaseOutcome {
  controlId: string;
  file?: string;
  kind: 'pass' | 'fail' | 'other';
  name: string;
  expected: Status;
  actual: Status;
  reason: string;
  ok: boolean;
}

export function expectedStatus(control: Control, kind: 'pass' | 'fail' | 'other', c: ControlCase): Status {
  if (c.expect) return c.expect;
  if (kind === 'pass') return 'pass';
  return control.scored ? 'fail' : 'warn';
}

export function runControlCases(control: Control, benchmark: LoadedBenchmark): CaseOutcome[] {
  const out: CaseOutcome[] = [];
  for (const kind of ['pass', 'fail', 'other'] as const) {
    for (const c of control.tests?.[kind] ?? []) {
      const target: FactTarget = {
        id: 'test-target',
        kind: benchmark.target,
        name: 'test target',
        facts: c.facts,
        errors: c.errors ?? {},
      };
      const expected = expectedStatus(control, kind, c);
      let actual: Status;
      let reason: string;
      try {
        const result = evaluateControl(control, benchmark, target);
        actual = result.status;
        reason = result.reason;
      } catch (err) {
        actual = 'error';
        reason = `evaluation threw: ${(err as Error).message}`;
      }
      out.push({
        controlId: control.id,
        file: control.file,
        kind,
        name: c.name,
        expected,
        actual,
        reason,
        ok: actual === expected,
      });
    }
  }
  return out;
}

export interface TesterSummary {
  benchmark: string;
  outcomes: CaseOutcome[];
  passed: number;
  failed: number;
  /** Automated controls without both a pass and a fail case (the loader rejects these too). */
  untested: string[];
}

export function testBenchmark(benchmark: LoadedBenchmark): TesterSummary {
  const outcomes = benchmark.ordered.flatMap((c) => runControlCases(c, benchmark));
  const untested = benchmark.ordered
    .filter((c) => c.assessment === 'automated' && (!c.tests?.pass?.length || !c.tests?.fail?.length))
    .map((c) => c.id);
  const passed = outcomes.filter((o) => o.ok).length;
  return {
    benchmark: `${benchmark.id}@${benchmark.version}`,
    outcomes,
    passed,
    failed: outcomes.length - passed,
    untested,
  };
}
