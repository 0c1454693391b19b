import { expect } from 'chai';
import type { ResultsDocument } from '../../../src/core/types.js';
import { uuidV5 } from '../../../src/reporters/common.js';
import { oscalToken, renderOscal, requirementToken } from '../../../src/reporters/oscal.js';
import { expectGolden } from '../../support/golden.js';
import { FIXTURE_OPTIONS, reportFixture } from '../../support/reports.js';
import { schemaErrors, schemaUnavailable, sharedSchema } from '../../support/shared-schemas.js';
import { demoResults } from '../../support/demo-results.js';

type O = Record<string, unknown>;
interface Ar {
  'assessment-results': {
    uuid: string;
    metadata: O & { 'oscal-version': string; props: O[]; parties?: O[]; roles?: O[] };
    'import-ap': { href: string };
    results: (O & {
      'local-definitions': { components: O[]; 'inventory-items'?: O[] };
      'reviewed-controls': { 'control-selections': O[] };
      observations: (O & { uuid: string; methods: string[]; subjects: O[]; origins: O[] })[];
      risks: (O & { uuid: string; status: string })[];
      findings: (O & {
        target: { type: string; 'target-id': string; status: { state: string; reason: string } };
        props: { name: string; value: string }[];
        'related-observations'?: { 'observation-uuid': string }[];
        'related-risks'?: { 'risk-uuid': string }[];
      })[];
    })[];
    'back-matter': { resources: { uuid: string }[] };
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function collect(v: unknown, key: string, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) collect(x, key, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === key && typeof x === 'string') out.push(x);
      else collect(x, key, out);
    }
  }
  return out;
}

describe('OSCAL assessment-results reporter', () => {
  const doc = reportFixture();
  const text = renderOscal(doc, FIXTURE_OPTIONS);
  const ar = (JSON.parse(text) as Ar)['assessment-results'];
  const result = ar.results[0]!;

  it('matches the golden file byte for byte', () => {
    expectGolden('oscal-assessment-results.json', text);
  });

  const skip = schemaUnavailable('oscal');
  it(`validates against the official OSCAL 1.0.6 schema${skip ? ` (SKIPPED: ${skip})` : ''}`, function () {
    if (skip) {
      console.log(`      skipping OSCAL schema validation: ${skip}`);
      this.skip();
    }
    const validate = sharedSchema('oscal');
    expect(validate(JSON.parse(text)), schemaErrors(validate)).to.equal(true);
    const demo = JSON.parse(renderOscal(demoResults(), { assessor: 'Demo Assessor' })) as unknown;
    expect(validate(demo), schemaErrors(validate)).to.equal(true);
    const bare = JSON.parse(renderOscal({ ...doc, frameworks: undefined, scores: undefined }, {})) as unknown;
    expect(validate(bare), schemaErrors(validate)).to.equal(true);
  });

  it('makes RFC 4122 version-5 UUIDs: a known vector, unique in the document, reproducible', () => {
    // RFC 4122 appendix / Python uuid.uuid5(NAMESPACE_DNS, 'www.example.com')
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).to.equal(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
    const uuids = collect(ar, 'uuid');
    expect(uuids.length).to.be.greaterThan(20);
    for (const u of uuids) expect(u).to.match(UUID);
    expect(new Set(uuids).size, 'no UUID defined twice').to.equal(uuids.length);
    expect(renderOscal(reportFixture(), FIXTURE_OPTIONS)).to.equal(text);
    const other = JSON.parse(
      renderOscal({ ...doc, startedAt: '2024-09-01T00:00:00Z' }, FIXTURE_OPTIONS),
    ) as Ar;
    expect(other['assessment-results'].uuid).not.to.equal(ar.uuid);
  });

  it('every reference resolves: observations, subjects, actors, risks, the plan placeholder', () => {
    const defined = new Set(collect(ar, 'uuid'));
    for (const key of ['observation-uuid', 'subject-uuid', 'actor-uuid', 'risk-uuid', 'component-uuid']) {
      const refs = collect(ar, key);
      expect(refs.length, key).to.be.greaterThan(0);
      for (const r of refs) expect(defined.has(r), `${key} ${r}`).to.equal(true);
    }
    expect(ar['import-ap'].href).to.equal(`#${ar['back-matter'].resources[0]!.uuid}`);
  });

  it('records metadata: version, classification marking, assessor and attesters as parties', () => {
    expect(ar.metadata['oscal-version']).to.equal('1.0.6');
    expect(ar.metadata.props).to.deep.include({ name: 'marking', value: 'CONFIDENTIAL' });
    expect(ar.metadata.parties!.map((p) => p.name)).to.deep.equal([
      'Jane Auditor <jane@audit.example>',
      'Lena Okafor (SRE)',
      'Marcus Hale (CISO)',
    ]);
    expect(ar.metadata.roles!.map((r) => r.id)).to.deep.equal(['assessor', 'attester']);
    expect(result.start).to.equal(doc.startedAt);
    expect(result.end).to.equal(doc.finishedAt);
  });

  it('one observation per control result, with evidence per finding and the resources as subjects', () => {
    expect(result.observations).to.have.length(doc.results.length + 1); // + the GLBA requirement attestation
    const o = result.observations.find((x) => (x.title as string).startsWith('cis-k8s@1.12.0/5.2.2'))!;
    expect(o.methods).to.deep.equal(['TEST']);
    expect(o.subjects).to.have.length(3); // the target component and two pods
    const ev = o['relevant-evidence'] as { href?: string; description: string }[];
    expect(ev[0]!.href).to.equal('deploy/web%20app.yaml');
    expect(ev[0]!.description).to.include('Observed: {"spec.containers[0].securityContext.privileged":true}');
    const attested = result.observations.find((x) =>
      (x.title as string).startsWith('cis-docker@1.6.0/1.2.1'),
    )!;
    expect(attested.methods).to.deep.equal(['EXAMINE', 'INTERVIEW']);
    expect(attested.origins).to.have.length(2);
    expect(JSON.stringify(attested['relevant-evidence'])).to.include(
      'Attestation A-2024-101: pass by Lena Okafor',
    );
    expect(result['local-definitions']['inventory-items']!.length).to.equal(
      new Set(
        doc.results.flatMap((r) => r.findings.map((f) => `${r.target}|${f.resource.kind}|${f.resource.id}`)),
      ).size,
    );
  });

  it('risks for failing and waived results; waived ones are deviation-approved', () => {
    expect(result.risks.map((r) => r.status)).to.deep.equal(['deviation-approved', 'open', 'open', 'open']);
    expect(JSON.stringify(result.risks[0])).to.include('Waiver W-2024-014');
  });

  it('one finding per framework requirement in scope, satisfied only when met', () => {
    const byId = new Map(result.findings.map((f) => [f.target['target-id'], f]));
    expect([...byId.keys()]).to.deep.equal([
      'pci-dss-4.0.1_2.2.1',
      'pci-dss-4.0.1_2.2.5',
      'pci-dss-4.0.1_7.2.2',
      'pci-dss-4.0.1_12.1.1',
      'glba-16-cfr-314_314.4_c_1',
    ]);
    const state = (id: string) => byId.get(id)!.target.status;
    expect(state('pci-dss-4.0.1_2.2.1')).to.deep.equal({ state: 'satisfied', reason: 'pass' });
    expect(state('pci-dss-4.0.1_2.2.5')).to.deep.equal({ state: 'not-satisfied', reason: 'fail' });
    expect(state('pci-dss-4.0.1_7.2.2')).to.deep.equal({ state: 'not-satisfied', reason: 'other' });
    expect(state('pci-dss-4.0.1_12.1.1')).to.deep.equal({ state: 'not-satisfied', reason: 'other' });
    expect(state('glba-16-cfr-314_314.4_c_1')).to.deep.equal({ state: 'satisfied', reason: 'pass' });
    for (const f of byId.values()) expect(f.target.type).to.equal('objective-id');
    const notMet = byId.get('pci-dss-4.0.1_2.2.5')!;
    expect(notMet['related-observations']).to.have.length(2);
    expect(notMet['related-risks']).to.have.length(2);
    expect(notMet.props).to.deep.include({
      name: 'status',
      ns: 'https://rampart.dev/ns/oscal',
      value: 'not_met',
    });
    const glba = byId.get('glba-16-cfr-314_314.4_c_1')!;
    expect(glba['related-observations'], 'the requirement attestation').to.have.length(1);
    const selections = result['reviewed-controls']['control-selections'];
    expect(JSON.stringify(selections[0]!['exclude-controls'])).to.include('pci-dss-4.0.1_6.3.3');
  });

  it('falls back to one finding per control result when nothing was rolled up to a framework', () => {
    const bare: ResultsDocument = { ...doc, frameworks: undefined };
    const r = (JSON.parse(renderOscal(bare, {})) as Ar)['assessment-results'].results[0]!;
    expect(r.findings).to.have.length(doc.results.length);
    expect(r.findings[0]!.target['target-id']).to.equal('cis-docker-1.6.0_1.1.2');
  });

  it('turns any id into an OSCAL token', () => {
    expect(oscalToken('314.4(c)(1)'), 'tokens start with a letter or _').to.equal('_314.4_c_1');
    expect(oscalToken('A3.1.1')).to.equal('A3.1.1');
    expect(oscalToken('1.2 a/b')).to.equal('_1.2_a_b');
    expect(requirementToken({ id: 'pci-dss', version: '4.0.1' }, 'A3.1.1')).to.equal('pci-dss-4.0.1_A3.1.1');
  });
});
