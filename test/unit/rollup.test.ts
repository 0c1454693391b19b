import { expect } from 'chai';
import type { Result, Status } from '../../src/core/types.js';
import type { Mapping } from '../../src/frameworks/mappings.js';
import { rollupFramework, rollupRequirement } from '../../src/frameworks/rollup.js';

function r(id: string, status: Status, assessment: 'automated' | 'manual' = 'automated'): Result {
  return {
    ref: `cis-docker@1.6.0/${id}`,
    benchmark: { id: 'cis-docker', version: '1.6.0' },
    controlId: id,
    title: id,
    severity: 'high',
    level: 1,
    assessment,
    scored: true,
    target: 't1',
    status,
    reason: 'x',
    findings: [],
  };
}

type Req = Mapping['requirements'][number];
const req = (over: Partial<Req>): Req => ({ id: '2.2.1', title: 'Hardening standards applied', ...over });
const edge = (id: string, strength: 'direct' | 'partial' | 'supporting') => ({
  ref: `cis-docker@1.6.0/${id}`,
  strength,
});

describe('requirement roll-up', () => {
  it('met when a direct result passes and nothing fails', () => {
    const out = rollupRequirement(
      req({ controls: [edge('5.5', 'direct'), edge('5.*', 'supporting')] }),
      [r('5.5', 'pass'), r('5.6', 'pass')],
      undefined,
      '2024-08-06',
    );
    expect(out.status).to.equal('met');
    expect(out.automated).to.equal(true);
    expect(out.evidence).to.have.length(3);
  });

  it('not met when a direct or partial result fails, naming it', () => {
    const out = rollupRequirement(
      req({ controls: [edge('5.5', 'direct'), edge('5.6', 'partial')] }),
      [r('5.5', 'pass'), r('5.6', 'fail')],
      undefined,
      '2024-08-06',
    );
    expect(out.status).to.equal('not_met');
    expect(out.reason).to.match(/cis-docker@1.6.0\/5.6/);
  });

  it('partially evidenced when only supporting evidence passes, a supporting control fails, or results errored', () => {
    expect(
      rollupRequirement(req({ controls: [edge('5.5', 'supporting')] }), [r('5.5', 'pass')], undefined, 'x')
        .status,
    ).to.equal('partial');
    const sf = rollupRequirement(
      req({ controls: [edge('5.5', 'direct'), edge('5.6', 'supporting')] }),
      [r('5.5', 'pass'), r('5.6', 'fail')],
      undefined,
      'x',
    );
    expect(sf.status).to.equal('partial');
    const err = rollupRequirement(
      req({ controls: [edge('5.5', 'direct'), edge('5.6', 'direct')] }),
      [r('5.5', 'pass'), r('5.6', 'error')],
      undefined,
      'x',
    );
    expect(err).to.include({ status: 'partial' });
  });

  it('a waived result counts as evidence, an error alone decides nothing', () => {
    expect(
      rollupRequirement(req({ controls: [edge('5.5', 'direct')] }), [r('5.5', 'waived')], undefined, 'x')
        .status,
    ).to.equal('met');
    expect(
      rollupRequirement(req({ controls: [edge('5.5', 'direct')] }), [r('5.5', 'error')], undefined, 'x')
        .status,
    ).to.equal('not_assessed');
  });

  it('process requirements need attestation and are met only by a live attestation', () => {
    const process = req({ id: '12.1.1', attestation: 'Show the approved security policy.' });
    expect(rollupRequirement(process, [], undefined, '2024-08-06').status).to.equal('needs_attestation');
    const att = {
      requirement: 'pci-dss@4.0.1/12.1.1',
      answer: 'pass' as const,
      attester: 'CISO',
      date: '2024-01-10',
      evidence: 'POL-1',
      expires: '2025-01-10',
    };
    const ok = rollupRequirement(process, [], att, '2024-08-06');
    expect(ok.status).to.equal('met');
    expect(ok.attestation?.attester).to.equal('CISO');
    expect(rollupRequirement(process, [], att, '2025-02-01').status).to.equal('needs_attestation');
  });

  it('a requirement with controls and an attestation text is partial until attested', () => {
    const mixed = req({
      controls: [edge('5.5', 'direct')],
      attestation: 'Show the hardening standard document.',
    });
    expect(rollupRequirement(mixed, [r('5.5', 'pass')], undefined, 'x').status).to.equal('partial');
  });

  it('manual mapped controls await attestation; unassessed benchmarks are not assessed', () => {
    expect(
      rollupRequirement(
        req({ controls: [edge('1.2.1', 'direct')] }),
        [r('1.2.1', 'manual', 'manual')],
        undefined,
        'x',
      ).status,
    ).to.equal('needs_attestation');
    expect(rollupRequirement(req({ controls: [edge('5.5', 'direct')] }), [], undefined, 'x').status).to.equal(
      'not_assessed',
    );
  });
});

describe('framework roll-up', () => {
  it('reports compliance with coverage beside it', () => {
    const mapping: Mapping = {
      framework: { id: 'pci-dss', version: '4.0.1', title: 'PCI DSS v4.0.1' },
      file: 'x.yaml',
      requirements: [
        req({ id: 'a', controls: [edge('5.5', 'direct')] }),
        req({ id: 'b', controls: [edge('5.6', 'direct')] }),
        req({ id: 'c', attestation: 'Show the policy document.' }),
        req({ id: 'd', controls: [edge('9.9', 'direct')] }),
      ],
    };
    const fw = rollupFramework(mapping, [r('5.5', 'pass'), r('5.6', 'fail')], [], '2024-08-06');
    expect(fw.counts).to.deep.equal({
      met: 1,
      not_met: 1,
      partial: 0,
      needs_attestation: 1,
      not_assessed: 1,
      total: 4,
    });
    expect(fw.compliance).to.equal(33.3);
    expect(fw.coverage).to.equal(50);
  });
});
