/**
 * SARIF 2.1.0 (OASIS). One rule per control, one result per failing, warning or waived finding, errors as
 * tool execution notifications. See docs/reports.md for the mapping.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, JsonValue, Result, ResultsDocument, ResultTarget, Severity } from '../core/types.js';
import { RAMPART_URI, benchmarkRef, controlsOf, resourceLabel, sha256Hex, targetIndex } from './common.js';
import type { Reporter } from './types.js';

export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** GitHub code scanning's reading of `security-severity`: >= 9 critical, 7-8.9 high, 4-6.9 medium, < 4 low. */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

type SarifLevel = 'error' | 'warning' | 'note' | 'none';

interface Message {
  text: string;
}
interface LogicalLocation {
  name: string;
  fullyQualifiedName: string;
  kind: string;
}
interface SarifLocation {
  physicalLocation?: {
    artifactLocation: { uri: string; uriBaseId?: string };
    region?: { startLine: number };
  };
  logicalLocations: LogicalLocation[];
}
interface SarifRule {
  id: string;
  name: string;
  shortDescription: Message;
  fullDescription: Message;
  help: Message;
  defaultConfiguration: { level: SarifLevel };
  properties: Record<string, JsonValue>;
}
interface SarifSuppression {
  kind: 'external';
  status: 'accepted';
  justification: string;
  properties: Record<string, JsonValue>;
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  kind: 'fail';
  level: SarifLevel;
  message: Message;
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  suppressions?: SarifSuppression[];
  properties: Record<string, JsonValue>;
}
interface SarifNotification {
  level: SarifLevel;
  message: Message;
  descriptor: { id: string; index: number };
  associatedRule?: { id: string; index: number };
  locations?: SarifLocation[];
  properties: Record<string, JsonValue>;
}

/** Notification kinds, declared in tool.driver.notifications. */
const NOTIFICATIONS = [
  {
    id: 'collector-error',
    text: 'A collector could not gather its facts; the controls that need them are errors.',
  },
  { id: 'control-error', text: 'A control could not be checked on a target.' },
  { id: 'finding-error', text: 'A control could not be checked on one resource.' },
] as const;
type NotificationId = (typeof NOTIFICATIONS)[number]['id'];
const NOTIFICATION_INDEX = new Map<string, number>(NOTIFICATIONS.map((n, i) => [n.id, i]));

/** "Containers do not run in privileged mode" -> "ContainersDoNotRunInPrivilegedMode". */
export function ruleName(title: string): string {
  const words = title.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('') || 'Control';
}

/** Stable across runs and tool versions: the control (without benchmark version), target and resource. */
export function fingerprint(r: Result, f?: Finding): string {
  const res = f?.resource;
  const parts = [
    `${r.benchmark.id}/${r.controlId}`,
    r.target,
    res?.kind ?? '',
    res?.namespace ?? '',
    res?.id ?? '',
  ];
  return sha256Hex(parts.join('\u0000'));
}

function artifactUri(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  const rel = file.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
  return { uri: rel, uriBaseId: 'SRCROOT' };
}

function location(target: ResultTarget, f?: Finding): SarifLocation {
  if (!f) {
    return { logicalLocations: [{ name: target.name, fullyQualifiedName: target.name, kind: target.kind }] };
  }
  const res = f.resource;
  const loc: SarifLocation = {
    logicalLocations: [
      {
        name: res.name,
        fullyQualifiedName: `${target.name}/${res.kind}/${resourceLabel(res)}`,
        kind: res.kind,
      },
    ],
  };
  if (res.source) {
    loc.physicalLocation = {
      artifactLocation: artifactUri(res.source.file),
      ...(res.source.line !== undefined ? { region: { startLine: Math.max(1, res.source.line) } } : {}),
    };
  }
  return loc;
}

function resourceProps(f: Finding): JsonValue {
  const r = f.resource;
  return {
    kind: r.kind,
    id: r.id,
    name: r.name,
    ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
    ...(r.source ? { source: r.source as unknown as JsonValue } : {}),
  };
}

function buildRule(r: Result): SarifRule {
  const rationale = r.rationale?.trim() || r.title;
  const help = r.remediation?.trim() ? `${rationale}\n\nRemediation:\n${r.remediation.trim()}` : rationale;
  return {
    id: r.ref,
    name: ruleName(r.title),
    shortDescription: { text: r.title },
    fullDescription: { text: rationale },
    help: { text: help },
    defaultConfiguration: { level: r.scored ? 'error' : 'warning' },
    properties: {
      benchmark: benchmarkRef(r),
      controlId: r.controlId,
      ...(r.section !== undefined ? { section: r.section } : {}),
      severity: r.severity,
      'security-severity': SECURITY_SEVERITY[r.severity],
      level: r.level,
      assessment: r.assessment,
      scored: r.scored,
      tags: [
        'security',
        'compliance',
        r.benchmark.id,
        benchmarkRef(r),
        `level-${r.level}`,
        `severity-${r.severity}`,
        r.assessment,
      ],
    },
  };
}

export function renderSarif(doc: ResultsDocument): string {
  const target = targetIndex(doc);
  const controls = controlsOf(doc);
  const ruleIndex = new Map(controls.map((r, i) => [r.ref, i]));
  const waivers = new Map((doc.waivers ?? []).map((w) => [w.id, w]));
  const results: SarifResult[] = [];
  const notifications: SarifNotification[] = [];
  let relativeSources = false;

  const notify = (
    id: NotificationId,
    text: string,
    props: Record<string, JsonValue>,
    rule?: Result,
    loc?: SarifLocation,
  ) => {
    notifications.push({
      level: 'error',
      message: { text },
      descriptor: { id, index: NOTIFICATION_INDEX.get(id)! },
      ...(rule ? { associatedRule: { id: rule.ref, index: ruleIndex.get(rule.ref)! } } : {}),
      ...(loc ? { locations: [loc] } : {}),
      properties: props,
    });
  };

  for (const t of doc.targets) {
    for (const [collector, reason] of Object.entries(t.errors ?? {})) {
      notify('collector-error', `${t.name}: ${collector} was not collected: ${reason}`, {
        target: t.id,
        targetName: t.name,
        collector,
      });
    }
  }

  for (const r of doc.results) {
    const t = target(r.target);
    const base = { target: t.id, targetName: t.name, status: r.status, severity: r.severity };
    if (r.status === 'error') {
      notify(
        'control-error',
        `${r.ref} could not be checked on ${t.name}: ${r.reason}`,
        base,
        r,
        location(t),
      );
    }
    let reported = 0;
    for (const f of r.findings) {
      if (f.status === 'error') {
        notify(
          'finding-error',
          `${r.ref} could not be checked on ${f.resource.kind} ${resourceLabel(f.resource)}: ${f.message}`,
          { ...base, resource: resourceProps(f) },
          r,
          location(t, f),
        );
        continue;
      }
      if (f.status !== 'fail' && f.status !== 'warn' && f.status !== 'waived') continue;
      reported++;
      if (f.resource.source && !isAbsolute(f.resource.source.file)) relativeSources = true;
      const waiver = f.waiver ? waivers.get(f.waiver.id) : undefined;
      const level: SarifLevel =
        f.status === 'warn' || (f.status === 'waived' && !r.scored) ? 'warning' : 'error';
      const result: SarifResult = {
        ruleId: r.ref,
        ruleIndex: ruleIndex.get(r.ref)!,
        kind: 'fail',
        level,
        message: { text: `${f.resource.kind} ${resourceLabel(f.resource)} on ${t.name}: ${f.message}` },
        locations: [location(t, f)],
        partialFingerprints: { 'rampartFinding/v1': fingerprint(r, f) },
        properties: {
          ...base,
          findingStatus: f.status,
          resource: resourceProps(f),
          observed: f.observed,
          expected: f.expected,
          ...(f.risk !== undefined ? { risk: f.risk } : {}),
          ...(f.riskFactors?.length ? { riskFactors: f.riskFactors } : {}),
          ...(f.waiver ? { waiver: { ...f.waiver } } : {}),
        },
      };
      if (f.status === 'waived') {
        result.suppressions = [
          {
            kind: 'external',
            status: 'accepted',
            justification: waiver?.justification ?? `waived by ${f.waiver?.id ?? 'a waiver'}`,
            properties: {
              ...(f.waiver ? { waiver: f.waiver.id, expires: f.waiver.expires } : {}),
              ...(waiver
                ? {
                    owner: waiver.owner,
                    approver: waiver.approver,
                    ...(waiver.compensatingControl
                      ? { compensatingControl: waiver.compensatingControl }
                      : {}),
                    ...(waiver.ticket ? { ticket: waiver.ticket } : {}),
                  }
                : {}),
            },
          },
        ];
      }
      results.push(result);
    }
    // A control can fail without a failing resource (an attestation answered fail, an empty selection that
    // must not be empty): report it once, against the target.
    if ((r.status === 'fail' || r.status === 'warn') && reported === 0) {
      results.push({
        ruleId: r.ref,
        ruleIndex: ruleIndex.get(r.ref)!,
        kind: 'fail',
        level: r.status === 'warn' ? 'warning' : 'error',
        message: { text: `${r.title} on ${t.name}: ${r.reason}` },
        locations: [location(t)],
        partialFingerprints: { 'rampartFinding/v1': fingerprint(r) },
        properties: { ...base },
      });
    }
  }

  const errored = doc.results.some(
    (r) => r.status === 'error' || r.findings.some((f) => f.status === 'error'),
  );
  const collectorFailed = doc.targets.some((t) => Object.keys(t.errors ?? {}).length > 0);
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Rampart',
            version: doc.tool.version,
            semanticVersion: doc.tool.version,
            informationUri: RAMPART_URI,
            rules: controls.map(buildRule),
            notifications: NOTIFICATIONS.map((n) => ({ id: n.id, shortDescription: { text: n.text } })),
          },
        },
        invocations: [
          {
            executionSuccessful: !errored && !collectorFailed,
            startTimeUtc: doc.startedAt,
            endTimeUtc: doc.finishedAt,
            ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        ...(relativeSources
          ? {
              originalUriBaseIds: {
                SRCROOT: { description: { text: 'The manifest directory or file given to rampart.' } },
              },
            }
          : {}),
        results,
        properties: {
          benchmarks: doc.benchmarks.map((b) => `${b.id}@${b.version}`),
          targets: doc.targets.map((t) => ({ id: t.id, kind: t.kind, name: t.name })),
          summary: doc.summary as unknown as JsonValue,
          ...(doc.scores ? { posture: doc.scores.posture, coverage: doc.scores.coverage } : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

export const sarifReporter: Reporter = {
  id: 'sarif',
  extension: 'sarif',
  description: 'SARIF 2.1.0 for code scanning (one rule per control, failing findings as results)',
  render: (doc) => renderSarif(doc),
};
