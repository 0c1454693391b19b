import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { collectK8sTarget } from '../../../src/collectors/k8s-target.js';
import {
  jsonItemOffsets,
  loadManifests,
  manifestSource,
  parseManifestText,
  splitYamlDocuments,
} from '../../../src/collectors/kubernetes/manifests.js';

type Obj = Record<string, unknown>;

const HELM = `---
# Source: shop/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: shop
  labels:
    helm.sh/chart: shop-0.1.0
---
# Source: shop/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  type: ClusterIP
  ports:
    - port: 80
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  template:
    spec:
      serviceAccountName: shop
      containers:
        - name: shop
          image: "nginx:1.16.0"
---
# Source: shop/templates/tests/test-connection.yaml
`;

const LIST_YAML = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: a
    namespace: x
  spec:
    containers: [{name: c, image: busybox}]
- apiVersion: v1
  kind: Pod
  metadata:
    name: b
    namespace: x
  spec:
    containers: [{name: c, image: busybox}]
metadata:
  resourceVersion: ""
`;

describe('k8s manifests', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rampart-k8s-manifests-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads Helm output: empty documents ignored, # Source recorded, document index and line kept', () => {
    const out = parseManifestText(HELM, 'rendered.yaml');
    expect(out.problems).to.deep.equal([]);
    expect(out.documents).to.equal(4);
    expect(out.objects.map((o) => [o.kind, o._source, o._template])).to.deep.equal([
      [
        'ServiceAccount',
        { file: 'rendered.yaml', document: 0, line: 3 },
        'shop/templates/serviceaccount.yaml',
      ],
      ['Service', { file: 'rendered.yaml', document: 1, line: 11 }, 'shop/templates/service.yaml'],
      ['Deployment', { file: 'rendered.yaml', document: 2, line: 21 }, 'shop/templates/deployment.yaml'],
    ]);
  });

  it('expands kind: List (kubectl get -o yaml) with the line of each item', () => {
    const out = parseManifestText(LIST_YAML, 'dump.yaml');
    expect(out.objects.map((o) => [(o.metadata as Obj).name, o._source])).to.deep.equal([
      ['a', { file: 'dump.yaml', document: 0, line: 4 }],
      ['b', { file: 'dump.yaml', document: 0, line: 11 }],
    ]);
  });

  it('expands JSON lists (kubectl get -o json) with item lines', () => {
    const json = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'List',
        metadata: { note: 'items: [ { tricky } ]' },
        items: [
          { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', labels: { x: '{' } } },
          { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'b' }, spec: { items: [{}] } },
        ],
      },
      null,
      2,
    );
    const out = parseManifestText(json, 'dump.json');
    expect(out.objects.map((o) => [o.kind, o._source])).to.deep.equal([
      ['Pod', { file: 'dump.json', document: 0, line: 8 }],
      ['CronJob', { file: 'dump.json', document: 0, line: 18 }],
    ]);
    expect(jsonItemOffsets('{"items":[{"a":1},{"b":[{}]}]}')).to.deep.equal([10, 18]);
  });

  it('reads YAML as Kubernetes does (YAML 1.1): yes/no, octal modes, merge keys, timestamps as strings', () => {
    const out = parseManifestText(
      `kind: ConfigMap
metadata:
  name: c
  creationTimestamp: 2026-01-01T00:00:00Z
  labels: &l {a: "1"}
  annotations:
    <<: *l
    b: "2"
data: {x: y}
spec:
  flag: yes
  mode: 0644
  dup: 1
  dup: 2
`,
      'c.yaml',
    );
    const o = out.objects[0] as Obj;
    expect((o.metadata as Obj).creationTimestamp).to.equal('2026-01-01T00:00:00Z');
    expect((o.metadata as Obj).annotations).to.deep.equal({ a: '1', b: '2' });
    expect(o.spec).to.deep.equal({ flag: true, mode: 420, dup: 2 });
  });

  it('finds item lines of flow-style and indented YAML lists, and of compact JSON', () => {
    const flow = parseManifestText(
      'kind: List\nitems: [{kind: Namespace, metadata: {name: a}},\n  {kind: Namespace, metadata: {name: b}}]\n',
      'f.yaml',
    );
    expect(flow.objects.map((o) => (o._source as Obj).line)).to.deep.equal([2, 3]);
    const indented = parseManifestText(
      'kind: List\nitems:\n  - kind: Namespace\n    metadata:\n      name: a\n  - kind: Namespace\n    metadata: {name: b}\n',
      'i.yaml',
    );
    expect(indented.objects.map((o) => (o._source as Obj).line)).to.deep.equal([3, 6]);
    const bare = parseManifestText(
      'kind: List\nitems:\n-\n  kind: Namespace\n  metadata: {name: a}\n- kind: Namespace\n  metadata:\n    name: b\n    labels: {x: "- y"}\n',
      'b.yaml',
    );
    expect(bare.objects.map((o) => [(o.metadata as Obj).name, (o._source as Obj).line])).to.deep.equal([
      ['a', 3],
      ['b', 6],
    ]);
    const compact = parseManifestText(
      '{"kind":"List","items":[{"kind":"Namespace","metadata":{"name":"a"}},\n{"kind":"Namespace","metadata":{"name":"b"}}]}',
      'c.json',
    );
    expect(compact.objects.map((o) => (o._source as Obj).line)).to.deep.equal([1, 2]);
  });

  it('splits YAML streams at document markers, keeping empty documents in the count', () => {
    expect(
      splitYamlDocuments('# c\n---\na: 1\n---\n---\nb: 2\n...\n').map((c) => [c.startLine, c.text]),
    ).to.deep.equal([
      [2, '---\na: 1'],
      [4, '---'],
      [5, '---\nb: 2'],
    ]);
    expect(splitYamlDocuments('a: 1\n---\nb: 2').map((c) => c.startLine)).to.deep.equal([1, 2]);
  });

  it('reads a single JSON object and a JSON array', () => {
    expect(
      parseManifestText('{"kind":"Namespace","metadata":{"name":"n"}}', 'n.json').objects,
    ).to.have.length(1);
    const arr = parseManifestText(
      '[{"kind":"Namespace","metadata":{"name":"a"}},{"kind":"Namespace","metadata":{"name":"b"}}]',
      'a.json',
    );
    expect(arr.objects.map((o) => (o.metadata as Obj).name)).to.deep.equal(['a', 'b']);
  });

  it('reports a broken document with file, index and line, and keeps the others', () => {
    const text = `apiVersion: v1
kind: Namespace
metadata: {name: good-1}
---
apiVersion: v1
kind: Namespace
metadata:
  name: [unclosed
---
kind: ConfigMap
metadata: {name: good-2}
---
just a string
---
apiVersion: v1
kind: Secret
metadata: {}
`;
    const out = parseManifestText(text, 'mixed.yaml');
    expect(out.objects.map((o) => (o.metadata as Obj).name)).to.deep.equal(['good-1', 'good-2']);
    expect(out.problems.map((p) => [p.file, p.document, p.line, p.message.slice(0, 5)])).to.deep.equal([
      ['mixed.yaml', 1, 8, 'YAML:'],
      ['mixed.yaml', 3, 13, 'expec'],
      ['mixed.yaml', 4, 15, 'not a'],
    ]);
  });

  it('reports broken JSON through the YAML parser with a line', () => {
    const out = parseManifestText('{\n  "kind": "Pod",\n  "metadata": {"name": "x"\n', 'bad.json');
    expect(out.objects).to.deep.equal([]);
    expect(out.problems[0]).to.include({ file: 'bad.json', document: 0 });
    expect(out.problems[0]?.line).to.be.a('number');
  });

  it('reads directories recursively, stdin, and names files relative to the directory', async () => {
    await mkdir(path.join(dir, 'tree/sub'), { recursive: true });
    await writeFile(path.join(dir, 'tree/a.yaml'), 'kind: Namespace\nmetadata: {name: a}\n');
    await writeFile(path.join(dir, 'tree/sub/b.yml'), 'kind: Namespace\nmetadata: {name: b}\n');
    await writeFile(path.join(dir, 'tree/sub/c.json'), '{"kind":"Namespace","metadata":{"name":"c"}}');
    await writeFile(path.join(dir, 'tree/README.md'), '# not a manifest');
    const load = loadManifests([path.join(dir, 'tree'), '-'], {
      stdin: () => 'kind: Namespace\nmetadata: {name: d}\n',
    });
    expect(load.root).to.equal(path.join(dir, 'tree'));
    expect(load.files.map((f) => f.file)).to.deep.equal([
      'a.yaml',
      path.join('sub', 'b.yml'),
      path.join('sub', 'c.json'),
      '<stdin>',
    ]);
    expect(load.objects.map((o) => (o.metadata as Obj).name)).to.deep.equal(['a', 'b', 'c', 'd']);
  });

  it('defaults the namespace of namespaced objects and filters by --namespace', async () => {
    const load = {
      root: '/x',
      files: [],
      problems: [],
      objects: parseManifestText(HELM + LIST_YAML, 'f.yaml').objects,
    };
    const all = manifestSource(load, { defaultNamespace: 'shop' });
    expect(((await all.list('Deployment'))[0]?.metadata as Obj).namespace).to.equal('shop');
    const onlyX = manifestSource(
      {
        root: '/x',
        files: [],
        problems: [],
        objects: parseManifestText(HELM + '\n---\n' + LIST_YAML, 'f.yaml').objects,
      },
      { namespaces: ['x'] },
    );
    expect(await onlyX.list('Deployment')).to.deep.equal([]);
    expect((await onlyX.list('Pod')).map((p) => (p.metadata as Obj).name)).to.deep.equal(['a', 'b']);
    await all.version().then(
      () => expect.fail('manifests have no version'),
      (err: Error) => expect(err.message).to.match(/only available from the live API/),
    );
  });

  it('collects a manifest target: sources on findings, problems in k8s.manifests, version unavailable', async () => {
    await writeFile(
      path.join(dir, 'app.yaml'),
      HELM +
        `---
apiVersion: batch/v1
kind: CronJob
metadata: {name: tick, namespace: ops}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          initContainers: [{name: init, image: "busybox:1.36"}]
          containers: [{name: c, image: "busybox:1.36", securityContext: {privileged: true}}]
---
kind: Deployment
metadata: {name: broken
`,
    );
    const logs: string[] = [];
    const target = await collectK8sTarget({
      manifests: [path.join(dir, 'app.yaml')],
      log: (m) => logs.push(m),
    });
    expect(target.kind).to.equal('kubernetes');
    expect(target.id).to.equal(`manifests:${path.join(dir, 'app.yaml')}`);
    expect(target.meta).to.include({ mode: 'manifests', manifestProblems: 1 });
    expect(target.errors['k8s.version']).to.match(/only available from the live API/);
    expect(target.errors['k8s.nodefiles']).to.match(/--node-root/);
    const workloads = target.facts['k8s.workloads'] as Obj[];
    expect(workloads.map((w) => [w.kind, w.namespace, w.name, w.template])).to.deep.equal([
      ['Deployment', 'default', 'shop', 'shop/templates/deployment.yaml'],
      ['CronJob', 'ops', 'tick', undefined],
    ]);
    expect(workloads[1]?._source).to.deep.include({ document: 4 });
    const cron = workloads[1]?.containers as Obj[];
    expect(cron.map((c) => c.type)).to.deep.equal(['initContainer', 'container']);
    const manifests = target.facts['k8s.manifests'] as Obj;
    expect(manifests.problems).to.have.length(1);
    expect((manifests.problems as Obj[])[0]).to.include({ document: 5 });
    expect(logs.some((l) => l.includes('manifest problem'))).to.equal(true);
    const namespaces = target.facts['k8s.namespaces'] as Obj[];
    expect(namespaces.map((n) => [n.name, n.declared])).to.deep.equal([
      ['default', false],
      ['ops', false],
    ]);
    const cp = target.facts['k8s.controlplane'] as Obj[];
    expect(cp.find((e) => e.component === 'apiserver')).to.include({ source: 'unavailable' });
    expect(String(cp.find((e) => e.component === 'apiserver')?.error)).to.match(/manifests do not include/);
  });
});
