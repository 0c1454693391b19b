import { expect } from 'chai';
import { OPERATORS, OPERATOR_NAMES } from '../../src/evaluator/operators.js';
import { CHECKS } from '../../src/evaluator/checks.js';
import { readFileSync } from 'node:fs';

function t(op: string, observed: unknown, value?: unknown): boolean {
  const o = OPERATORS.get(op);
  if (!o) throw new Error(`no operator ${op}`);
  return o.test(observed, value);
}

describe('operators', () => {
  // [op, observed, value, expected]
  const table: [string, unknown, unknown, boolean][] = [
    ['eq', false, false, true],
    ['eq', true, false, false],
    ['eq', undefined, false, false],
    ['eq', null, null, true],
    ['eq', { a: [1, 2] }, { a: [1, 2] }, true],
    ['neq', 'host', 'host', false],
    ['neq', undefined, 'host', true],
    ['in', 'info', ['info', 'warn'], true],
    ['in', undefined, ['info'], false],
    ['not-in', 'debug', ['info'], true],
    ['not-in', 'info', ['info'], false],
    ['gt', '2048', 0, true],
    ['gt', 0, 0, false],
    ['gte', 5, '5', true],
    ['lt', '80', 1024, true],
    ['lt', '', 1024, false],
    ['lte', undefined, 5, false],
    ['regex', 'name=apparmor', '^name=apparmor', true],
    ['regex', undefined, '.*', false],
    ['not-regex', undefined, 'x', true],
    ['not-regex', 'seccomp=unconfined', 'unconfined', false],
    ['contains', ['a', 'b'], 'b', true],
    ['contains', 'no-new-privileges:true', 'no-new', true],
    ['contains', null, 'x', false],
    ['not-contains', null, 'x', true],
    ['not-contains', ['ALL'], 'ALL', false],
    ['exists', 0, undefined, true],
    ['exists', null, undefined, false],
    ['absent', undefined, undefined, true],
    ['empty', [], undefined, true],
    ['empty', {}, undefined, true],
    ['empty', '', undefined, true],
    ['empty', ['x'], undefined, false],
    ['not-empty', 'x', undefined, true],
    ['not-empty', null, undefined, false],
    ['mode-at-most', '0644', '0644', true],
    ['mode-at-most', '0600', '0644', true],
    ['mode-at-most', '0664', '0644', false],
    ['mode-at-most', '0400', '0400', true],
    ['mode-at-most', '0440', '0400', false],
    ['mode-at-most', '4755', '0755', false],
    ['mode-at-most', undefined, '0644', false],
    ['owned-by', 'root:root', 'root:root', true],
    ['owned-by', 'root:docker', ['root:root', 'root:docker'], true],
    ['owned-by', 'alice:root', 'root:root', false],
    ['owned-by', undefined, 'root:root', false],
  ];
  for (const [op, observed, value, expected] of table) {
    it(`${op} ${JSON.stringify(observed)} ${JSON.stringify(value) ?? ''} -> ${expected}`, () => {
      expect(t(op, observed, value)).to.equal(expected);
    });
  }

  it('every registered operator is covered by the table and explains itself', () => {
    const covered = new Set(table.map((r) => r[0]));
    for (const name of OPERATOR_NAMES) {
      expect(covered.has(name), `operator ${name} has table rows`).to.equal(true);
      expect(OPERATORS.get(name)?.describe('x')).to.be.a('string').and.not.equal('');
    }
  });

  it('the control schema lists exactly the registered operators', () => {
    const schema = JSON.parse(readFileSync('schemas/control.schema.json', 'utf8'));
    const inSchema = schema.definitions['cond-leaf'].properties.op.enum as string[];
    expect([...inSchema].sort()).to.deep.equal([...OPERATOR_NAMES].sort());
  });

  it('the control schema lists exactly the registered check functions', () => {
    const schema = JSON.parse(readFileSync('schemas/control.schema.json', 'utf8'));
    const inSchema = schema.definitions['cond-check'].properties.check.enum as string[];
    expect([...inSchema].sort()).to.deep.equal([...CHECKS.keys()].sort());
  });
});
