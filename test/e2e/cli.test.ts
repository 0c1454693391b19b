import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaValidator } from '../../src/definitions/schemas.js';
import type { ResultsDocument } from '../../src/core/types.js';
import { runCli, spawnCli } from '../support/cli.js';

describe('CLI end to end', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  describe('demo', () => {
    it('prints a grouped text report of the demo estate and exits 0', async () => {
      const r = await runCli(['demo']);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.include('CIS Docker Benchmark v1.6.0');
      expect(r.stdout).to.match(
        /^1 {2}Host configuration$[\s\S]*^ {2}1\.1 {2}Linux host[\s\S]*^5 {2}Container runtime$[\s\S]*^7 {2}/m,
      );
      expect(r.stdout).to.match(/Summary: 117 controls/);
      expect(r.stdout).to.match(/FAIL\s+5\.5 /);
      expect(r.stdout, 'no colour on a pipe').not.to.include('\u001b[');
    });

    it('colours only on a TTY and never with NO_COLOR', async () => {
      const tty = await runCli(['demo'], {
        tty: true,
        env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm' },
      });
      expect(tty.stdout).to.include('\u001b[');
      const off = await runCli(['demo'], {
        tty: true,
        env: { ...process.env, NO_COLOR: '1', TERM: 'xterm' },
      });
      expect(off.stdout).not.to.include('\u001b[');
    });

    it('writes JSON that validates against schemas/results.schema.json', async () => {
      const out = join(tmp, 'demo.json');
      const r = await runCli(['demo', '--format', 'json', '--output', out]);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.include('wrote json report');
      const doc = JSON.parse(readFileSync(out, 'utf8')) as ResultsDocument;
      const validate = schemaValidator('results');
      expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).to.equal(true);
      expect(doc.results).to.have.length(117);
      expect(doc.results[0]?.ref).to.match(/^cis-docker@1\.6\.0\//);
      for (const res of doc.results) {
        for (const f of res.findings.filter((x) => x.resource.kind === 'container')) {
          expect(f.resource.name.startsWith('/'), 'container names without leading slash').to.equal(false);
        }
      }
    });

    it('--fail-on gates on severity: 1 when a critical control fails', async () => {
      expect((await runCli(['demo', '--fail-on', 'critical'])).code).to.equal(1);
      expect((await runCli(['demo', '--fail-on', 'none'])).code).to.equal(0);
    });

    it('--controls and --level select controls', async () => {
      const r = await runCli(['demo', '--format', 'json', '--controls', '5.*', '!5.7']);
      const doc = JSON.parse(r.stdout) as ResultsDocument;
      expect(doc.results.every((x) => x.controlId.startsWith('5.') && x.controlId !== '5.7')).to.equal(true);
      expect(doc.results).to.have.length(31);
      const l1 = JSON.parse(
        (await runCli(['demo', '--format', 'json', '--level', '1'])).stdout,
      ) as ResultsDocument;
      expect(l1.results.every((x) => x.level === 1)).to.equal(true);
    });
  });

  describe('scan --facts', () => {
    it('gives the same results as the demo from the same facts', async () => {
      const facts = join(process.cwd(), 'demo', 'docker-host.facts.json');
      const demo = (f: string) => join(process.cwd(), 'demo', f);
      const a = JSON.parse(
        (
          await runCli([
            'scan',
            '--facts',
            facts,
            '--format',
            'json',
            '--scope',
            demo('scope.yaml'),
            '--waivers',
            demo('waivers.yaml'),
            '--attestations',
            demo('attestations.yaml'),
            '--as-of',
            '2024-08-06',
          ])
        ).stdout,
      ) as ResultsDocument;
      const b = JSON.parse((await runCli(['demo', '--format', 'json'])).stdout) as ResultsDocument;
      expect(a.results).to.deep.equal(b.results);
    });

    it('reports malformed JSON with file and line, exit 2, no stack trace', async () => {
      const bad = join(tmp, 'bad.json');
      writeFileSync(bad, '{\n  "schemaVersion": "1",\n  "targets": [,]\n}\n');
      const r = await runCli(['scan', '--facts', bad]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/bad\.json:3: not valid JSON/);
      expect(r.stderr).not.to.match(/\n\s+at /);
    });

    it('reports a fact set of the wrong shape with the path', async () => {
      const bad = join(tmp, 'shape.json');
      writeFileSync(
        bad,
        JSON.stringify({
          schemaVersion: '1',
          collectedAt: 'x',
          tool: { name: 'r', version: '1' },
          targets: [{ id: 'x', kind: 'docker', name: 'x', facts: {} }],
        }),
      );
      const r = await runCli(['scan', '--facts', bad]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/not a valid Rampart fact set/);
      expect(r.stderr).to.match(/\/targets\/0: missing required key "errors"/);
    });

    it('a missing facts file is a one-line error with a fix', async () => {
      const r = await runCli(['scan', '--facts', join(tmp, 'nope.json')]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/nope\.json: cannot read facts file \(ENOENT\)/);
      expect(r.stderr).to.match(/fix: /);
    });
  });

  describe('scan docker', () => {
    it('an unreachable socket is one line naming the address, exit 3', async () => {
      const sock = join(tmp, 'no-such-docker.sock');
      const r = await runCli(['scan', 'docker', '--docker-host', `unix://${sock}`]);
      expect(r.code).to.equal(3);
      expect(r.stderr).to.include(sock);
      expect(r.stderr.trim().split('\n').length).to.be.lessThanOrEqual(2);
      expect(r.stderr).not.to.match(/\n\s+at /);
    });

    it('shows the stack only with --verbose', async () => {
      const sock = join(tmp, 'no-such-docker.sock');
      const r = await runCli(['scan', 'docker', '--docker-host', `unix://${sock}`, '--verbose']);
      expect(r.code).to.equal(3);
      expect(r.stderr).to.match(/\n\s+at /);
    });
  });

  describe('controls, validate and test', () => {
    it('lists and shows controls', async () => {
      const list = await runCli(['controls', 'list', '--controls', '5.5']);
      expect(list.code).to.equal(0);
      expect(list.stdout).to.match(/5\.5\s+automated\s+L1\s+critical/);
      const show = await runCli(['controls', 'show', 'cis-docker@1.6.0/5.5']);
      expect(show.code).to.equal(0);
      expect(show.stdout).to.match(/Rationale[\s\S]*Audit[\s\S]*Remediation/);
      const missing = await runCli(['controls', 'show', 'cis-docker@1.6.0/99.9']);
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.match(/no control "cis-docker@1.6.0\/99.9"/);
    });

    it('validates the bundled benchmarks', async () => {
      const r = await runCli(['validate']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/ok cis-docker@1\.6\.0: 117 controls/);
    });

    it('validates and tests a user control directory, reporting broken files with file:line', async () => {
      const dir = join(tmp, 'mine');
      mkdirSync(join(dir, 'controls'), { recursive: true });
      writeFileSync(
        join(dir, 'benchmark.yaml'),
        'id: mine\nversion: 0.1.0\ntitle: Our rules\ntarget: docker\nsections: []\ncontrols: ["1"]\n',
      );
      cpSync('test/fixtures/controls/1-no-latest-tag.yaml', join(dir, 'controls', '1-no-latest-tag.yaml'));
      const ok = await runCli(['test', dir]);
      expect(ok.code, ok.stdout + ok.stderr).to.equal(0);
      expect(ok.stdout).to.match(/^2 passed, 0 failed$/m);
      const scan = await runCli(['demo', '--benchmark-dir', dir, '--benchmark', 'mine', '--format', 'json']);
      expect(scan.code, scan.stderr).to.equal(0);
      const doc = JSON.parse(scan.stdout) as ResultsDocument;
      expect(doc.results.map((r) => r.ref)).to.deep.equal(['mine@0.1.0/1']);

      writeFileSync(
        join(dir, 'controls', '1-no-latest-tag.yaml'),
        readFileSync('test/fixtures/controls/1-no-latest-tag.yaml', 'utf8').replace(
          'op: not-regex',
          'op: notregex',
        ),
      );
      const bad = await runCli(['validate', dir]);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.match(/1-no-latest-tag\.yaml:\d+: \/test\/op: unknown operator/);
    });

    it('a usage error exits 2 with a hint', async () => {
      const r = await runCli(['scan', '--format', 'json', '--level', '1']);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/nothing to scan/);
      const unknown = await runCli(['frobnicate']);
      expect(unknown.code).to.equal(2);
    });
  });

  describe('the executable', () => {
    it('sets the process exit code and reads facts from stdin', function () {
      this.timeout(60_000);
      const facts = readFileSync('demo/docker-host.facts.json', 'utf8');
      const r = spawnCli(['scan', '--facts', '-', '--controls', '5.5', '--fail-on', 'high'], {
        input: facts,
        env: { ...process.env, NO_COLOR: '1' },
      });
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stdout).to.match(/FAIL\s+5\.5/);
    });
  });
});

describe('CLI end to end: frameworks, risk and governance', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'rampart-gov-e2e-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('the demo rolls results up to PCI DSS, NIST SP 800-190 and GLBA with compliance and coverage', async () => {
    const r = await runCli(['demo', '--format', 'json']);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as ResultsDocument;
    expect(doc.frameworks?.map((f) => f.id).sort()).to.deep.equal(['glba', 'nist-800-190', 'pci-dss']);
    for (const f of doc.frameworks ?? []) {
      expect(f.coverage).to.be.within(0, 100);
      expect(f.compliance).to.be.within(0, 100);
      expect(f.counts.total).to.equal(f.requirements.length);
      for (const req of f.requirements) expect(req.reason.length, `${f.id} ${req.id}`).to.be.greaterThan(5);
    }
    const pci = doc.frameworks?.find((f) => f.id === 'pci-dss');
    const r226 = pci?.requirements.find((x) => x.id === '2.2.6');
    expect(r226?.status).to.equal('not_met');
    expect(r226?.evidence.some((e) => e.ref === 'cis-docker@1.6.0/5.5' && e.status === 'fail')).to.equal(
      true,
    );
    const r1151 = pci?.requirements.find((x) => x.id === '11.5.1');
    expect(r1151).to.include({ status: 'not_met' });
    expect(r1151?.attestation?.attester).to.match(/Lena/);
    expect(pci?.requirements.find((x) => x.id === '1.1.1')?.status).to.equal('met');
    expect(pci?.requirements.find((x) => x.id === '12.10.1')?.status, 'expired attestation').to.equal(
      'needs_attestation',
    );
  });

  it('ranks the privileged container and the socket mount first, with explained risk', async () => {
    const doc = JSON.parse((await runCli(['demo', '--format', 'json'])).stdout) as ResultsDocument;
    const top = doc.gaps?.slice(0, 3).map((g) => g.controlId);
    expect(top).to.include('5.5');
    expect(top).to.include('5.32');
    const priv = doc.results.find((x) => x.controlId === '5.5')?.findings.find((f) => f.status === 'fail');
    expect(priv?.resource.name).to.equal('ops-toolbox');
    expect(priv?.risk).to.equal(100);
    expect(priv?.riskFactors?.join(' ')).to.match(/privileged/);
    expect(doc.scores?.coverage).to.equal(100);
    expect(doc.scores?.posture).to.be.within(1, 99);
  });

  it('applies live waivers, flags expired and unused ones, and folds in attestations', async () => {
    const doc = JSON.parse((await runCli(['demo', '--format', 'json'])).stdout) as ResultsDocument;
    const states = Object.fromEntries((doc.waivers ?? []).map((w) => [w.id, w.state]));
    expect(states).to.deep.include({
      'W-2024-014': 'applied',
      'W-2024-009': 'expired',
      'W-2024-033': 'unused',
      'W-2024-030': 'applied',
    });
    const r113 = doc.results.find((x) => x.controlId === '2.13');
    expect(r113?.status).to.equal('waived');
    const r112 = doc.results.find((x) => x.controlId === '1.1.2');
    expect(r112?.status).to.equal('fail');
    expect(r112?.findings.find((f) => f.resource.name === 'deploy')?.status).to.equal('waived');
    expect(r112?.findings.find((f) => f.resource.name === 'jenkins')?.waiver?.state).to.equal('expired');
    const r121 = doc.results.find((x) => x.controlId === '1.2.1');
    expect(r121?.status).to.equal('pass');
    expect(r121?.attestation?.evidence).to.match(/CIS Debian/);
    expect(doc.results.find((x) => x.controlId === '6.1')?.status, 'expired attestation').to.equal('manual');
  });

  it('the text report shows top gaps, each framework with coverage, and flagged waivers', async () => {
    const r = await runCli(['demo']);
    expect(r.stdout).to.match(/Top gaps by risk/);
    expect(r.stdout).to.match(/PCI DSS v4\.0\.1\s+compliance\s+[\d.]+%\s+coverage\s+[\d.]+%/);
    expect(r.stdout).to.match(/Waiver W-2024-009 .*EXPIRED/);
  });

  it('a malformed waiver file is file, line and reason, exit 2', async () => {
    const bad = join(tmp, 'waivers.yaml');
    writeFileSync(
      bad,
      'waivers:\n  - id: W-1\n    control: cis-docker@1.6.0/5.5\n    justification: we need it for now\n    owner: Ann\n',
    );
    const r = await runCli(['demo', '--waivers', bad]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/waivers\.yaml: invalid waivers file/);
    expect(r.stderr).to.match(/waivers\.yaml:2: \/waivers\/0: missing required key "approver"/);
    expect(r.stderr).to.match(/missing required key "expires"/);
  });

  it('frameworks list and show', async () => {
    const list = await runCli(['frameworks', 'list']);
    expect(list.code).to.equal(0);
    expect(list.stdout).to.match(/pci-dss@4\.0\.1/);
    const show = await runCli(['frameworks', 'show', 'glba']);
    expect(show.code).to.equal(0);
    expect(show.stdout).to.match(/314\.4\(c\)\(1\)/);
    expect(show.stdout).to.match(/direct|partial|supporting/);
    expect((await runCli(['frameworks', 'show', 'sox'])).code).to.equal(2);
  });

  it('--framework selects the roll-up', async () => {
    const doc = JSON.parse(
      (await runCli(['demo', '--format', 'json', '--framework', 'glba'])).stdout,
    ) as ResultsDocument;
    expect(doc.frameworks?.map((f) => f.id)).to.deep.equal(['glba']);
  });
});

describe('CLI end to end: one assessment, many targets', () => {
  it('evaluates several fact sets into one result set and one roll-up', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'rampart-multi-'));
    try {
      const facts = JSON.parse(readFileSync('demo/docker-host.facts.json', 'utf8')) as {
        targets: { id: string; name: string }[];
      };
      facts.targets[0]!.id = 'SECOND-ENGINE-ID';
      facts.targets[0]!.name = 'pay-gw-prod-02';
      const second = join(tmp, 'second.json');
      writeFileSync(second, JSON.stringify(facts));
      const r = await runCli([
        'scan',
        '--facts',
        'demo/docker-host.facts.json',
        '--facts',
        second,
        '--format',
        'json',
      ]);
      expect(r.code, r.stderr).to.equal(0);
      const doc = JSON.parse(r.stdout) as ResultsDocument;
      expect(doc.targets.map((t) => t.name)).to.deep.equal(['pay-gw-prod-01', 'pay-gw-prod-02']);
      expect(doc.results).to.have.length(234);
      const ev =
        doc.frameworks?.find((f) => f.id === 'pci-dss')?.requirements.find((x) => x.id === '2.2.6')
          ?.evidence ?? [];
      expect(new Set(ev.map((e) => e.target)).size).to.equal(2);
      expect(new Set(doc.gaps?.map((g) => g.target))).to.deep.equal(
        new Set(['pay-gw-prod-01', 'pay-gw-prod-02']),
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
