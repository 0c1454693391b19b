import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBenchmarkDir } from '../../src/definitions/benchmarks.js';
import { formatProblem } from '../../src/definitions/yaml.js';

const GOOD = `id: "1.1"
title: Containers are not privileged
assessment: automated
level: 1
severity: critical
facts: [docker.containers]
given: "*"
resource: { kind: container, id: Id, name: Name }
test:
  all:
    - { field: HostConfig.Privileged, op: eq, value: false }
rationale: A privileged container can take over its host entirely.
remediation: Remove --privileged.
audit: docker inspect the container.
tests:
  pass:
    - name: unprivileged passes
      facts: { docker.containers: [{ Id: a, Name: a, HostConfig: { Privileged: false } }] }
  fail:
    - name: privileged fails
      facts: { docker.containers: [{ Id: a, Name: a, HostConfig: { Privileged: true } }] }
`;

function benchYaml(ids: string[]): string {
  return `id: mine\nversion: 0.1.0\ntitle: My controls\ntarget: docker\nsections: [{ id: "1", title: One }]\ncontrols: [${ids.map((i) => `"${i}"`).join(', ')}]\n`;
}

describe('benchmark loader', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-loader-'));
    mkdirSync(join(dir, 'controls'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function load(files: Record<string, string>, ids = ['1.1']): string[] {
    writeFileSync(join(dir, 'benchmark.yaml'), benchYaml(ids));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'controls', name), text);
    return loadBenchmarkDir(dir).problems.map(formatProblem);
  }

  it('loads a valid control', () => {
    writeFileSync(join(dir, 'benchmark.yaml'), benchYaml(['1.1']));
    writeFileSync(join(dir, 'controls', '1.1-priv.yaml'), GOOD);
    const out = loadBenchmarkDir(dir);
    expect(out.problems).to.deep.equal([]);
    expect(out.benchmark?.ordered.map((c) => c.id)).to.deep.equal(['1.1']);
    expect(out.benchmark?.ordered[0]?.scored).to.equal(true);
  });

  it('reports a misspelled key with file, line and path', () => {
    const problems = load({ '1.1-priv.yaml': GOOD.replace('remediation:', 'remediaton:') });
    expect(problems.join('\n')).to.match(/1\.1-priv\.yaml:13: \/remediaton: unknown key "remediaton"/);
  });

  it('reports an unknown operator at its line', () => {
    const problems = load({ '1.1-priv.yaml': GOOD.replace('op: eq', 'op: equals') });
    expect(problems.join('\n')).to.match(
      /1\.1-priv\.yaml:11: \/test\/all\/0\/op: unknown operator: expected one of "eq"/,
    );
  });

  it('reports a wrong type', () => {
    const problems = load({ '1.1-priv.yaml': GOOD.replace('level: 1', 'level: one') });
    expect(problems.join('\n')).to.match(/1\.1-priv\.yaml:4: \/level: must be integer/);
  });

  it('reports an operator value of the wrong kind and a bad regex', () => {
    const bad = GOOD.replace(
      '{ field: HostConfig.Privileged, op: eq, value: false }',
      '{ field: Name, op: in, value: web }\n    - { field: Name, op: regex, value: "([" }',
    );
    const text = load({ '1.1-priv.yaml': bad }).join('\n');
    expect(text).to.match(/\/test\/all\/0\/value: operator "in" needs a list value/);
    expect(text).to.match(/\/test\/all\/1\/value: invalid regular expression/);
  });

  it('reports a duplicate id', () => {
    const problems = load({ '1.1-priv.yaml': GOOD, '1.1-again.yaml': GOOD });
    expect(problems.join('\n')).to.match(/duplicate control id "1.1"/);
  });

  it('reports a control missing from benchmark.yaml and one listed without a file', () => {
    const problems = load({ '1.1-priv.yaml': GOOD }, ['1.2']).join('\n');
    expect(problems).to.match(/control "1.1" is not listed in/);
    expect(problems).to.match(/benchmark\.yaml:6: \/controls\/0: control "1.2" has no file/);
  });

  it('rejects an automated control without pass and fail cases', () => {
    const noCases = GOOD.slice(0, GOOD.indexOf('tests:'));
    expect(load({ '1.1-priv.yaml': noCases }).join('\n')).to.match(
      /needs at least one pass case[\s\S]*needs at least one fail case/,
    );
  });

  it('rejects unknown facts, bad paths and bad check options', () => {
    const bad = GOOD.replace('facts: [docker.containers]', 'facts: [docker.containers, docker.volumez]')
      .replace('given: "*"', 'given: "a..b"')
      .replace(
        '{ field: HostConfig.Privileged, op: eq, value: false }',
        '{ check: process-running, with: { name: sshd } }',
      );
    const text = load({ '1.1-priv.yaml': bad }).join('\n');
    expect(text).to.match(/\/facts\/1: unknown fact "docker.volumez"/);
    expect(text).to.match(/\/given: invalid path "a..b"/);
    expect(text).to.match(/check "process-running": unknown key "name"/);
  });

  it('reports malformed YAML with its line', () => {
    const problems = load({ '1.1-priv.yaml': 'id: "1.1"\ntitle: [unclosed\n' });
    expect(problems.join('\n')).to.match(/1\.1-priv\.yaml:\d+: /);
  });

  it('reports duplicate keys in YAML', () => {
    const problems = load({ '1.1-priv.yaml': GOOD.replace('level: 1', 'level: 1\nlevel: 2') });
    expect(problems.join('\n')).to.match(/1\.1-priv\.yaml:5: .*[Dd]uplicate|unique/);
  });

  it('reports every problem at once', () => {
    const bad = GOOD.replace('level: 1', 'level: one')
      .replace('op: eq', 'op: equals')
      .replace('audit:', 'audti:');
    expect(load({ '1.1-priv.yaml': bad })).to.have.length.greaterThanOrEqual(3);
  });
});
