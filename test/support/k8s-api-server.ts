/**
 * A small HTTPS Kubernetes API server for tests. It serves a fixture cluster read-only: discovery (/api, /apis,
 * /api/v1, /apis/<group>/<version>), /version, lists with limit/continue (cluster-wide and per namespace),
 * single-object GETs, Table output for kubectl; bearer-token auth (401 without it), kinds configured to answer
 * 403, and a log of every request. Certificates come from the `openssl` CLI into a temp dir.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

type Obj = Record<string, unknown>;

export interface ResourceType {
  kind: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  verbs?: string[];
}

/** The kinds the server knows (enough for Rampart and `kubectl get`). */
export const RESOURCE_TYPES: ResourceType[] = [
  { kind: 'Namespace', group: '', version: 'v1', plural: 'namespaces', namespaced: false },
  { kind: 'Node', group: '', version: 'v1', plural: 'nodes', namespaced: false },
  { kind: 'Pod', group: '', version: 'v1', plural: 'pods', namespaced: true },
  { kind: 'ServiceAccount', group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true },
  { kind: 'Service', group: '', version: 'v1', plural: 'services', namespaced: true },
  { kind: 'ConfigMap', group: '', version: 'v1', plural: 'configmaps', namespaced: true },
  { kind: 'Secret', group: '', version: 'v1', plural: 'secrets', namespaced: true },
  {
    kind: 'ReplicationController',
    group: '',
    version: 'v1',
    plural: 'replicationcontrollers',
    namespaced: true,
  },
  { kind: 'Deployment', group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  { kind: 'ReplicaSet', group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true },
  { kind: 'StatefulSet', group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true },
  { kind: 'DaemonSet', group: 'apps', version: 'v1', plural: 'daemonsets', namespaced: true },
  { kind: 'Job', group: 'batch', version: 'v1', plural: 'jobs', namespaced: true },
  { kind: 'CronJob', group: 'batch', version: 'v1', plural: 'cronjobs', namespaced: true },
  { kind: 'Role', group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles', namespaced: true },
  {
    kind: 'ClusterRole',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterroles',
    namespaced: false,
  },
  {
    kind: 'RoleBinding',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'rolebindings',
    namespaced: true,
  },
  {
    kind: 'ClusterRoleBinding',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterrolebindings',
    namespaced: false,
  },
  {
    kind: 'NetworkPolicy',
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'networkpolicies',
    namespaced: true,
  },
  { kind: 'Ingress', group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', namespaced: true },
  {
    kind: 'ValidatingWebhookConfiguration',
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'validatingwebhookconfigurations',
    namespaced: false,
  },
  {
    kind: 'MutatingWebhookConfiguration',
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'mutatingwebhookconfigurations',
    namespaced: false,
  },
  {
    kind: 'ValidatingAdmissionPolicy',
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'validatingadmissionpolicies',
    namespaced: false,
  },
  {
    kind: 'ValidatingAdmissionPolicyBinding',
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'validatingadmissionpolicybindings',
    namespaced: false,
  },
];

export interface FixtureCluster {
  name: string;
  version: Obj;
  objects: Obj[];
}

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/k8s');

/** Loads `test/fixtures/k8s/<name>/`: `version.json` and every `*.yaml` (multi-document). */
export function loadFixtureCluster(name: string): FixtureCluster {
  const dir = path.join(FIXTURES, name);
  const version = JSON.parse(readFileSync(path.join(dir, 'version.json'), 'utf8')) as Obj;
  const objects: Obj[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.yaml')) continue;
    for (const doc of parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))) {
      if (doc.errors.length) throw new Error(`${name}/${file}: ${doc.errors[0]?.message}`);
      const v = doc.toJS() as unknown;
      if (v && typeof v === 'object') objects.push(v as Obj);
    }
  }
  return { name, version, objects };
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  status: number;
  authorized: boolean;
}

export interface ServerOptions {
  cluster: FixtureCluster;
  token?: string;
  /** Plurals (`roles`) or `plural.group` (`roles.rbac.authorization.k8s.io`) that answer 403. */
  forbidden?: string[];
  /** Largest page the server returns whatever the client asks (to force pagination). */
  maxPage?: number;
}

export interface K8sTestServer {
  url: string;
  port: number;
  token: string;
  caPem: string;
  dir: string;
  requests: RequestLogEntry[];
  /** Writes a kubeconfig for this server (optionally with another token) and returns its path. */
  writeKubeconfig(opts?: { token?: string; context?: string; file?: string }): string;
  close(): Promise<void>;
}

/** True when the openssl CLI (used to make the test CA) can run. */
export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA and a server certificate for 127.0.0.1 / localhost, made with the openssl CLI. */
export function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=rampart-test-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=kube-apiserver'], dir);
  writeFileSync(
    path.join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' +
      'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-extfile',
      'server.ext',
    ],
    dir,
  );
  const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
  return { ca: read('ca.crt'), cert: read('server.crt'), key: read('server.key') };
}

const gv = (t: ResourceType) => (t.group ? `${t.group}/${t.version}` : t.version);

function status(code: number, reason: string, message: string): Obj {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function age(): string {
  return '10d';
}

function tableOf(t: ResourceType, items: Obj[]): Obj {
  const isPod = t.kind === 'Pod';
  const columnDefinitions = isPod
    ? [
        { name: 'Name', type: 'string', format: 'name', priority: 0, description: 'Name' },
        { name: 'Ready', type: 'string', format: '', priority: 0, description: 'ready/total' },
        { name: 'Status', type: 'string', format: '', priority: 0, description: 'phase' },
        { name: 'Restarts', type: 'string', format: '', priority: 0, description: 'restarts' },
        { name: 'Age', type: 'string', format: '', priority: 0, description: 'age' },
      ]
    : [
        { name: 'Name', type: 'string', format: 'name', priority: 0, description: 'Name' },
        { name: 'Age', type: 'string', format: '', priority: 0, description: 'age' },
      ];
  const rows = items.map((o) => {
    const meta = (o.metadata ?? {}) as Obj;
    const name = String(meta.name ?? '');
    const containers = (((o.spec ?? {}) as Obj).containers as unknown[] | undefined) ?? [];
    const phase = String(((o.status ?? {}) as Obj).phase ?? 'Running');
    const cells = isPod
      ? [name, `${containers.length}/${containers.length}`, phase, '0', age()]
      : [name, age()];
    return {
      cells,
      object: {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: { name, ...(meta.namespace ? { namespace: meta.namespace } : {}) },
      },
    };
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: '1' },
    columnDefinitions,
    rows,
  };
}

/** Starts the server on 127.0.0.1 and a random port. */
export async function startK8sApiServer(opts: ServerOptions): Promise<K8sTestServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-k8s-api-'));
  const certs = makeCertificates(dir);
  const token = opts.token ?? 'rampart-test-token-7f3a';
  const requests: RequestLogEntry[] = [];
  const byKind = new Map<string, Obj[]>();
  for (const o of opts.cluster.objects) {
    const list = byKind.get(String(o.kind)) ?? [];
    list.push(o);
    byKind.set(String(o.kind), list);
  }
  const forbidden = new Set(opts.forbidden ?? []);
  const groups = new Map<string, ResourceType[]>();
  for (const t of RESOURCE_TYPES) {
    const list = groups.get(gv(t)) ?? [];
    list.push(t);
    groups.set(gv(t), list);
  }

  const server = https.createServer({ cert: certs.cert, key: certs.key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const auth = req.headers.authorization ?? '';
    const authorized = auth === `Bearer ${token}`;
    const send = (code: number, body: unknown) => {
      requests.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.search,
        status: code,
        authorized,
      });
      const text = JSON.stringify(body);
      res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    req.resume();
    if (req.method !== 'GET')
      return send(405, status(405, 'MethodNotAllowed', 'the test server is read-only'));
    if (!authorized) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    const p = url.pathname.replace(/\/+$/, '') || '/';
    if (p === '/version') return send(200, opts.cluster.version);
    if (p === '/api')
      return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (p === '/apis') {
      const list = [...groups.keys()]
        .filter((k) => k.includes('/'))
        .map((k) => {
          const [group, version] = k.split('/') as [string, string];
          return {
            name: group,
            versions: [{ groupVersion: k, version }],
            preferredVersion: { groupVersion: k, version },
          };
        });
      return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: list });
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/(.*))?$/.exec(p);
    if (!m)
      return send(404, status(404, 'NotFound', `the server could not find the requested resource (${p})`));
    const groupVersion = m[1] ?? `${m[2]}/${m[3]}`;
    const types = groups.get(groupVersion);
    if (!types) return send(404, status(404, 'NotFound', `the server could not find the requested resource`));
    const rest = (m[4] ?? '').split('/').filter(Boolean);
    if (!rest.length) {
      return send(200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion,
        resources: types.map((t) => ({
          name: t.plural,
          singularName: t.kind.toLowerCase(),
          namespaced: t.namespaced,
          kind: t.kind,
          verbs: ['get', 'list', 'watch'],
        })),
      });
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest.splice(0, 2);
    }
    const [plural, name] = rest;
    const t = types.find((x) => x.plural === plural);
    if (!t || rest.length > 2 || (namespace && !t.namespaced)) {
      // GET /api/v1/namespaces/<name> (a namespace itself)
      if (rest[0] === 'namespaces' && rest.length === 2) {
        namespace = undefined;
      } else return send(404, status(404, 'NotFound', `the server could not find the requested resource`));
    }
    const type = t ?? (RESOURCE_TYPES[0] as ResourceType);
    const resourceName = type.group ? `${type.plural}.${type.group}` : type.plural;
    if (forbidden.has(type.plural) || forbidden.has(resourceName)) {
      const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
      return send(
        403,
        status(
          403,
          'Forbidden',
          `${resourceName} is forbidden: User "system:serviceaccount:rampart:scanner" cannot ${name ? 'get' : 'list'} resource "${type.plural}" in API group "${type.group}" ${scope}`,
        ),
      );
    }
    let items = (byKind.get(type.kind) ?? []).filter(
      (o) => !namespace || ((o.metadata ?? {}) as Obj).namespace === namespace,
    );
    if (name) {
      const found = items.find((o) => ((o.metadata ?? {}) as Obj).name === name);
      if (!found) return send(404, status(404, 'NotFound', `${resourceName} "${name}" not found`));
      if (type.kind === 'Secret') return send(403, status(403, 'Forbidden', 'secrets are not served'));
      return send(200, { apiVersion: gv(type), kind: type.kind, ...found });
    }
    if (type.kind === 'Secret') items = items.map((o) => ({ ...o, data: { planted: 'c2VjcmV0' } }));
    const requested = Number(url.searchParams.get('limit') ?? '0') || 0;
    const limit = Math.min(requested || Infinity, opts.maxPage ?? Infinity);
    const cont = url.searchParams.get('continue');
    const start = cont ? Number(Buffer.from(cont, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(start) || start < 0)
      return send(400, status(400, 'BadRequest', 'invalid continue token'));
    const page = Number.isFinite(limit) ? items.slice(start, start + limit) : items.slice(start);
    const next =
      start + page.length < items.length
        ? Buffer.from(String(start + page.length)).toString('base64url')
        : undefined;
    const accept = String(req.headers.accept ?? '');
    if (accept.includes('as=Table')) {
      const table = tableOf(type, page);
      (table.metadata as Obj).continue = next;
      return send(200, table);
    }
    // like the real API server, list items carry no kind/apiVersion
    const stripped = page.map((o) => {
      const { kind: _kind, apiVersion: _apiVersion, ...restObj } = o;
      return restObj;
    });
    return send(200, {
      kind: `${type.kind}List`,
      apiVersion: gv(type),
      metadata: {
        resourceVersion: '12345',
        ...(next ? { continue: next, remainingItemCount: items.length - start - page.length } : {}),
      },
      items: stripped,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  return {
    url,
    port,
    token,
    caPem: certs.ca,
    dir,
    requests,
    writeKubeconfig(o = {}) {
      const file =
        o.file ?? path.join(dir, `kubeconfig-${requests.length}-${Math.random().toString(36).slice(2)}`);
      const context = o.context ?? 'test';
      const text = [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: ${opts.cluster.name}`,
        '  cluster:',
        `    server: ${url}`,
        `    certificate-authority-data: ${Buffer.from(certs.ca).toString('base64')}`,
        'users:',
        '- name: scanner',
        '  user:',
        `    token: ${o.token ?? token}`,
        'contexts:',
        `- name: ${context}`,
        '  context:',
        `    cluster: ${opts.cluster.name}`,
        '    user: scanner',
        `current-context: ${context}`,
        '',
      ].join('\n');
      writeFileSync(file, text, { mode: 0o600 });
      return file;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
