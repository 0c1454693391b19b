/**
 * Typed check functions for what operators cannot express. Each declares a JSON Schema for its
 * `with` options (validated at load time) and returns the same Outcome shape as conditions.
 */
import type { JsonValue } from '../core/types.js';
import { ruleAllows } from '../collectors/kubernetes/rbac.js';
import type { EvalScope, Outcome } from './conditions.js';
import { parsePath, resolve } from './path.js';

export interface Check {
  name: string;
  description: string;
  /** JSON Schema of the `with` options. */
  options: Record<string, unknown>;
  run(resource: unknown, options: Record<string, JsonValue>, scope: EvalScope): Outcome;
}

const asRecord = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function stripTrailingSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/** Paths an audit rule watches: `-w <path>` and `-F path=<path>` / `-F dir=<path>`. */
export function auditRulePaths(rule: string): string[] {
  const tokens = rule.trim().split(/\s+/);
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const next = tokens[i + 1];
    if (t === '-w' && next) out.push(stripTrailingSlash(next));
    if (t === '-F' && next && /^(path|dir)=/.test(next))
      out.push(stripTrailingSlash(next.replace(/^(path|dir)=/, '')));
  }
  return out;
}

const auditWatch: Check = {
  name: 'audit-watch',
  description: 'the host audit rules (host.audit fact) watch the given path',
  options: {
    type: 'object',
    properties: {
      path: { type: 'string', minLength: 1 },
      pathFrom: { type: 'string', minLength: 1 },
    },
    required: ['path'],
    additionalProperties: false,
  },
  run(resource, options, scope) {
    // pathFrom names where the host's actual path is recorded (e.g. the daemon's --config-file); the fixed
    // `path` is the default used when that fact holds nothing.
    let actual: unknown;
    if (typeof options.pathFrom === 'string') {
      actual = resolve(parsePath(options.pathFrom), resource, scope.facts);
    }
    const target = stripTrailingSlash(typeof actual === 'string' && actual ? actual : String(options.path));
    const audit = asRecord(resource);
    const fileRules = Array.isArray(audit.rules) ? (audit.rules as unknown[]).map(String) : [];
    const auditctl = asRecord(audit.auditctl);
    const liveRules = Array.isArray(auditctl.rules) ? (auditctl.rules as unknown[]).map(String) : [];
    const rules = [...new Set([...fileRules, ...liveRules])];
    const matching = rules.filter((r) => auditRulePaths(r).includes(target));
    const ok = matching.length > 0;
    return {
      verdict: ok ? 'pass' : 'fail',
      details: [
        {
          path: 'rules',
          observed: ok ? matching : `${rules.length} audit rule(s), none for ${target}`,
          expected: `an audit rule watching ${target}`,
          ok,
          message: ok
            ? `audit rule watches ${target}: ${matching[0]}`
            : `expected an audit rule watching ${target}, found none among ${rules.length} rule(s)`,
        },
      ],
    };
  },
};

const UPDATE_PATTERNS: RegExp[] = [
  /\bapt(-get)?\s+(-\S+\s+)*update\b/,
  /\bapk\s+(-\S+\s+)*update\b/,
  /\b(yum|dnf|microdnf)\s+(-\S+\s+)*(makecache|check-update)\b/,
  /\bzypper\s+(-\S+\s+)*(refresh|ref)\b/,
];
const INSTALL_PATTERN =
  /\b(apt(-get)?\s+(-\S+\s+)*(install|upgrade|dist-upgrade)|apk\s+(-\S+\s+)*(add|upgrade)|(yum|dnf|microdnf)\s+(-\S+\s+)*(install|update|upgrade)|zypper\s+(-\S+\s+)*(install|in|update|up))\b/;

/** True when a build step refreshes a package index without installing anything in the same step. */
export function isUpdateAlone(createdBy: string): boolean {
  const refreshes = UPDATE_PATTERNS.some((re) => re.test(createdBy));
  if (!refreshes) return false;
  // "apk update" never installs, but "yum update" does: strip the refresh words before looking for installs.
  const rest = UPDATE_PATTERNS.reduce((s, re) => s.replace(new RegExp(re.source, 'g'), ' '), createdBy);
  return !INSTALL_PATTERN.test(rest);
}

const updateAlone: Check = {
  name: 'update-alone',
  description: 'no image build step refreshes a package index without installing in the same step',
  options: { type: 'object', additionalProperties: false },
  run(resource) {
    const history = asRecord(resource).History;
    if (!Array.isArray(history)) {
      return { verdict: 'error', details: [], reason: 'the image build history could not be read' };
    }
    const offending = history
      .map((h) => String(asRecord(h).CreatedBy ?? ''))
      .filter((createdBy) => isUpdateAlone(createdBy));
    const ok = offending.length === 0;
    return {
      verdict: ok ? 'pass' : 'fail',
      details: [
        {
          path: 'History[*].CreatedBy',
          observed: ok ? `${history.length} build step(s), none refresh an index alone` : offending,
          expected: 'package index refreshed only together with an install',
          ok,
          message: ok
            ? `none of ${history.length} build step(s) refreshes a package index on its own`
            : `build step refreshes a package index without installing: ${offending[0]}`,
        },
      ],
    };
  },
};

const processRunning: Check = {
  name: 'process-running',
  description: 'fails when a listed executable is running in the container (from the engine top listing)',
  options: {
    type: 'object',
    properties: { names: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 } },
    required: ['names'],
    additionalProperties: false,
  },
  run(resource, options) {
    const container = asRecord(resource);
    const names = (options.names as string[]).map(String);
    const state = asRecord(container.State);
    if (typeof container.ProcessesError === 'string' && container.ProcessesError) {
      return {
        verdict: 'error',
        details: [],
        reason: `process list could not be read: ${container.ProcessesError}`,
      };
    }
    if (container.Processes === null || container.Processes === undefined) {
      if (state.Running === true) {
        return {
          verdict: 'error',
          details: [],
          reason: 'process list of the running container was not collected',
        };
      }
      return {
        verdict: 'not_applicable',
        details: [],
        reason: 'container is not running, so no process runs in it',
      };
    }
    const processes = Array.isArray(container.Processes) ? container.Processes : [];
    const hits = processes.filter((p) => {
      const command = String(asRecord(p).command ?? '').trim();
      const exe = command.split(/\s+/)[0] ?? '';
      const base = exe.replace(/^.*\//, '').replace(/:$/, '');
      return names.includes(base);
    });
    const ok = hits.length === 0;
    return {
      verdict: ok ? 'pass' : 'fail',
      details: [
        {
          path: 'Processes',
          observed: ok ? processes.map((p) => asRecord(p).command ?? '').slice(0, 20) : hits,
          expected: `no ${names.join('/')} process`,
          ok,
          message: ok
            ? `${processes.length} process(es) running, none is ${names.join(' or ')}`
            : `expected no ${names.join(' or ')} process, found: ${String(asRecord(hits[0]).command)}`,
        },
      ],
    };
  },
};

/** Kubernetes RBAC: do the resource's `rules` allow any of the verbs on any of the resources? */
const rbacAllows: Check = {
  name: 'k8s-rbac-allows',
  description:
    'the rules of a k8s.rbac subject or binding, or of a role, allow any of the verbs on any of the resources',
  options: {
    type: 'object',
    properties: {
      verbs: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
      resources: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
      apiGroups: { type: 'array', items: { type: 'string' }, minItems: 1 },
      nonResourceURLs: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
      scope: { enum: ['cluster', 'any'] },
    },
    required: ['verbs'],
    anyOf: [{ required: ['resources'] }, { required: ['nonResourceURLs'] }],
    additionalProperties: false,
  },
  run(resource, options) {
    const rules = asRecord(resource).rules;
    if (!Array.isArray(rules)) {
      return { verdict: 'error', details: [], reason: 'the resource has no rules list to check' };
    }
    const want = {
      verbs: (options.verbs as string[]).map(String),
      resources: Array.isArray(options.resources) ? options.resources.map(String) : undefined,
      apiGroups: Array.isArray(options.apiGroups) ? options.apiGroups.map(String) : undefined,
      nonResourceURLs: Array.isArray(options.nonResourceURLs)
        ? options.nonResourceURLs.map(String)
        : undefined,
    };
    const clusterOnly = options.scope === 'cluster';
    const norm = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
    const hits = rules.filter((raw) => {
      const r = asRecord(raw);
      if (clusterOnly && r.scope !== undefined && r.scope !== '*') return false;
      return ruleAllows(
        {
          verbs: norm(r.verbs),
          apiGroups: norm(r.apiGroups),
          resources: norm(r.resources),
          resourceNames: norm(r.resourceNames),
          nonResourceURLs: norm(r.nonResourceURLs),
        },
        want,
      );
    });
    const what = `${want.verbs.join('/')} ${(want.resources ?? want.nonResourceURLs ?? []).join(', ')}`;
    const ok = hits.length > 0;
    const describe = (h: unknown) => {
      const r = asRecord(h);
      const via = typeof r.via === 'string' ? ` via ${r.via}` : '';
      return `${norm(r.verbs).join(',')} on ${norm(r.resources).concat(norm(r.nonResourceURLs)).join(',')}${via}`;
    };
    return {
      verdict: ok ? 'pass' : 'fail',
      details: [
        {
          path: 'rules',
          observed: ok ? hits.slice(0, 20).map(describe) : `${rules.length} rule(s), none allow ${what}`,
          expected: `a rule allowing ${what}${clusterOnly ? ' cluster-wide' : ''}`,
          ok,
          message: ok
            ? `allowed to ${what}: ${describe(hits[0])}`
            : `not allowed to ${what} by any of ${rules.length} rule(s)`,
        },
      ],
    };
  },
};

export const CHECKS: ReadonlyMap<string, Check> = new Map(
  [auditWatch, updateAlone, processRunning, rbacAllows].map((c) => [c.name, c]),
);
