import { expect } from 'chai';
import type { FactTarget, Result } from '../../src/core/types.js';
import { contextIndex } from '../../src/scoring/context.js';
import { BASE_RISK, breadthBonus, findingRisk, rankGaps, scores } from '../../src/scoring/risk.js';

const none = { labels: {}, exposed: [], privileged: [], elevated: [], tags: [] };

function result(over: Partial<Result>): Result {
  return {
    ref: 'cis-docker@1.6.0/5.5',
    benchmark: { id: 'cis-docker', version: '1.6.0' },
    controlId: '5.5',
    title: 'No privileged containers',
    severity: 'critical',
    level: 1,
    assessment: 'automated',
    scored: true,
    target: 't1',
    status: 'pass',
    reason: 'r',
    findings: [],
    ...over,
  };
}

describe('risk', () => {
  it('starts from the severity base with no context', () => {
    expect(findingRisk('high', none)).to.deep.equal({ risk: BASE_RISK.high, factors: [] });
    expect(findingRisk('info', none).risk).to.equal(5);
  });

  it('raises risk for CDE scope, exposure and privilege, and caps at 100', () => {
    const ctx = { ...none, exposed: ['host network'], privileged: ['privileged'], tags: ['cde' as const] };
    const r = findingRisk('high', ctx);
    expect(r.risk).to.equal(100); // 60 x 1.75 = 105, capped
    expect(findingRisk('medium', ctx).risk).to.equal(Math.round(40 * 1.75));
    expect(r.factors).to.deep.equal(['cde', 'exposed: host network', 'privileged: privileged']);
    expect(findingRisk('critical', ctx).risk).to.equal(100);
  });

  it('internet-facing replaces exposed; privileged replaces elevated; non-production lowers', () => {
    const r = findingRisk('medium', {
      ...none,
      exposed: ['x'],
      elevated: ['root'],
      privileged: ['p'],
      tags: ['internet-facing'],
    });
    expect(r.factors).to.deep.equal(['internet-facing', 'privileged: p']);
    expect(findingRisk('medium', { ...none, tags: ['non-production'] }).risk).to.equal(24);
  });

  it('a privileged container in a CDE-tagged scope outranks the same finding elsewhere', () => {
    const target: FactTarget = {
      id: 't1',
      kind: 'docker',
      name: 'host',
      errors: {},
      facts: {
        'docker.containers': [
          {
            Id: 'a',
            Name: 'pay',
            Config: { User: '', Labels: { pci: 'yes' } },
            HostConfig: { Privileged: true },
          },
          { Id: 'b', Name: 'dev', Config: { User: '', Labels: {} }, HostConfig: { Privileged: true } },
        ],
      },
    };
    const lookup = contextIndex(target, [{ tags: ['cde'], match: { labels: { pci: 'yes' } } }]);
    const pay = lookup({ kind: 'container', id: 'a', name: 'pay' });
    const dev = lookup({ kind: 'container', id: 'b', name: 'dev' });
    expect(pay.tags).to.deep.equal(['cde']);
    expect(pay.privileged).to.deep.equal(['privileged']);
    expect(dev.tags).to.deep.equal([]);
    expect(findingRisk('critical', pay).risk).to.be.greaterThan(findingRisk('critical', dev).risk - 1);
    expect(findingRisk('medium', pay).risk).to.be.greaterThan(findingRisk('medium', dev).risk);
  });

  it('reads exposure and privilege from container facts', () => {
    const target: FactTarget = {
      id: 't1',
      kind: 'docker',
      name: 'host',
      errors: {},
      facts: {
        'docker.containers': [
          {
            Id: 'a',
            Name: 'x',
            Config: { User: 'app' },
            HostConfig: {
              NetworkMode: 'bridge',
              PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
              CapAdd: ['SYS_ADMIN'],
            },
            Mounts: [
              { Type: 'bind', Source: '/var/run/docker.sock', Destination: '/var/run/docker.sock', RW: true },
            ],
          },
        ],
        'host.daemon': { effective: { hosts: ['tcp://0.0.0.0:2375', 'unix:///var/run/docker.sock'] } },
      },
    };
    const lookup = contextIndex(target, []);
    const c = lookup({ kind: 'container', id: 'a', name: 'x' });
    expect(c.exposed).to.deep.equal(['ports published on all interfaces (8080)']);
    expect(c.privileged).to.deep.equal([
      'engine socket mounted (/var/run/docker.sock)',
      'capabilities SYS_ADMIN',
    ]);
    expect(c.elevated).to.deep.equal([]);
    const daemon = lookup({ kind: 'daemon', id: 't1', name: 'host' });
    expect(daemon.exposed).to.deep.equal(['engine API on TCP (tcp://0.0.0.0:2375)']);
  });
});

describe('gaps and scores', () => {
  it('breadth bonus grows slowly and is capped', () => {
    expect([1, 2, 4, 100].map(breadthBonus)).to.deep.equal([0, 5, 10, 10]);
  });

  it('ranks gaps by risk, then severity, then breadth; waived findings are not gaps', () => {
    const finding = (name: string, risk: number, status: 'fail' | 'waived' = 'fail') => ({
      resource: { kind: 'container', id: name, name },
      status,
      observed: null,
      expected: null,
      message: 'm',
      risk,
      riskFactors: ['privileged: privileged'],
    });
    const results = [
      result({
        ref: 'b/1',
        controlId: '1',
        severity: 'medium',
        status: 'fail',
        findings: [finding('a', 50), finding('b', 40)],
      }),
      result({
        ref: 'b/2',
        controlId: '2',
        severity: 'critical',
        status: 'fail',
        findings: [finding('c', 100)],
      }),
      result({
        ref: 'b/3',
        controlId: '3',
        severity: 'high',
        status: 'waived',
        findings: [finding('d', 90, 'waived')],
      }),
      result({ ref: 'b/4', controlId: '4', severity: 'high', status: 'pass' }),
    ];
    const gaps = rankGaps(results, new Map([['t1', 'host-1']]));
    expect(gaps.map((g) => [g.rank, g.ref, g.risk, g.resources])).to.deep.equal([
      [1, 'b/2', 100, 1],
      [2, 'b/1', 55, 2],
    ]);
    expect(gaps[0]?.target).to.equal('host-1');
    expect(gaps[1]?.factors).to.deep.equal(['privileged']);
  });

  it('posture weighs severity; coverage counts checked applicable automated controls', () => {
    const s = scores([
      result({ severity: 'critical', status: 'pass' }),
      result({ severity: 'critical', status: 'fail' }),
      result({ severity: 'low', status: 'waived' }),
      result({ severity: 'high', status: 'error' }),
      result({ severity: 'high', status: 'not_applicable' }),
      result({ severity: 'high', status: 'manual', assessment: 'manual' }),
    ]);
    expect(s.posture).to.equal(Math.round(((10 + 1) / 21) * 1000) / 10);
    expect(s.coverage).to.equal(75);
    expect(s.counts).to.deep.equal({ evaluated: 3, applicable: 4, checked: 3 });
  });
});
