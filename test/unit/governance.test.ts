import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding, Result, ResultTarget } from '../../src/core/types.js';
import { applyAttestations, loadAttestations } from '../../src/governance/attestations.js';
import { loadScope } from '../../src/governance/scope.js';
import { applyWaivers, loadWaivers, type Waiver } from '../../src/governance/waivers.js';
import { isRampartError } from '../../src/core/errors.js';

const targets: ResultTarget[] = [{ id: 't1', kind: 'docker', name: 'pay-01' }];

function f(name: string, status: Finding['status'] = 'fail'): Finding {
  return {
    resource: { kind: 'container', id: name, name },
    status,
    observed: null,
    expected: null,
    message: `${name} bad`,
  };
}

function result(over: Partial<Result>): Result {
  return {
    ref: 'cis-docker@1.6.0/5.16',
    benchmark: { id: 'cis-docker', version: '1.6.0' },
    controlId: '5.16',
    title: 't',
    severity: 'high',
    level: 1,
    assessment: 'automated',
    scored: true,
    target: 't1',
    status: 'fail',
    reason: '2 of 3 containers failed',
    findings: [f('exporter'), f('toolbox'), f('web', 'pass')],
    ...over,
  };
}

const waiver = (over: Partial<Waiver>): Waiver => ({
  id: 'W-1',
  control: 'cis-docker@1.6.0/5.16',
  resource: { kind: 'container', name: 'exporter' },
  justification: 'monitoring needs host pid',
  owner: 'Lena',
  approver: 'Marcus',
  expires: '2025-01-01',
  ...over,
});

describe('waivers', () => {
  it('a live waiver turns the matched failing finding into waived; the control stays failing while others fail', () => {
    const { results, register } = applyWaivers([result({})], targets, [waiver({})], '2024-08-06');
    expect(results[0]?.findings.map((x) => x.status)).to.deep.equal(['waived', 'fail', 'pass']);
    expect(results[0]?.findings[0]?.waiver).to.deep.equal({
      id: 'W-1',
      state: 'active',
      expires: '2025-01-01',
    });
    expect(results[0]?.status).to.equal('fail');
    expect(register[0]).to.include({ state: 'applied', matched: 1 });
  });

  it('the control is waived when every failing finding is covered (globs allowed)', () => {
    const { results } = applyWaivers(
      [result({})],
      targets,
      [waiver({ resource: { name: '*' }, control: 'cis-docker@1.6.0/5.*' })],
      '2024-08-06',
    );
    expect(results[0]?.status).to.equal('waived');
  });

  it('an expired waiver counts as a failure and is flagged', () => {
    const { results, register } = applyWaivers(
      [result({})],
      targets,
      [waiver({ expires: '2024-06-30' })],
      '2024-08-06',
    );
    expect(results[0]?.findings[0]?.status).to.equal('fail');
    expect(results[0]?.findings[0]?.waiver?.state).to.equal('expired');
    expect(results[0]?.findings[0]?.message).to.match(/EXPIRED on 2024-06-30/);
    expect(register[0]).to.include({ state: 'expired', matched: 1 });
  });

  it('the expiry day itself is still covered', () => {
    const { results } = applyWaivers(
      [result({})],
      targets,
      [waiver({ expires: '2024-08-06' })],
      '2024-08-06',
    );
    expect(results[0]?.findings[0]?.status).to.equal('waived');
  });

  it('a waiver that matched nothing is reported as unused', () => {
    const { register } = applyWaivers(
      [result({})],
      targets,
      [waiver({ resource: { name: 'nothing-here' } })],
      '2024-08-06',
    );
    expect(register[0]).to.include({ state: 'unused', matched: 0 });
    const other = applyWaivers(
      [result({})],
      targets,
      [waiver({ resource: { target: 'other-host' } })],
      '2024-08-06',
    );
    expect(other.register[0]?.state).to.equal('unused');
  });

  describe('file', () => {
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), 'rampart-gov-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const problems = (fn: () => unknown): string => {
      try {
        fn();
      } catch (err) {
        if (isRampartError(err))
          return [err.message, ...((err as { problems?: string[] }).problems ?? [])].join('\n');
        throw err;
      }
      throw new Error('expected an error');
    };
    const GOOD = `waivers:\n  - id: W-1\n    control: cis-docker@1.6.0/5.16\n    justification: monitoring needs it\n    owner: Lena\n    approver: Marcus\n    expires: 2025-01-01\n`;

    it('loads a valid file', () => {
      expect(loadWaivers(write('ok.yaml', GOOD))).to.have.length(1);
    });

    it('rejects a waiver without an expiry or approver, naming file and line', () => {
      const text = problems(() =>
        loadWaivers(
          write(
            'noexp.yaml',
            GOOD.replace('    expires: 2025-01-01\n', '').replace('    approver: Marcus\n', ''),
          ),
        ),
      );
      expect(text).to.match(/noexp\.yaml:2: \/waivers\/0: missing required key "approver"/);
      expect(text).to.match(/missing required key "expires"/);
    });

    it('rejects impossible dates, self-approval, unknown keys and duplicates', () => {
      expect(problems(() => loadWaivers(write('d.yaml', GOOD.replace('2025-01-01', '2025-02-30'))))).to.match(
        /d\.yaml:7: \/waivers\/0\/expires: "2025-02-30" is not a real date/,
      );
      expect(problems(() => loadWaivers(write('s.yaml', GOOD.replace('Marcus', 'lena'))))).to.match(
        /approver must be someone other than the owner/,
      );
      expect(problems(() => loadWaivers(write('k.yaml', GOOD.replace('owner:', 'ownr:'))))).to.match(
        /unknown key "ownr"/,
      );
      expect(problems(() => loadWaivers(write('dup.yaml', GOOD + GOOD.replace('waivers:\n', ''))))).to.match(
        /duplicate waiver id "W-1"/,
      );
    });

    it('rejects a malformed scope and attestation file with the line', () => {
      expect(
        problems(() => loadScope(write('scope.yaml', 'rules:\n  - tags: [pci]\n    match: { name: x }\n'))),
      ).to.match(/scope\.yaml:2: \/rules\/0\/tags\/0: invalid value/);
      expect(
        problems(() =>
          loadAttestations(
            write('att.yaml', 'attestations:\n  - control: cis-docker@1.6.0/1.2.1\n    answer: yes\n'),
          ),
        ),
      ).to.match(/att\.yaml:3: \/attestations\/0\/answer/);
    });
  });
});

describe('attestations', () => {
  const manual = result({
    ref: 'cis-docker@1.6.0/1.2.1',
    controlId: '1.2.1',
    assessment: 'manual',
    status: 'manual',
    reason: 'Needs review',
    findings: [],
  });
  const att = {
    id: 'A-1',
    control: 'cis-docker@1.6.0/1.2.1',
    answer: 'pass' as const,
    attester: 'Lena',
    date: '2024-07-15',
    evidence: 'CIS-CAT report 42',
    expires: '2025-07-15',
  };

  it('sets a manual control to the attested answer and records who, when and the evidence', () => {
    const { results, register } = applyAttestations([manual], targets, [att], '2024-08-06');
    expect(results[0]?.status).to.equal('pass');
    expect(results[0]?.reason).to.equal('Attested pass by Lena on 2024-07-15 (evidence: CIS-CAT report 42)');
    expect(results[0]?.attestation).to.include({ attester: 'Lena', expired: false });
    expect(register[0]?.state).to.equal('applied');
  });

  it('an expired attestation leaves the control manual and says so', () => {
    const { results, register } = applyAttestations([manual], targets, [att], '2025-08-01');
    expect(results[0]?.status).to.equal('manual');
    expect(results[0]?.reason).to.match(/expired on 2025-07-15/);
    expect(register[0]?.state).to.equal('expired');
  });

  it('never overrides an automated control', () => {
    const auto = result({ ref: 'cis-docker@1.6.0/1.2.1' });
    const { results, register } = applyAttestations([auto], targets, [att], '2024-08-06');
    expect(results[0]?.status).to.equal('fail');
    expect(register[0]?.state).to.equal('invalid');
  });
});
