import { expect } from 'chai';
import type { Control, FactTarget } from '../../src/core/types.js';
import { evaluateControl } from '../../src/evaluator/evaluate.js';
import { isUpdateAlone, auditRulePaths } from '../../src/evaluator/checks.js';

const bench = { id: 'demo', version: '1.0.0', sections: [{ id: '5', title: 'Runtime' }] };

function control(over: Partial<Control>): Control {
  return {
    id: '5.5',
    title: 'Containers are not privileged',
    assessment: 'automated',
    level: 1,
    scored: true,
    severity: 'critical',
    facts: ['docker.containers'],
    given: '*',
    resource: { kind: 'container', id: 'Id', name: 'Name' },
    test: { field: 'HostConfig.Privileged', op: 'eq', value: false },
    rationale: 'r',
    remediation: 'fix it',
    audit: 'look',
    ...over,
  };
}

function target(facts: Record<string, unknown>, errors: Record<string, string> = {}): FactTarget {
  return { id: 'engine-1', kind: 'docker', name: 'host1', facts: facts as FactTarget['facts'], errors };
}

const containers = [
  { Id: 'a', Name: 'web', HostConfig: { Privileged: false } },
  { Id: 'b', Name: 'db', HostConfig: { Privileged: true } },
];

describe('evaluateControl', () => {
  it('gives every resource a finding, passes included, with observed and expected values', () => {
    const r = evaluateControl(control({}), bench, target({ 'docker.containers': containers }));
    expect(r.status).to.equal('fail');
    expect(r.ref).to.equal('demo@1.0.0/5.5');
    expect(r.section).to.equal('5');
    expect(r.findings).to.have.length(2);
    const [web, db] = r.findings;
    expect(web?.status).to.equal('pass');
    expect(web?.observed).to.deep.equal({ 'HostConfig.Privileged': false });
    expect(db?.status).to.equal('fail');
    expect(db?.resource).to.deep.equal({ kind: 'container', id: 'b', name: 'db' });
    expect(db?.message).to.equal('expected HostConfig.Privileged to equal false, found true');
    expect(db?.expected).to.deep.equal({ 'HostConfig.Privileged': 'to equal false' });
    expect(r.reason).to.equal('1 of 2 containers failed');
  });

  it('passes only when every resource passes', () => {
    const r = evaluateControl(control({}), bench, target({ 'docker.containers': [containers[0]!] }));
    expect(r.status).to.equal('pass');
  });

  it('reports warn instead of fail for unscored controls', () => {
    const r = evaluateControl(control({ scored: false }), bench, target({ 'docker.containers': containers }));
    expect(r.status).to.equal('warn');
    expect(r.findings[1]?.status).to.equal('warn');
  });

  it('is error, never pass, when the fact could not be collected', () => {
    const r = evaluateControl(control({}), bench, target({}, { 'docker.containers': 'HTTP 403: forbidden' }));
    expect(r.status).to.equal('error');
    expect(r.reason).to.match(/docker.containers could not be collected: HTTP 403/);
    const missing = evaluateControl(control({}), bench, target({}));
    expect(missing.status).to.equal('error');
    expect(missing.reason).to.match(/was not collected/);
  });

  it('uses whenEmpty, defaulting to not_applicable, when nothing is selected', () => {
    expect(evaluateControl(control({}), bench, target({ 'docker.containers': [] })).status).to.equal(
      'not_applicable',
    );
    const c = control({ whenEmpty: { status: 'error', reason: 'nothing found where something must be' } });
    const r = evaluateControl(c, bench, target({ 'docker.containers': [] }));
    expect(r).to.include({ status: 'error', reason: 'nothing found where something must be' });
  });

  it('is not_applicable with the reason when applies does not hold', () => {
    const c = control({
      facts: ['docker.containers', 'docker.engine'],
      applies: {
        fact: 'docker.engine',
        when: { some: 'info.SecurityOptions', test: { field: '.', op: 'regex', value: 'name=apparmor' } },
        reason: 'AppArmor is not active on this host',
      },
    });
    const facts = {
      'docker.containers': containers,
      'docker.engine': { info: { SecurityOptions: ['name=seccomp'] } },
    };
    expect(evaluateControl(c, bench, target(facts))).to.include({
      status: 'not_applicable',
      reason: 'AppArmor is not active on this host',
    });
    const on = {
      ...facts,
      'docker.engine': { info: { SecurityOptions: ['name=apparmor', 'name=seccomp'] } },
    };
    expect(evaluateControl(c, bench, target(on)).status).to.equal('fail');
  });

  it('marks a resource that could not be read as error, not pass', () => {
    const c = control({
      facts: ['host.files'],
      where: { field: 'role', op: 'eq', value: 'daemon.json' },
      resource: { kind: 'file', id: 'path', name: 'path' },
      test: { field: 'mode', op: 'mode-at-most', value: '0644' },
    });
    const r = evaluateControl(
      c,
      bench,
      target({
        'host.files': [
          { role: 'daemon.json', path: '/etc/docker/daemon.json', error: 'EACCES: permission denied' },
        ],
      }),
    );
    expect(r.status).to.equal('error');
    expect(r.findings[0]).to.include({ status: 'error', message: 'EACCES: permission denied' });
  });

  it('quantifiers name the offending items in the evidence', () => {
    const c = control({
      test: { none: 'Mounts', test: { field: 'Source', op: 'in', value: ['/', '/etc'] } },
    });
    const facts = {
      'docker.containers': [
        {
          Id: 'a',
          Name: 'x',
          Mounts: [
            { Source: '/data', Destination: '/data' },
            { Source: '/etc', Destination: '/host/etc' },
          ],
        },
      ],
    };
    const r = evaluateControl(c, bench, target(facts));
    expect(r.status).to.equal('fail');
    expect(r.findings[0]?.observed).to.deep.equal({ Mounts: [{ Source: '/etc', Destination: '/host/etc' }] });
    expect(r.findings[0]?.message).to.match(/expected no Mounts item to match, found 1/);
  });

  it('reads other facts through $facts', () => {
    const c = control({
      facts: ['docker.containers', 'host.daemon'],
      test: {
        any: [
          {
            some: 'HostConfig.SecurityOpt',
            test: { field: '.', op: 'regex', value: '^no-new-privileges(:true|=true)?$' },
          },
          { field: '$facts["host.daemon"].effective["no-new-privileges"]', op: 'eq', value: true },
        ],
      },
    });
    const facts = {
      'docker.containers': [{ Id: 'a', Name: 'x', HostConfig: { SecurityOpt: null } }],
      'host.daemon': { effective: { 'no-new-privileges': true } },
    };
    expect(evaluateControl(c, bench, target(facts)).status).to.equal('pass');
    const off = { ...facts, 'host.daemon': { effective: {} } };
    expect(evaluateControl(c, bench, target(off)).status).to.equal('fail');
  });

  it('manual controls are manual with evidence for the reviewer', () => {
    const c = control({
      assessment: 'manual',
      test: undefined,
      given: undefined,
      facts: ['docker.engine'],
      evidence: ['info.ServerVersion'],
    });
    const r = evaluateControl(c, bench, target({ 'docker.engine': { info: { ServerVersion: '26.1.5' } } }));
    expect(r.status).to.equal('manual');
    expect(r.findings[0]?.observed).to.deep.equal({ 'info.ServerVersion': '26.1.5' });
  });

  it('manual controls honour applies when its fact was collected', () => {
    const c = control({
      assessment: 'manual',
      test: undefined,
      given: undefined,
      facts: ['docker.swarm'],
      applies: {
        fact: 'docker.swarm',
        when: { field: 'state', op: 'eq', value: 'active' },
        reason: 'Swarm mode is not enabled',
      },
    });
    expect(evaluateControl(c, bench, target({ 'docker.swarm': { state: 'inactive' } }))).to.include({
      status: 'not_applicable',
      reason: 'Swarm mode is not enabled',
    });
    expect(evaluateControl(c, bench, target({ 'docker.swarm': { state: 'active' } })).status).to.equal(
      'manual',
    );
    expect(evaluateControl(c, bench, target({}, { 'docker.swarm': 'HTTP 500' })).status).to.equal('manual');
  });

  it('is deterministic: the same facts give the same result', () => {
    const facts = { 'docker.containers': containers };
    expect(evaluateControl(control({}), bench, target(facts))).to.deep.equal(
      evaluateControl(control({}), bench, target(facts)),
    );
  });
});

describe('check functions', () => {
  it('process-running: fails on sshd, n/a when stopped, error when the list is missing', () => {
    const c = control({ id: '5.7', test: { check: 'process-running', with: { names: ['sshd'] } } });
    const facts = {
      'docker.containers': [
        {
          Id: 'a',
          Name: 'ssh',
          State: { Running: true },
          Processes: [{ user: 'root', pid: '1', command: '/usr/sbin/sshd -D' }],
        },
        {
          Id: 'b',
          Name: 'web',
          State: { Running: true },
          Processes: [{ user: 'www', pid: '1', command: 'nginx: master process' }],
        },
        { Id: 'c', Name: 'stopped', State: { Running: false }, Processes: null },
        {
          Id: 'd',
          Name: 'broken',
          State: { Running: true },
          Processes: null,
          ProcessesError: 'HTTP 500: boom',
        },
      ],
    };
    const r = evaluateControl(c, bench, target(facts));
    expect(r.findings.map((f) => f.status)).to.deep.equal(['fail', 'pass', 'not_applicable', 'error']);
    expect(r.status).to.equal('fail');
  });

  it('update-alone recognises refresh-only steps across package managers', () => {
    expect(isUpdateAlone('/bin/sh -c apt-get update')).to.equal(true);
    expect(isUpdateAlone('RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit')).to.equal(
      false,
    );
    expect(isUpdateAlone('/bin/sh -c apk update')).to.equal(true);
    expect(isUpdateAlone('/bin/sh -c apk update && apk add curl')).to.equal(false);
    expect(isUpdateAlone('/bin/sh -c yum makecache')).to.equal(true);
    expect(isUpdateAlone('/bin/sh -c yum update -y')).to.equal(false);
    expect(isUpdateAlone('/bin/sh -c #(nop) CMD ["sh"]')).to.equal(false);
  });

  it('audit-watch checks the path the host actually uses when pathFrom names it', () => {
    const c = control({
      id: '1.1.11',
      facts: ['host.audit'],
      given: undefined,
      resource: { kind: 'host' },
      test: {
        check: 'audit-watch',
        with: { path: '/etc/docker/daemon.json', pathFrom: '$facts["host.daemon"].configFile.path' },
      },
    });
    const audit = { rules: ['-w /srv/docker/daemon.json -k docker'] };
    const custom = {
      'host.audit': audit,
      'host.daemon': { configFile: { path: '/srv/docker/daemon.json' } },
    };
    expect(evaluateControl(c, bench, target(custom)).status).to.equal('pass');
    expect(evaluateControl(c, bench, target({ 'host.audit': audit })).status).to.equal('fail');
  });

  it('requires makes a resource error with the reason when its precondition does not hold', () => {
    const c = control({
      facts: ['host.daemon'],
      given: undefined,
      resource: { kind: 'daemon' },
      requires: [
        { when: { field: 'running', op: 'eq', value: true }, reason: 'The dockerd process was not found' },
      ],
      test: { field: 'effective.icc', op: 'eq', value: false },
    });
    const r = evaluateControl(c, bench, target({ 'host.daemon': { running: false, effective: {} } }));
    expect(r.status).to.equal('error');
    expect(r.findings[0]?.message).to.match(
      /^The dockerd process was not found \(expected running to equal true, found false\)$/,
    );
  });

  it('audit-watch reads -w and -F path=/dir= rules', () => {
    expect(auditRulePaths('-w /usr/bin/dockerd -k docker')).to.deep.equal(['/usr/bin/dockerd']);
    expect(auditRulePaths('-a always,exit -F path=/usr/bin/runc -F perm=x -k docker')).to.deep.equal([
      '/usr/bin/runc',
    ]);
    expect(auditRulePaths('-a always,exit -F dir=/etc/docker/ -k docker')).to.deep.equal(['/etc/docker']);
  });
});
