import { expect } from 'chai';
import type { ResultsDocument } from '../../../src/core/types.js';
import { renderJunit, xmlAttr, xmlText } from '../../../src/reporters/junit.js';
import { expectGolden } from '../../support/golden.js';
import { reportFixture } from '../../support/reports.js';
import { find, parseXml, type XmlElement } from '../../support/xml.js';
import { demoResults } from '../../support/demo-results.js';

const num = (e: XmlElement, a: string) => Number(e.attrs[a]);

describe('JUnit reporter', () => {
  const doc = reportFixture();
  const xml = renderJunit(doc);
  const root = parseXml(xml);

  it('matches the golden file byte for byte', () => {
    expectGolden('junit.xml', xml);
  });

  it('is well-formed XML with correct counts at every level', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).to.equal(true);
    expect(root.name).to.equal('testsuites');
    expect(root.attrs).to.include({ tests: '9', failures: '3', errors: '1', skipped: '4', time: '2.500' });
    const suites = find(root, 'testsuite');
    let total = 0;
    for (const s of suites) {
      const cases = find(s, 'testcase');
      total += cases.length;
      expect(num(s, 'tests'), s.attrs.name).to.equal(cases.length);
      expect(num(s, 'failures')).to.equal(cases.filter((c) => find(c, 'failure').length).length);
      expect(num(s, 'errors')).to.equal(cases.filter((c) => find(c, 'error').length).length);
      expect(num(s, 'skipped')).to.equal(cases.filter((c) => find(c, 'skipped').length).length);
    }
    expect(total).to.equal(doc.results.length);
    const demo = parseXml(renderJunit(demoResults()));
    expect(num(demo, 'tests')).to.equal(117);
    expect(find(demo, 'testcase')).to.have.length(117);
  });

  it('has a suite per benchmark section and per target, a case per control', () => {
    const suites = find(root, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).to.deep.equal([
      'CIS Docker Benchmark v1.6.0 / 1.1 Linux host specific configuration [pay-gw <01> & "prod"]',
      'CIS Docker Benchmark v1.6.0 / 1.2 General host configuration [pay-gw <01> & "prod"]',
      'CIS Docker Benchmark v1.6.0 / 2 Docker daemon configuration [pay-gw <01> & "prod"]',
      'CIS Docker Benchmark v1.6.0 / 5 Container runtime [pay-gw <01> & "prod"]',
      'CIS Kubernetes Benchmark v1.12.0 / 5.2 Pod security standards [shop-manifests]',
      'CIS Kubernetes Benchmark v1.12.0 / 1.2 API server [shop-manifests]',
    ]);
    expect(suites[0]!.attrs.hostname).to.equal('pay-gw <01> & "prod"');
    const c = find(root, 'testcase').find((t) => t.attrs.name?.startsWith('5.5 '))!;
    expect(c.attrs).to.include({
      classname: 'cis-docker@1.6.0.5',
      name: '5.5 Containers do not run in privileged mode',
    });
    const single: ResultsDocument = {
      ...doc,
      results: doc.results.filter((r) => r.target === doc.targets[1]!.id),
    };
    const names = find(parseXml(renderJunit(single)), 'testsuite').map((s) => s.attrs.name);
    expect(names.every((n) => !n!.includes('['))).to.equal(true);
  });

  it('maps statuses: failure, error, skipped with the reason, evidence in system-out', () => {
    // Keyed by control id; the Kubernetes 1.2.1 comes last and is not the one looked at below.
    const cases = new Map(
      find(root, 'testcase')
        .filter((t) => t.attrs.classname!.startsWith('cis-docker') || !t.attrs.name!.startsWith('1.2.1'))
        .map((t) => [t.attrs.name!.split(' ')[0]!, t]),
    );
    const fail = find(cases.get('5.5')!, 'failure')[0]!;
    expect(fail.attrs).to.deep.equal({
      message: '1 of 3 containers failed; 1 could not be checked',
      type: 'fail',
    });
    expect(fail.text).to.include('[FAIL] container <img src=x onerror=alert(1)>"web",1: expected');
    expect(fail.text, 'control characters are written visibly').to.include('no such container\\u0007');
    expect(find(cases.get('5.10')!, 'failure')[0]!.attrs.type).to.equal('warn');
    expect(find(cases.get('2.2')!, 'error')[0]!.attrs.message).to.include('permission denied');
    expect(find(cases.get('1.2.2')!, 'skipped')[0]!.attrs.message).to.equal(
      'manual review needed: needs review by a person: compare the engine version with the latest release',
    );
    expect(find(cases.get('5.7')!, 'skipped')[0]!.attrs.message).to.equal(
      'not applicable: no container publishes a port',
    );
    expect(find(cases.get('1.1.2')!, 'skipped')[0]!.attrs.message).to.match(/^waived: /);
    const attested = cases.get('1.2.1')!;
    expect(attested.children.map((c) => c.name)).to.deep.equal(['system-out']);
    expect(find(attested, 'system-out')[0]!.text).to.include(
      'attestation A-2024-101: pass by Lena Okafor (SRE) on 2024-07-15',
    );
    const out = find(cases.get('5.2.2')!, 'system-out')[0]!.text;
    expect(out).to.include('[FAIL] Pod shop/web (deploy/web app.yaml:12)');
    expect(out).to.include('  observed: {"spec.containers[0].securityContext.privileged":true}');
    expect(out).to.include('[PASS] Pod shop/worker (deploy/worker.yaml)');
  });

  it('escapes markup, quotes, newlines and characters XML cannot carry', () => {
    expect(xmlText('<a href="x">&</a>')).to.equal('&lt;a href="x"&gt;&amp;&lt;/a&gt;');
    expect(xmlAttr(`"'\n\t<`)).to.equal('&quot;&apos;&#10;&#9;&lt;');
    expect(xmlText('a\u0000b\uFFFEc\uD800d')).to.equal('a\\u0000b\\ufffec\\ud800d');
    expect(xmlText('emoji 😀 ok')).to.equal('emoji 😀 ok');
    expect(xml).not.to.include('<img');
    expect(xml).not.to.include('\u0007');
  });
});
