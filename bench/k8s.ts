/**
 * Kubernetes manifest collection + evaluation at scale. Generates a `kubectl get -A -o json` style dump of N pods
 * in mixed workloads (Deployments with ReplicaSets, StatefulSets, DaemonSets, CronJobs with Jobs, bare pods) plus
 * their namespaces, service accounts, services, network policies and RBAC, then times
 *   - manifest collection (read + parse the dump, run every Kubernetes collector),
 *   - evaluation of every bundled benchmark whose target is kubernetes (plus a built-in sample of representative
 *     controls, so the figure means something before the Kubernetes benchmarks exist).
 * Prints wall time and peak RSS per size. BENCH_K8S_N="5000,50000" picks the sizes; BENCH_K8S_YAML=1 also
 * writes the dump as YAML (slower to parse) for comparison. Targets: 50k pods < 10 s and < 1.5 GB.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { loadBenchmarks } from '../src/cli/shared.js';
import { bundledBenchmarkDirs, loadBenchmarkDir } from '../src/definitions/benchmarks.js';
import { collectK8sTarget } from '../src/collectors/k8s-target.js';
import { factSetOf } from '../src/collectors/factset.js';
import type { Control, LoadedBenchmark } from '../src/core/types.js';
import { assess } from '../src/evaluator/assess.js';

type Obj = Record<string, unknown>;

export interface K8sBenchRow {
  pods: number;
  format: 'json' | 'yaml';
  dumpMiB: number;
  workloads: number;
  collectMs: number;
  evaluateMs: number;
  controls: number;
  results: number;
  findings: number;
  peakRssMiB: number;
}

function sizesFromEnv(): number[] {
  return (process.env.BENCH_K8S_N ?? '5000,50000')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
}

function ms(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

const uid = (kind: string, i: number, j = 0) =>
  `${kind.slice(0, 4).toLowerCase().padEnd(8, '0')}-${String(i).padStart(4, '0').slice(-4)}-4000-8000-${String(j).padStart(12, '0')}`;

function container(name: string, i: number, risky: boolean): Obj {
  return {
    name,
    image: `registry.example.com/team-${i % 40}/${name}:1.${i % 10}.${i % 7}`,
    imagePullPolicy: 'IfNotPresent',
    ports: [
      {
        containerPort: 8080,
        name: 'http',
        protocol: 'TCP',
        ...(risky && i % 5 === 0 ? { hostPort: 8080 } : {}),
      },
    ],
    env: [
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ],
    resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 10 },
    volumeMounts: [{ name: 'config', mountPath: '/etc/app', readOnly: true }],
    securityContext: risky
      ? { privileged: i % 3 === 0, allowPrivilegeEscalation: true, capabilities: { add: ['NET_ADMIN'] } }
      : { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
  };
}

function podSpec(i: number, risky: boolean, sa: string): Obj {
  return {
    serviceAccountName: sa,
    securityContext: risky
      ? {}
      : { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    ...(risky && i % 4 === 0 ? { hostNetwork: true } : {}),
    initContainers: i % 6 === 0 ? [{ ...container('init', i, risky), ports: [] }] : [],
    containers: [container('app', i, risky), ...(i % 3 === 0 ? [container('sidecar', i + 1, false)] : [])],
    volumes: [
      { name: 'config', configMap: { name: 'app-config' } },
      ...(risky && i % 7 === 0 ? [{ name: 'host', hostPath: { path: '/var/run/docker.sock' } }] : []),
    ],
  };
}

function meta(
  name: string,
  namespace: string | undefined,
  u: string,
  owner?: { kind: string; name: string; uid: string },
) {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    uid: u,
    resourceVersion: '123456',
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels: { app: name.replace(/-[a-z0-9]{5,10}$/, ''), 'app.kubernetes.io/part-of': 'bench' },
    ...(owner
      ? {
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: owner.kind,
              name: owner.name,
              uid: owner.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        }
      : {}),
  };
}

function pod(
  name: string,
  ns: string,
  u: string,
  spec: Obj,
  node: string,
  owner?: { kind: string; name: string; uid: string },
): Obj {
  const containers = spec.containers as Obj[];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(name, ns, u, owner),
    spec: {
      ...spec,
      nodeName: node,
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
    },
    status: {
      phase: 'Running',
      podIP: '10.244.1.2',
      qosClass: 'Burstable',
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastTransitionTime: '2026-01-01T00:00:05Z',
      })),
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: `${String(c.image)}@sha256:${'ab'.repeat(32)}`,
        containerID: `containerd://${'cd'.repeat(32)}`,
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: '2026-01-01T00:00:04Z' } },
      })),
    },
  };
}

/** A `kind: List` dump of about `pods` pods in mixed workloads, with the objects that surround them. */
export function generateDump(pods: number): { items: Obj[]; workloads: number } {
  const items: Obj[] = [];
  const nsCount = Math.max(5, Math.round(pods / 100));
  const namespaces = Array.from({ length: nsCount }, (_, i) => `team-${i}`);
  const nodes = Array.from({ length: Math.max(3, Math.round(pods / 110)) }, (_, i) => `node-${i}`);
  const dsNodes = nodes.slice(0, Math.min(nodes.length, 50));
  namespaces.forEach((ns, i) => {
    items.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        uid: uid('Namespace', i),
        labels: i % 2 === 0 ? { 'pod-security.kubernetes.io/enforce': 'restricted' } : {},
      },
    });
    items.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('default', ns, uid('SA', i)) });
    items.push({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta('app', ns, uid('SA', i, 1)),
      automountServiceAccountToken: false,
    });
    if (i % 3 !== 0)
      items.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('default-deny', ns, uid('NP', i)),
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      });
    items.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta('team-edit', ns, uid('RB', i)),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [
        { kind: 'Group', name: `team-${i}-devs` },
        { kind: 'ServiceAccount', name: 'app' },
      ],
    });
  });
  nodes.forEach((n, i) =>
    items.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: n, uid: uid('Node', i), labels: { 'kubernetes.io/os': 'linux' } },
    }),
  );
  items.push(
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'cluster-admin', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'edit' },
      rules: [
        {
          apiGroups: ['', 'apps', 'batch'],
          resources: ['pods', 'deployments', 'jobs', 'secrets', 'configmaps'],
          verbs: ['*'],
        },
      ],
    },
  );
  let made = 0;
  let workloads = 0;
  let i = 0;
  while (made < pods) {
    const ns = namespaces[i % namespaces.length] as string;
    const risky = i % 10 === 0;
    const sa = i % 4 === 0 ? 'default' : 'app';
    const spec = podSpec(i, risky, sa);
    const node = () => nodes[(made + i) % nodes.length] as string;
    const kind = i % 20;
    workloads++;
    if (kind < 12) {
      // Deployment -> ReplicaSet -> 3 pods (and an old, scaled-down ReplicaSet)
      const name = `web-${i}`;
      const d = { kind: 'Deployment', name, uid: uid('Deployment', i) };
      items.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(name, ns, d.uid),
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec },
        },
      });
      for (const [suffix, replicas] of [
        ['7d9f8c6b5d', 3],
        ['5b8c7d6f4e', 0],
      ] as const) {
        const rs = { kind: 'ReplicaSet', name: `${name}-${suffix}`, uid: uid('ReplicaSet', i, replicas) };
        items.push({
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: meta(rs.name, ns, rs.uid, d),
          spec: { replicas, template: { spec } },
        });
        for (let r = 0; r < replicas && made < pods; r++, made++)
          items.push(pod(`${rs.name}-${r}abcd`, ns, uid('Pod', made), spec, node(), rs));
      }
    } else if (kind < 15) {
      const ss = { kind: 'StatefulSet', name: `db-${i}`, uid: uid('StatefulSet', i) };
      items.push({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: meta(ss.name, ns, ss.uid),
        spec: { replicas: 3, template: { spec } },
      });
      for (let r = 0; r < 3 && made < pods; r++, made++)
        items.push(pod(`${ss.name}-${r}`, ns, uid('Pod', made), spec, node(), ss));
    } else if (kind === 15) {
      const ds = { kind: 'DaemonSet', name: `agent-${i}`, uid: uid('DaemonSet', i) };
      items.push({
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: meta(ds.name, ns, ds.uid),
        spec: { template: { spec } },
      });
      for (const n of dsNodes) {
        if (made >= pods) break;
        items.push(pod(`${ds.name}-${n}`, ns, uid('Pod', made), spec, n, ds));
        made++;
      }
    } else if (kind < 19) {
      const cj = { kind: 'CronJob', name: `report-${i}`, uid: uid('CronJob', i) };
      items.push({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: meta(cj.name, ns, cj.uid),
        spec: {
          schedule: '0 * * * *',
          jobTemplate: { spec: { template: { spec: { ...spec, restartPolicy: 'OnFailure' } } } },
        },
      });
      for (let r = 0; r < 2 && made < pods; r++, made++) {
        const job = { kind: 'Job', name: `${cj.name}-2889${r}`, uid: uid('Job', i, r) };
        items.push({
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: meta(job.name, ns, job.uid, cj),
          spec: { template: { spec } },
        });
        items.push(pod(`${job.name}-x${r}`, ns, uid('Pod', made), spec, node(), job));
      }
    } else {
      items.push(pod(`debug-${i}`, ns, uid('Pod', made), spec, node()));
      made++;
    }
    i++;
  }
  return { items, workloads };
}

/** Representative controls for when no Kubernetes benchmark is bundled yet (quantifiers, $facts, RBAC). */
function sampleBenchmark(): LoadedBenchmark {
  const base = {
    assessment: 'automated',
    level: 1,
    scored: true,
    severity: 'high',
    rationale: 'r',
    remediation: 'r',
    audit: 'a',
  } as const;
  const controls: Control[] = [
    {
      ...base,
      id: 's.1',
      title: 'no privileged containers',
      facts: ['k8s.workloads'],
      given: '*',
      resource: { kind: 'workload', id: 'uid', name: 'name', namespace: 'namespace' },
      test: { none: 'containers', test: { field: 'securityContext.privileged', op: 'eq', value: true } },
    },
    {
      ...base,
      id: 's.2',
      title: 'restricted: runAsNonRoot, seccomp, drop ALL',
      facts: ['k8s.workloads'],
      given: '*',
      where: { field: 'os', op: 'neq', value: 'windows' },
      resource: { kind: 'workload', id: 'uid', name: 'name', namespace: 'namespace' },
      test: {
        every: 'containers',
        test: {
          all: [
            { field: 'securityContext.runAsNonRoot', op: 'eq', value: true },
            {
              field: 'securityContext.seccompProfile.type',
              op: 'in',
              value: ['RuntimeDefault', 'Localhost'],
            },
            { field: 'securityContext.capabilities.drop', op: 'contains', value: 'ALL' },
            { field: 'securityContext.allowPrivilegeEscalation', op: 'eq', value: false },
          ],
        },
      },
    },
    {
      ...base,
      id: 's.3',
      title: 'no host namespaces or hostPath',
      facts: ['k8s.workloads'],
      given: '*',
      resource: { kind: 'workload', id: 'uid', name: 'name', namespace: 'namespace' },
      test: {
        all: [
          { field: 'hostNetwork', op: 'eq', value: false },
          { field: 'hostPID', op: 'eq', value: false },
          { field: 'hostPaths', op: 'empty' },
          { none: 'containers[*].ports', test: { field: 'hostPort', op: 'gt', value: 0 } },
        ],
      },
    },
    {
      ...base,
      id: 's.4',
      title: 'service account tokens not mounted',
      facts: ['k8s.workloads', 'k8s.serviceaccounts'],
      given: '*',
      resource: { kind: 'workload', id: 'uid', name: 'name', namespace: 'namespace' },
      test: { field: 'automountServiceAccountToken', op: 'eq', value: false },
    },
    {
      ...base,
      id: 's.5',
      title: 'namespaces have a network policy',
      facts: ['k8s.namespaces', 'k8s.networkpolicies'],
      given: '*',
      resource: { kind: 'namespace', id: 'name', name: 'name' },
      test: { field: 'networkPolicies.count', op: 'gte', value: 1 },
    },
    {
      ...base,
      id: 's.6',
      title: 'non-system subjects do not read secrets cluster-wide',
      facts: ['k8s.rbac'],
      given: 'subjects[*]',
      where: { field: 'system', op: 'eq', value: false },
      resource: { kind: 'subject', id: 'id', name: 'name' },
      test: {
        not: {
          check: 'k8s-rbac-allows',
          with: { verbs: ['get', 'list'], resources: ['secrets'], scope: 'cluster' },
        },
      },
    },
  ];
  return {
    id: 'bench-sample-k8s',
    version: '0',
    title: 'sample',
    target: 'kubernetes',
    sections: [],
    controls: controls.map((c) => c.id),
    controlsById: new Map(controls.map((c) => [c.id, c])),
    ordered: controls,
  };
}

/** Run the Kubernetes benchmark; prints a table and returns the rows. */
export async function benchK8s(sizes = sizesFromEnv()): Promise<K8sBenchRow[]> {
  let bundled: LoadedBenchmark[];
  try {
    bundled = loadBenchmarks().filter((b) => b.target === 'kubernetes');
  } catch (err) {
    // a benchmark still being written must not stop the figures: keep the ones that load
    bundled = bundledBenchmarkDirs()
      .map((d) => loadBenchmarkDir(d).benchmark)
      .filter((b): b is LoadedBenchmark => b !== undefined && b.target === 'kubernetes');
    console.log(`  note: ${(err as Error).message}; using the benchmarks that load`);
  }
  const benchmarks = [...bundled, sampleBenchmark()];
  const controls = benchmarks.reduce((n, b) => n + b.ordered.length, 0);
  console.log(
    `\nKubernetes manifests (kubectl get -A -o json dump): collection + evaluation of ${controls} controls` +
      ` (${bundled.length ? bundled.map((b) => `${b.id}@${b.version}`).join(', ') : 'no kubernetes benchmark bundled yet'} + built-in sample)`,
  );
  console.log(
    'pods'.padStart(7),
    'format'.padStart(7),
    'dump MiB'.padStart(9),
    'workloads'.padStart(10),
    'collect ms'.padStart(11),
    'eval ms'.padStart(8),
    'results'.padStart(8),
    'findings'.padStart(9),
    'peak RSS MiB'.padStart(13),
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-bench-k8s-'));
  const rows: K8sBenchRow[] = [];
  const formats: ('json' | 'yaml')[] = process.env.BENCH_K8S_YAML === '1' ? ['json', 'yaml'] : ['json'];
  try {
    for (const n of sizes) {
      for (const format of formats) {
        const file = path.join(dir, `dump-${n}.${format}`);
        // generated in a child process, so its memory does not count towards this process's peak RSS
        const child = spawnSync(
          process.execPath,
          [...process.execArgv, CHILD_SCRIPT, '--generate', String(n), file, format],
          {
            stdio: ['ignore', 'ignore', 'inherit'],
          },
        );
        if (child.status !== 0) throw new Error(`generating the ${n}-pod dump failed (exit ${child.status})`);
        const dumpMiB = statSync(file).size / 1024 / 1024;
        let started = process.hrtime.bigint();
        const target = await collectK8sTarget({ manifests: [file], env: {} });
        const collectMs = ms(started);
        const unexpected = Object.keys(target.errors).filter(
          (k) => !['k8s.version', 'k8s.nodefiles'].includes(k),
        );
        if (unexpected.length) throw new Error(`collection failed: ${JSON.stringify(target.errors)}`);
        started = process.hrtime.bigint();
        const doc = assess(factSetOf([target]), benchmarks);
        const evaluateMs = ms(started);
        const row: K8sBenchRow = {
          pods: (target.facts['k8s.pods'] as unknown[]).length,
          format,
          dumpMiB,
          workloads: (target.facts['k8s.workloads'] as unknown[]).length,
          collectMs,
          evaluateMs,
          controls,
          results: doc.results.length,
          findings: doc.results.reduce((sum, r) => sum + r.findings.length, 0),
          peakRssMiB: process.resourceUsage().maxRSS / 1024,
        };
        rows.push(row);
        console.log(
          String(row.pods).padStart(7),
          row.format.padStart(7),
          row.dumpMiB.toFixed(1).padStart(9),
          String(row.workloads).padStart(10),
          row.collectMs.toFixed(0).padStart(11),
          row.evaluateMs.toFixed(0).padStart(8),
          String(row.results).padStart(8),
          String(row.findings).padStart(9),
          row.peakRssMiB.toFixed(0).padStart(13),
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** Writes a dump file: `kind: List` JSON indented like kubectl (4 spaces), or YAML. Items are written one by one. */
export function writeDump(pods: number, file: string, format: 'json' | 'yaml'): void {
  const { items } = generateDump(pods);
  const fd = openSync(file, 'w');
  try {
    if (format === 'json') {
      writeSync(fd, '{\n    "apiVersion": "v1",\n    "items": [\n');
      items.forEach((item, i) => {
        const text = JSON.stringify(item, null, 4).replace(/\n/g, '\n        ');
        writeSync(fd, `        ${text}${i < items.length - 1 ? ',' : ''}\n`);
      });
      writeSync(
        fd,
        '    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n',
      );
    } else {
      writeSync(fd, 'apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: ""\nitems:\n');
      for (const item of items) writeSync(fd, stringify([item]));
    }
  } finally {
    closeSync(fd);
  }
}

const CHILD_SCRIPT = fileURLToPath(import.meta.url);

if (process.argv[2] === '--generate' && path.resolve(process.argv[1] ?? '') === CHILD_SCRIPT) {
  writeDump(Number(process.argv[3]), String(process.argv[4]), process.argv[5] === 'yaml' ? 'yaml' : 'json');
} else if (path.resolve(process.argv[1] ?? '') === CHILD_SCRIPT) {
  await benchK8s();
}
