/**
 * Every bundled control's embedded cases, run through ControlTester (one test per case), plus the
 * integrity checks of the bundled benchmarks.
 */
import { expect } from 'chai';
import { basename } from 'node:path';
import { bundledBenchmarkDirs, loadBenchmarkDir } from '../src/definitions/benchmarks.js';
import { formatProblem } from '../src/definitions/yaml.js';
import { runControlCases } from '../src/testing/control-tester.js';

for (const dir of bundledBenchmarkDirs()) {
  const out = loadBenchmarkDir(dir);
  const name = `${basename(dir, '')}`;
  describe(`benchmark ${dir.split('/benchmarks/')[1] ?? name}`, () => {
    it('loads without a single problem', () => {
      expect(out.problems.map(formatProblem)).to.deep.equal([]);
    });
    const bench = out.partial;
    if (!bench) return;

    it('has unique titles and complete prose for every control', () => {
      const titles = new Set<string>();
      for (const c of bench.ordered) {
        expect(titles.has(c.title), `duplicate title "${c.title}" (${c.id})`).to.equal(false);
        titles.add(c.title);
        expect(c.rationale.length, `${c.id} rationale`).to.be.greaterThan(40);
        expect(c.remediation.length, `${c.id} remediation`).to.be.greaterThan(20);
        expect(c.audit.length, `${c.id} audit`).to.be.greaterThan(20);
      }
    });

    it('every automated control has pass and fail cases; manual ones have an audit procedure and no test', () => {
      for (const c of bench.ordered) {
        if (c.assessment === 'automated') {
          expect(c.tests?.pass?.length ?? 0, `${c.id} pass cases`).to.be.greaterThan(0);
          expect(c.tests?.fail?.length ?? 0, `${c.id} fail cases`).to.be.greaterThan(0);
        } else {
          expect(c.test, `${c.id} is manual but has a test`).to.equal(undefined);
        }
      }
    });

    for (const control of bench.ordered) {
      describe(`${control.id} ${control.title}`, () => {
        for (const outcome of runControlCases(control, bench)) {
          it(`[${outcome.kind}] ${outcome.name} -> ${outcome.expected}`, () => {
            expect(outcome.actual, outcome.reason).to.equal(outcome.expected);
          });
        }
      });
    }
  });
}

describe('CIS Docker Benchmark 1.6.0 inventory', () => {
  const dir = bundledBenchmarkDirs().find((d) => d.endsWith('cis-docker/1.6.0'));
  it('holds all 117 recommendations of sections 1-7', () => {
    expect(dir, 'benchmarks/cis-docker/1.6.0 exists').to.be.a('string');
    const b = loadBenchmarkDir(dir!).partial!;
    expect(b.controls).to.have.length(117);
    expect(b.ordered).to.have.length(117);
    const perSection: Record<string, number> = {};
    for (const c of b.ordered) perSection[c.id.split('.')[0]!] = (perSection[c.id.split('.')[0]!] ?? 0) + 1;
    expect(perSection).to.deep.equal({ '1': 20, '2': 18, '3': 24, '4': 12, '5': 32, '6': 2, '7': 9 });
  });
});
