/**
 * OSCAL assessment-results (oscal-version 1.0.6; the model is unchanged in shape through 1.2.x).
 *
 * - one `result` for the whole run; the targets are components and each assessed resource an inventory item;
 * - one observation per control result (control x target) with one piece of relevant evidence per finding,
 *   plus one per attestation given for a framework requirement;
 * - one risk per failing, warning or waived control result (waived = deviation-approved);
 * - one finding per framework requirement in scope (target type objective-id), satisfied only when met;
 *   without framework roll-ups, one finding per control result instead;
 * - every UUID is a version-5 UUID of stable inputs, so the same results give the same document.
 *
 * See docs/reports.md.
 */
import type {
  AttestationRef,
  FrameworkRollup,
  JsonValue,
  RequirementRollup,
  RequirementStatus,
  Result,
  ResultsDocument,
  Status,
} from '../core/types.js';
import {
  RAMPART_URI,
  benchmarkRef,
  compactJson,
  findingLine,
  oneLine,
  targetIndex,
  uuidV5,
} from './common.js';
import type { RenderOptions, Reporter } from './types.js';

export const OSCAL_VERSION = '1.0.6';
/** Namespace of Rampart's own property names. */
export const OSCAL_NS = `${RAMPART_URI}/ns/oscal`;

interface Prop {
  name: string;
  ns?: string;
  value: string;
}
type Obj = Record<string, JsonValue>;

/** A property, or nothing when the value is empty (OSCAL strings must not be blank or span lines). */
function prop(name: string, value: string | number | boolean | undefined, own = true): Prop[] {
  if (value === undefined) return [];
  const v = oneLine(String(value));
  if (!v) return [];
  return [{ name, ...(own ? { ns: OSCAL_NS } : {}), value: v }];
}

/** OSCAL tokens allow letters, digits, '.', '-' and '_': "314.4(c)(1)" -> "314.4_c_1". */
export function oscalToken(s: string): string {
  const t = s.replace(/\(([^)]*)\)/g, '_$1').replace(/[^\p{L}\p{N}._-]+/gu, '_');
  return /^[\p{L}_]/u.test(t) ? t : `_${t}`;
}

export function requirementToken(fw: Pick<FrameworkRollup, 'id' | 'version'>, id: string): string {
  return oscalToken(`${fw.id}-${fw.version}_${id}`);
}

export function controlToken(r: Pick<Result, 'benchmark' | 'controlId'>): string {
  return oscalToken(`${r.benchmark.id}-${r.benchmark.version}_${r.controlId}`);
}

const REQUIREMENT_STATE: Record<
  RequirementStatus,
  { state: 'satisfied' | 'not-satisfied'; reason: 'pass' | 'fail' | 'other'; label: string }
> = {
  met: { state: 'satisfied', reason: 'pass', label: 'met' },
  not_met: { state: 'not-satisfied', reason: 'fail', label: 'not met' },
  partial: { state: 'not-satisfied', reason: 'other', label: 'partially evidenced' },
  needs_attestation: { state: 'not-satisfied', reason: 'other', label: 'needs attestation' },
  not_assessed: { state: 'not-satisfied', reason: 'other', label: 'not assessed' },
};

function controlState(s: Status): {
  state: 'satisfied' | 'not-satisfied';
  reason: 'pass' | 'fail' | 'other';
} {
  if (s === 'pass' || s === 'waived') return { state: 'satisfied', reason: 'pass' };
  if (s === 'fail' || s === 'warn') return { state: 'not-satisfied', reason: 'fail' };
  return { state: 'not-satisfied', reason: 'other' };
}

function attestationText(a: AttestationRef): string {
  return (
    `Attestation${a.id ? ` ${a.id}` : ''}: ${a.answer} by ${a.attester} on ${a.date}` +
    `${a.expires ? `, expires ${a.expires}` : ''}${a.expired ? ' (EXPIRED)' : ''}. Evidence: ${a.evidence}` +
    `${a.note ? `. Note: ${a.note}` : ''}`
  );
}

export function renderOscal(doc: ResultsDocument, opts: Partial<RenderOptions> = {}): string {
  const target = targetIndex(doc);
  const docUuid = uuidV5(
    [
      'assessment-results',
      doc.startedAt,
      doc.finishedAt,
      ...doc.targets.map((t) => t.id),
      ...doc.benchmarks.map((b) => `${b.id}@${b.version}`),
    ].join('\u0000'),
  );
  const id = (...parts: string[]) => uuidV5([docUuid, ...parts].join('\u0000'));
  const toolUuid = uuidV5('component\u0000rampart');
  const apUuid = id('assessment-plan');
  const toolActor = { type: 'tool', 'actor-uuid': toolUuid };

  // Parties: the assessor and everyone who attested.
  const parties = new Map<string, { uuid: string; roles: Set<string> }>();
  const party = (name: string, role: string): string => {
    const key = oneLine(name) || 'unnamed';
    let p = parties.get(key);
    if (!p) parties.set(key, (p = { uuid: uuidV5(`party\u0000${key}`), roles: new Set() }));
    p.roles.add(role);
    return p.uuid;
  };
  if (opts.assessor?.trim()) party(opts.assessor, 'assessor');

  // Components (targets) and inventory items (resources).
  const components: Obj[] = [
    {
      uuid: toolUuid,
      type: 'software',
      title: 'Rampart',
      description:
        'Compliance benchmark assessment tool that collected the facts and evaluated the controls.',
      props: [...prop('version', doc.tool.version, false)] as unknown as JsonValue,
      status: { state: 'operational' },
    },
  ];
  const componentOf = new Map<string, string>();
  for (const t of doc.targets) {
    const uuid = id('target', t.id);
    componentOf.set(t.id, uuid);
    const meta = t.meta ?? {};
    components.push({
      uuid,
      type: 'this-system',
      title: oneLine(t.name) || t.id,
      description: `${t.kind} target ${t.name} (${t.id})`,
      props: [
        ...prop('target-id', t.id),
        ...prop('target-kind', t.kind),
        ...prop('platform', t.platform),
        ...prop('engine-version', typeof meta.serverVersion === 'string' ? meta.serverVersion : undefined),
      ] as unknown as JsonValue,
      status: { state: 'operational' },
    });
  }
  const items = new Map<string, Obj>();
  const itemOf = (r: Result, f: Result['findings'][number]): string => {
    const res = f.resource;
    const key = [r.target, res.kind, res.namespace ?? '', res.id].join('\u0000');
    const hit = items.get(key);
    if (hit) return hit.uuid as string;
    const uuid = id('resource', key);
    items.set(key, {
      uuid,
      description: `${res.kind} ${res.namespace ? `${res.namespace}/` : ''}${res.name} on ${target(r.target).name}`,
      props: [
        ...prop('resource-kind', res.kind),
        ...prop('resource-namespace', res.namespace),
        ...prop('resource-name', res.name),
        ...prop('resource-id', res.id),
        ...prop('source-file', res.source?.file),
        ...prop('source-line', res.source?.line),
      ] as unknown as JsonValue,
      'implemented-components': [{ 'component-uuid': componentOf.get(r.target) ?? toolUuid }],
    });
    return uuid;
  };

  // Observations: one per control result.
  const observations: Obj[] = [];
  const observationOf = new Map<string, string>();
  for (const r of doc.results) {
    const t = target(r.target);
    const uuid = id('observation', r.ref, r.target);
    observationOf.set(`${r.ref}\u0000${r.target}`, uuid);
    const subjects: Obj[] = [
      {
        'subject-uuid': componentOf.get(r.target) ?? toolUuid,
        type: 'component',
        title: oneLine(t.name) || t.id,
      },
    ];
    const seen = new Set<string>();
    const evidence: Obj[] = [];
    for (const f of r.findings) {
      const item = itemOf(r, f);
      if (!seen.has(item)) {
        seen.add(item);
        subjects.push({ 'subject-uuid': item, type: 'inventory-item' });
      }
      evidence.push({
        ...(f.resource.source
          ? { href: f.resource.source.file.split('/').map(encodeURIComponent).join('/') }
          : {}),
        description:
          `${findingLine(f)}\nObserved: ${compactJson(f.observed)}\nExpected: ${compactJson(f.expected)}` +
          `${f.waiver ? `\nWaiver: ${f.waiver.id} (${f.waiver.state}, expires ${f.waiver.expires})` : ''}`,
        props: [
          ...prop('finding-status', f.status),
          ...prop('resource-kind', f.resource.kind),
          ...prop('resource-id', f.resource.id),
          ...prop('source-line', f.resource.source?.line),
          ...prop('risk', f.risk),
          ...prop('waiver', f.waiver?.id),
        ] as unknown as JsonValue,
      });
    }
    const origins: Obj[] = [{ actors: [toolActor] }];
    if (r.attestation) {
      evidence.push({ description: attestationText(r.attestation) });
      origins.push({
        actors: [
          { type: 'party', 'actor-uuid': party(r.attestation.attester, 'attester'), 'role-id': 'attester' },
        ],
      });
    }
    const failing = r.status === 'fail' || r.status === 'warn' || r.status === 'waived';
    observations.push({
      uuid,
      title: `${r.ref} ${r.title} on ${oneLine(t.name)}`,
      description: `${r.status.toUpperCase()}: ${r.reason}`,
      props: [
        ...prop('control-ref', r.ref),
        ...prop('benchmark', benchmarkRef(r)),
        ...prop('control-id', r.controlId),
        ...prop('severity', r.severity),
        ...prop('profile-level', r.level),
        ...prop('assessment', r.assessment),
        ...prop('scored', r.scored),
        ...prop('status', r.status),
        ...prop('target-id', r.target),
      ] as unknown as JsonValue,
      methods:
        r.assessment === 'automated' ? ['TEST'] : r.attestation ? ['EXAMINE', 'INTERVIEW'] : ['EXAMINE'],
      types: [failing ? 'finding' : 'control-objective'],
      origins: origins as unknown as JsonValue,
      subjects: subjects as unknown as JsonValue,
      ...(evidence.length ? { 'relevant-evidence': evidence as unknown as JsonValue } : {}),
      collected: doc.startedAt,
      ...(r.rationale ? { remarks: r.rationale } : {}),
    });
  }
  // Attestations given directly for framework requirements (process requirements).
  const requirementObservation = new Map<string, string>();
  for (const fw of doc.frameworks ?? []) {
    for (const req of fw.requirements) {
      if (!req.attestation) continue;
      const a = req.attestation;
      const uuid = id('attestation', fw.id, fw.version, req.id);
      requirementObservation.set(`${fw.id}@${fw.version}/${req.id}`, uuid);
      observations.push({
        uuid,
        title: `Attestation for ${fw.title} ${req.id}`,
        description: attestationText(a),
        props: [
          ...prop('framework', `${fw.id}@${fw.version}`),
          ...prop('requirement-id', req.id),
          ...prop('attestation-id', a.id),
          ...prop('answer', a.answer),
        ] as unknown as JsonValue,
        methods: ['EXAMINE', 'INTERVIEW'],
        types: ['control-objective'],
        origins: [
          { actors: [{ type: 'party', 'actor-uuid': party(a.attester, 'attester'), 'role-id': 'attester' }] },
        ],
        'relevant-evidence': [{ description: a.evidence }],
        collected: doc.startedAt,
      });
    }
  }

  // Risks: failing, warning and waived control results.
  const risks: Obj[] = [];
  const riskOf = new Map<string, string>();
  const waivers = new Map((doc.waivers ?? []).map((w) => [w.id, w]));
  for (const r of doc.results) {
    if (r.status !== 'fail' && r.status !== 'warn' && r.status !== 'waived') continue;
    const uuid = id('risk', r.ref, r.target);
    riskOf.set(`${r.ref}\u0000${r.target}`, uuid);
    const scores = r.findings.map((f) => f.risk).filter((n): n is number => n !== undefined);
    const waiverIds = [
      ...new Set(r.findings.map((f) => f.waiver?.id).filter((w): w is string => Boolean(w))),
    ];
    const mitigations = waiverIds
      .map((w) => waivers.get(w))
      .filter((w) => w !== undefined)
      .map((w) => ({
        uuid: id('waiver', w.id, r.ref, r.target),
        description:
          `Waiver ${w.id} (${w.state}, expires ${w.expires}), owned by ${w.owner}, approved by ${w.approver}: ` +
          `${w.justification}${w.compensatingControl ? ` Compensating control: ${w.compensatingControl}` : ''}`,
        props: [...prop('waiver', w.id), ...prop('expires', w.expires), ...prop('ticket', w.ticket)],
      }));
    risks.push({
      uuid,
      title: `${r.ref} ${r.title} on ${oneLine(target(r.target).name)}`,
      description: r.reason,
      statement: r.remediation?.trim() || r.reason,
      props: [...prop('control-ref', r.ref), ...prop('target-id', r.target)] as unknown as JsonValue,
      status: r.status === 'waived' ? 'deviation-approved' : 'open',
      characterizations: [
        {
          origin: { actors: [toolActor] },
          facets: [
            { name: 'severity', system: OSCAL_NS, value: r.severity },
            ...(scores.length
              ? [{ name: 'risk-score', system: OSCAL_NS, value: String(Math.max(...scores)) }]
              : []),
          ],
        },
      ],
      'related-observations': [{ 'observation-uuid': id('observation', r.ref, r.target) }],
      ...(mitigations.length ? { 'mitigating-factors': mitigations as unknown as JsonValue } : {}),
    } as Obj);
  }

  // Findings: framework requirements, or control results when nothing was rolled up.
  const findings: Obj[] = [];
  const selections: Obj[] = [];
  const frameworks = doc.frameworks ?? [];
  for (const fw of frameworks) {
    const inScope = fw.requirements.filter((q) => q.status !== 'not_assessed');
    const outOfScope = fw.requirements.filter((q) => q.status === 'not_assessed');
    if (inScope.length || outOfScope.length) {
      selections.push({
        description: `${fw.title}: requirements in scope (not assessed ones excluded)`,
        props: [...prop('framework', `${fw.id}@${fw.version}`)] as unknown as JsonValue,
        ...(inScope.length
          ? { 'include-controls': inScope.map((q) => ({ 'control-id': requirementToken(fw, q.id) })) }
          : {}),
        ...(outOfScope.length
          ? { 'exclude-controls': outOfScope.map((q) => ({ 'control-id': requirementToken(fw, q.id) })) }
          : {}),
      });
    }
    for (const req of inScope) findings.push(requirementFinding(fw, req));
  }
  function requirementFinding(fw: FrameworkRollup, req: RequirementRollup): Obj {
    const st = REQUIREMENT_STATE[req.status];
    const related = [
      ...new Set([
        ...req.evidence
          .map((e) => observationOf.get(`${e.ref}\u0000${e.target}`))
          .filter((u): u is string => Boolean(u)),
        ...[requirementObservation.get(`${fw.id}@${fw.version}/${req.id}`)].filter((u): u is string =>
          Boolean(u),
        ),
      ]),
    ];
    const relatedRisks = [
      ...new Set(
        req.evidence
          .map((e) => riskOf.get(`${e.ref}\u0000${e.target}`))
          .filter((u): u is string => Boolean(u)),
      ),
    ];
    return {
      uuid: id('finding', fw.id, fw.version, req.id),
      title: `${fw.title} ${req.id}: ${st.label}`,
      description: `${req.title}. ${req.reason}`,
      props: [
        ...prop('framework', `${fw.id}@${fw.version}`),
        ...prop('requirement-id', req.id),
        ...prop('legacy-ids', req.legacy?.join(', ')),
        ...prop('status', req.status),
        ...prop('automated', req.automated),
        ...req.evidence.flatMap((e) => prop('evidence', `${e.ref} (${e.strength}) ${e.status}`)),
      ] as unknown as JsonValue,
      origins: [{ actors: [toolActor] }],
      target: {
        type: 'objective-id',
        'target-id': requirementToken(fw, req.id),
        title: req.title,
        status: { state: st.state, reason: st.reason },
      },
      ...(related.length ? { 'related-observations': related.map((u) => ({ 'observation-uuid': u })) } : {}),
      ...(relatedRisks.length ? { 'related-risks': relatedRisks.map((u) => ({ 'risk-uuid': u })) } : {}),
      ...(req.attestationNeeded ? { remarks: req.attestationNeeded } : {}),
    };
  }
  if (!frameworks.length) {
    for (const r of doc.results) {
      const st = controlState(r.status);
      findings.push({
        uuid: id('finding', r.ref, r.target),
        title: `${r.ref} on ${oneLine(target(r.target).name)}: ${r.status}`,
        description: `${r.title}. ${r.reason}`,
        props: [...prop('control-ref', r.ref), ...prop('status', r.status)] as unknown as JsonValue,
        origins: [{ actors: [toolActor] }],
        target: {
          type: 'objective-id',
          'target-id': controlToken(r),
          title: r.title,
          status: { state: st.state, reason: st.reason },
        },
        'related-observations': [{ 'observation-uuid': id('observation', r.ref, r.target) }],
        ...(riskOf.has(`${r.ref}\u0000${r.target}`)
          ? { 'related-risks': [{ 'risk-uuid': riskOf.get(`${r.ref}\u0000${r.target}`)! }] }
          : {}),
      });
    }
  }
  // The benchmark controls themselves were reviewed too.
  const controlIds = [...new Set(doc.results.map(controlToken))];
  if (controlIds.length) {
    selections.push({
      description: `Benchmark controls: ${doc.benchmarks.map((b) => b.title).join(', ')}`,
      'include-controls': controlIds.map((c) => ({ 'control-id': c })),
    });
  }
  if (!selections.length) selections.push({ 'include-all': {} });

  const roles = [
    ...(opts.assessor?.trim() ? [{ id: 'assessor', title: 'Assessor' }] : []),
    ...([...parties.values()].some((p) => p.roles.has('attester'))
      ? [{ id: 'attester', title: 'Attester' }]
      : []),
  ];
  const partyList = [...parties.entries()].map(([name, p]) => ({ uuid: p.uuid, type: 'person', name }));
  const responsible = roles.map((r) => ({
    'role-id': r.id,
    'party-uuids': [...parties.values()].filter((p) => p.roles.has(r.id)).map((p) => p.uuid),
  }));

  const targetNames = doc.targets.map((t) => oneLine(t.name) || t.id).join(', ');
  const ar = {
    'assessment-results': {
      uuid: docUuid,
      metadata: {
        title: `Rampart assessment of ${targetNames || 'no target'}`,
        'last-modified': doc.finishedAt,
        version: doc.finishedAt,
        'oscal-version': OSCAL_VERSION,
        props: [
          ...prop('tool', `${doc.tool.name} ${doc.tool.version}`),
          ...prop('marking', opts.classification, false),
          ...doc.benchmarks.flatMap((b) => prop('benchmark', `${b.id}@${b.version}`)),
        ],
        ...(roles.length ? { roles } : {}),
        ...(partyList.length ? { parties: partyList } : {}),
        ...(responsible.length ? { 'responsible-parties': responsible } : {}),
      },
      'import-ap': {
        href: `#${apUuid}`,
        remarks:
          'Rampart does not produce an assessment plan: this reference points to a placeholder in back-matter. ' +
          'The scope actually assessed is recorded in reviewed-controls and in the local definitions.',
      },
      results: [
        {
          uuid: id('result'),
          title: `Rampart ${doc.tool.version} assessment of ${targetNames || 'no target'}`,
          description:
            `Automated assessment against ${doc.benchmarks.map((b) => b.title).join(', ') || 'no benchmark'}` +
            `${frameworks.length ? `, rolled up to ${frameworks.map((f) => f.title).join(', ')}` : ''}.`,
          start: doc.startedAt,
          end: doc.finishedAt,
          props: [
            ...prop('posture', doc.scores?.posture),
            ...prop('coverage', doc.scores?.coverage),
            ...frameworks.flatMap((f) => prop('compliance', `${f.id}@${f.version} ${f.compliance}%`)),
            ...frameworks.flatMap((f) => prop('framework-coverage', `${f.id}@${f.version} ${f.coverage}%`)),
          ],
          'local-definitions': {
            components,
            ...(items.size ? { 'inventory-items': [...items.values()] } : {}),
          },
          'reviewed-controls': { 'control-selections': selections },
          ...(observations.length ? { observations } : {}),
          ...(risks.length ? { risks } : {}),
          ...(findings.length ? { findings } : {}),
        },
      ],
      'back-matter': {
        resources: [
          {
            uuid: apUuid,
            title: 'Assessment plan placeholder',
            description:
              'No separate assessment plan exists; the assessment was defined by the Rampart command line and ' +
              'the benchmarks and framework mappings named in the results.',
          },
        ],
      },
    },
  };
  // Optional lists must not be empty in OSCAL: drop empty `props`.
  const json = JSON.stringify(
    ar,
    (key, value: unknown) =>
      key === 'props' && Array.isArray(value) && value.length === 0 ? undefined : value,
    2,
  );
  return `${json}\n`;
}

export const oscalReporter: Reporter = {
  id: 'oscal',
  extension: 'json',
  description: `OSCAL ${OSCAL_VERSION} assessment-results JSON (observations, risks, findings per requirement)`,
  render: (doc, opts) => renderOscal(doc, opts),
};
