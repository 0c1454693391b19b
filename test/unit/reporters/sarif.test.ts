import { expect } from 'chai';
import type { ResultsDocument } from '../../../src/core/types.js';
import { fingerprint, renderSarif, SECURITY_SEVERITY } from '../../../src/reporters/sarif.js';
import { expectGolden } from '../../support/golden.js';
import { reportFixture } from '../../support/reports.js';
import { schemaErrors, schemaUnavailable, sharedSchema } from '../../support/shared-schemas.js';
import { demoResults } from '../../support/demo-results.js';

interface Sarif {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri: string; rules: Rule[] } };
    invocations: {
      executionSuccessful: boolean;
      startTimeUtc: string;
      endTimeUtc: string;
      toolExecutionNotifications?: {
        level: string;
        message: { text: string };
        descriptor: { id: string };
        associatedRule?: { id: string; index: number };
      }[];
    }[];
    results: SarifResult[];
  }[];
}
interface Rule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
  properties: Record<string, unknown> & { tags: string[] };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation?: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region?: { startLine: number };
    };
    logicalLocations: { name: string; fullyQualifiedName: string; kind: string }[];
  }[];
  partialFingerprints: Record<string, string>;
  suppressions?: {
    kind: string;
    status: string;
    justification: string;
    properties: Record<string, unknown>;
  }[];
  properties: Record<string, unknown>;
}

const parse = (doc: ResultsDocument) => JSON.parse(renderSarif(doc)) as Sarif;

describe('SARIF reporter', () => {
  const doc = reportFixture();
  const sarif = parse(doc);
  const run = sarif.runs[0]!;

  it('matches the golden file byte for byte', () => {
    expectGolden('results.sarif', renderSarif(doc));
  });

  const sarifSkip = schemaUnavailable('sarif');
  it(`validates against the official SARIF 2.1.0 schema${sarifSkip ? ` (SKIPPED: ${sarifSkip})` : ''}`, function () {
    if (sarifSkip) {
      console.log(`      skipping SARIF schema validation: ${sarifSkip}`);
      this.skip();
    }
    const validate = sharedSchema('sarif');
    expect(validate(sarif), schemaErrors(validate)).to.equal(true);
    const demo = JSON.parse(renderSarif(demoResults())) as unknown;
    expect(validate(demo), schemaErrors(validate)).to.equal(true);
  });

  it('declares one rule per control with title, rationale, remediation and severities', () => {
    const { driver } = run.tool;
    expect(driver.name).to.equal('Rampart');
    expect(driver.version).to.equal('0.1.0');
    expect(driver.informationUri).to.match(/^https:\/\//);
    expect(driver.rules.map((r) => r.id)).to.deep.equal([...new Set(doc.results.map((r) => r.ref))]);
    const rule = driver.rules.find((r) => r.id === 'cis-docker@1.6.0/5.5')!;
    expect(rule.name).to.equal('ContainersDoNotRunInPrivilegedMode');
    expect(rule.shortDescription.text).to.equal('Containers do not run in privileged mode');
    expect(rule.fullDescription.text).to.equal('Rationale for 5.5.');
    expect(rule.help.text).to.equal('Rationale for 5.5.\n\nRemediation:\nRemediation for 5.5.');
    expect(rule.properties).to.include({
      severity: 'critical',
      'security-severity': '9.5',
      level: 1,
      assessment: 'automated',
    });
    expect(rule.properties.tags).to.include.members(['security', 'cis-docker@1.6.0', 'severity-critical']);
    expect(Object.keys(SECURITY_SEVERITY)).to.have.length(5);
    expect(Number(SECURITY_SEVERITY.high)).to.be.within(7, 8.9);
  });

  it('reports failing findings as errors, unscored ones as warnings, waived ones as suppressed', () => {
    const byRule = (ref: string) => run.results.filter((r) => r.ruleId === ref);
    const fail = byRule('cis-docker@1.6.0/5.5');
    expect(fail, 'only the failing container; the error and the pass are not results').to.have.length(1);
    expect(fail[0]!.level).to.equal('error');
    expect(fail[0]!.message.text).to.include('<img src=x onerror=alert(1)>"web",1');
    expect(fail[0]!.properties).to.include({ risk: 100, findingStatus: 'fail' });
    expect(byRule('cis-docker@1.6.0/5.10')[0]!.level).to.equal('warning');
    const waived = byRule('cis-docker@1.6.0/1.1.2');
    expect(waived).to.have.length(1);
    expect(waived[0]!.suppressions).to.deep.equal([
      {
        kind: 'external',
        status: 'accepted',
        justification: 'The CD pipeline\'s deploy account starts & stops <services>, "carefully"',
        properties: {
          waiver: 'W-2024-014',
          expires: '2025-01-31',
          owner: 'Priya Natarajan',
          approver: 'Marcus Hale (CISO)',
          compensatingControl: 'Key-only; sessions recorded.',
          ticket: 'SEC-1182',
        },
      },
    ]);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).to.equal(r.ruleId);
    expect(run.results).to.have.length(4);
  });

  it('never drops an error: control errors, resource errors and collector failures are notifications', () => {
    const inv = run.invocations[0]!;
    expect(inv.executionSuccessful).to.equal(false);
    expect(inv.startTimeUtc).to.equal(doc.startedAt);
    expect(inv.endTimeUtc).to.equal(doc.finishedAt);
    const notes = inv.toolExecutionNotifications!;
    expect(notes.map((n) => n.descriptor.id)).to.deep.equal([
      'collector-error',
      'control-error',
      'finding-error',
    ]);
    expect(notes.every((n) => n.level === 'error')).to.equal(true);
    expect(notes[1]!.associatedRule?.id).to.equal('cis-docker@1.6.0/2.2');
    expect(notes[1]!.message.text).to.include('permission denied');
    expect(notes[2]!.message.text).to.include("=cmd|' /C calc'!A0");
    const clean = parse({
      ...doc,
      targets: doc.targets.map((t) => ({ ...t, errors: {} })),
      results: doc.results.filter(
        (r) => r.status !== 'error' && r.findings.every((f) => f.status !== 'error'),
      ),
    });
    expect(clean.runs[0]!.invocations[0]!.executionSuccessful).to.equal(true);
    expect(clean.runs[0]!.invocations[0]!.toolExecutionNotifications).to.equal(undefined);
  });

  it('locates manifest-sourced resources by file and line, others logically by target and resource', () => {
    const k8s = run.results.find((r) => r.ruleId === 'cis-k8s@1.12.0/5.2.2')!;
    expect(k8s.locations[0]!.physicalLocation).to.deep.equal({
      artifactLocation: { uri: 'deploy/web%20app.yaml', uriBaseId: 'SRCROOT' },
      region: { startLine: 12 },
    });
    expect(k8s.locations[0]!.logicalLocations[0]).to.deep.equal({
      name: 'web',
      fullyQualifiedName: 'shop-manifests/Pod/shop/web',
      kind: 'Pod',
    });
    const docker = run.results.find((r) => r.ruleId === 'cis-docker@1.6.0/5.5')!;
    expect(docker.locations[0]!.physicalLocation).to.equal(undefined);
    expect(docker.locations[0]!.logicalLocations[0]!.fullyQualifiedName).to.equal(
      'pay-gw <01> & "prod"/container/<img src=x onerror=alert(1)>"web",1',
    );
  });

  it('fingerprints are stable per control, target and resource across runs and tool versions', () => {
    const later = parse({
      ...doc,
      startedAt: '2025-01-01T00:00:00.000Z',
      tool: { name: 'rampart', version: '9.9.9' },
    });
    const prints = (s: Sarif) => s.runs[0]!.results.map((r) => r.partialFingerprints['rampartFinding/v1']);
    expect(prints(later)).to.deep.equal(prints(sarif));
    expect(new Set(prints(sarif)).size).to.equal(run.results.length);
    const r55 = doc.results.find((r) => r.controlId === '5.5')!;
    expect(fingerprint(r55, r55.findings[0])).not.to.equal(fingerprint(r55, r55.findings[2]));
  });

  it('reports a control that fails without a failing resource once, against the target', () => {
    const attestedFail: ResultsDocument = {
      ...doc,
      results: [
        {
          ...doc.results.find((r) => r.controlId === '1.2.2')!,
          status: 'fail',
          reason: 'Attested fail by Lena Okafor on 2024-07-15',
        },
      ],
    };
    const results = parse(attestedFail).runs[0]!.results;
    expect(results).to.have.length(1);
    expect(results[0]!.level).to.equal('error');
    expect(results[0]!.message.text).to.include('Attested fail');
    expect(results[0]!.locations[0]!.logicalLocations[0]).to.deep.equal({
      name: 'pay-gw <01> & "prod"',
      fullyQualifiedName: 'pay-gw <01> & "prod"',
      kind: 'docker',
    });
  });

  it('is deterministic', () => {
    expect(renderSarif(reportFixture())).to.equal(renderSarif(reportFixture()));
  });
});
