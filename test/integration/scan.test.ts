/**
 * Full scans through the CLI against one private dockerd and a host-root fixture: the verdicts a careful
 * auditor would give, offline re-evaluation of the saved evidence, secrets kept out of every output,
 * read-only engine access, --running-only, and the exit status when the engine cannot be reached.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type Docker from 'dockerode';
import { loadBenchmarks } from '../../src/cli/shared.js';
import type { Control, Result, ResultsDocument, Status } from '../../src/core/types.js';
import { runCli } from '../support/cli.js';
import {
  createBridgeNetwork,
  createContainer,
  importTestImage,
  requireDockerd,
  skipOrFail,
  startDockerd,
  type CreatedContainer,
  type PrivateDockerd,
} from '../support/dockerd.js';
import { canChown, makeHostRoot, type HostRootFixture } from '../support/hostroot.js';
import { countByPath, recordEngineTraffic } from '../support/recording-proxy.js';

const SECRET = 'DB-planted-3c9f1e-s3cr3t';
const IMAGE = 'rampart-scan-test:1';
/** A name that collides with Object.prototype, and labels built to break naive handling. */
const HOSTILE_NAME = 'constructor';
const HOSTILE_LABELS: Record<string, string> = {
  ['__proto__']: 'polluted',
  'com.example.evil':
    '\u001b[2J\u001b[31mpwned\u001b[0m\r\nstatus: pass $(id) `id` "}]} <script>alert(1)</script>',
  'a.b["c"]': '$facts["host.daemon"]',
};
const DOCKER_GID = 998;
const ALICE = 1000;

/** What the private engine is configured with (the fixture's /etc/docker/daemon.json says the same). */
const DAEMON_JSON = {
  'log-level': 'warn',
  'live-restore': true,
  'userland-proxy': false,
  'insecure-registries': ['registry.test.local:5000'],
};

/** A free port below 1024 on this host, for the "published privileged port" case. */
async function freePrivilegedPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 700 + Math.floor(Math.random() * 300);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error('no free port below 1024');
}

function listen(socket: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((c) => c.end());
    server.once('error', reject);
    server.listen(socket, () => resolve(server));
  });
}

function close(server: net.Server | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

/** Run the real executable as another user (async: this process keeps serving its sockets meanwhile). */
function spawnCliAs(
  uid: number,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/rampart.ts', ...args], {
      uid,
      gid: uid,
      env: { PATH: process.env.PATH, HOME: '/tmp', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('@integration full scan of a private dockerd through the CLI', function () {
  this.timeout(60_000);

  let engine: PrivateDockerd | undefined;
  let fx: HostRootFixture | undefined;
  let work: string | undefined;
  let fixtureSocket: net.Server | undefined;
  let port = 0;
  const created = new Map<string, CreatedContainer>();
  let running: string[] = [];
  let controls: Map<string, Control>;
  let live: ResultsDocument;
  let target: string[];

  const scanArgs = (address = engine?.address as string): string[] => [
    '--docker-host',
    address,
    '--host-root',
    (fx as HostRootFixture).root,
    '--benchmark',
    'cis-docker',
  ];
  const scanJson = async (extra: string[] = [], address?: string): Promise<ResultsDocument> => {
    const r = await runCli(['scan', 'docker', ...scanArgs(address), '--format', 'json', ...extra]);
    expect(r.code, r.stderr).to.equal(0);
    return JSON.parse(r.stdout) as ResultsDocument;
  };
  const result = (doc: ResultsDocument, id: string): Result => {
    const r = doc.results.find((x) => x.controlId === id);
    if (!r) throw new Error(`no result for ${id}`);
    return r;
  };
  /** Resource names whose finding has the given status, sorted. */
  const named = (id: string, status: Status, doc = live): string[] =>
    result(doc, id)
      .findings.filter((f) => f.status === status)
      .map((f) => f.resource.name)
      .sort();
  const all = (): string[] => [...created.keys()].sort();
  const except = (...names: string[]): string[] => all().filter((n) => !names.includes(n));

  before(async function () {
    this.timeout(50_000);
    requireDockerd(this);
    // a second listening socket named like the real one, so a mount of it looks like what it is
    work = await mkdtemp('/tmp/rsc-');
    await chmod(work, 0o755); // the permission case runs the CLI as nobody, who must reach its socket
    const namedSocket = path.join(work, 'docker.sock');
    try {
      engine = await startDockerd({ daemonJson: DAEMON_JSON, args: ['--host', `unix://${namedSocket}`] });
    } catch (error) {
      skipOrFail(this, `a private dockerd could not start: ${(error as Error).message}`);
    }
    const docker = engine.docker as Docker;
    await importTestImage(docker, { tag: IMAGE });
    await createBridgeNetwork(docker, 'rampart-net');
    port = await freePrivilegedPort();
    // a real (static) binary named sshd, so `top` shows an sshd process as it would for OpenSSH
    const sshd = path.join(work, 'sshd');
    await copyFile(await realpath('/usr/bin/docker-init').catch(() => '/usr/bin/tini-static'), sshd);
    await chmod(sshd, 0o755);

    const sleep = ['sleep', '100000'];
    const specs: [Docker.ContainerCreateOptions & { name: string }, boolean][] = [
      [
        {
          name: 'hardened',
          Image: IMAGE,
          Cmd: sleep,
          User: '1000:1000',
          Env: [`DB_PASSWORD=${SECRET}`, 'MODE=prod'],
          ExposedPorts: { '8080/tcp': {} },
          HostConfig: {
            NetworkMode: 'rampart-net',
            PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }] },
            ReadonlyRootfs: true,
            Memory: 64 * 1024 * 1024,
            CpuShares: 512,
            PidsLimit: 50,
            CapDrop: ['ALL'],
            SecurityOpt: ['no-new-privileges:true'],
            RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 },
          },
        },
        true,
      ],
      [{ name: 'defaults', Image: IMAGE, Cmd: sleep, Env: [`DB_PASSWORD=${SECRET}`] }, true],
      [{ name: 'privileged', Image: IMAGE, Cmd: sleep, HostConfig: { Privileged: true } }, false],
      [
        {
          name: 'hostnet-sshd',
          Image: IMAGE,
          Cmd: ['/usr/sbin/sshd', '--', 'sleep', '100000'],
          HostConfig: { NetworkMode: 'host', Binds: [`${sshd}:/usr/sbin/sshd:ro`] },
        },
        true,
      ],
      [
        {
          name: 'host-namespaces',
          Image: IMAGE,
          Cmd: sleep,
          HostConfig: { PidMode: 'host', IpcMode: 'host', UTSMode: 'host' },
        },
        true,
      ],
      [
        {
          name: 'sensitive-mounts',
          Image: IMAGE,
          Cmd: sleep,
          HostConfig: { Binds: ['/etc:/hostetc:ro', `${namedSocket}:/var/run/docker.sock`] },
        },
        true,
      ],
      [
        {
          name: 'published-privileged',
          Image: IMAGE,
          Cmd: sleep,
          ExposedPorts: { '80/tcp': {} },
          HostConfig: {
            NetworkMode: 'rampart-net',
            PortBindings: { '80/tcp': [{ HostPort: String(port) }] },
          },
        },
        true,
      ],
      [{ name: 'cap-added', Image: IMAGE, Cmd: sleep, HostConfig: { CapAdd: ['NET_ADMIN'] } }, true],
      [
        { name: 'unconfined', Image: IMAGE, Cmd: sleep, HostConfig: { SecurityOpt: ['seccomp=unconfined'] } },
        true,
      ],
      [
        {
          name: 'nnp-false',
          Image: IMAGE,
          Cmd: sleep,
          HostConfig: { SecurityOpt: ['no-new-privileges:false'] },
        },
        true,
      ],
      [
        {
          name: 'restart-always',
          Image: IMAGE,
          Cmd: sleep,
          HostConfig: { RestartPolicy: { Name: 'always' } },
        },
        true,
      ],
      [
        { name: 'cgroup-parent', Image: IMAGE, Cmd: sleep, HostConfig: { CgroupParent: '/rampart-scan' } },
        true,
      ],
      [
        {
          name: 'shared-propagation',
          Image: IMAGE,
          Cmd: sleep,
          HostConfig: {
            Mounts: [
              { Type: 'bind', Source: work, Target: '/shared', BindOptions: { Propagation: 'shared' } },
            ],
          },
        },
        false,
      ],
      [{ name: HOSTILE_NAME, Image: IMAGE, Cmd: sleep, Labels: HOSTILE_LABELS }, true],
      [{ name: 'exited', Image: IMAGE, Cmd: ['true'] }, true],
    ];
    for (const [spec, start] of specs) {
      const c = await createContainer(docker, spec, start);
      if (start && !c.started) throw new Error(`${spec.name} did not start: ${c.startError}`);
      created.set(spec.name, c);
    }
    await docker.getContainer(created.get('exited')?.id as string).wait();
    running = [...created.values()].filter((c) => c.started && c.name !== 'exited').map((c) => c.name);

    // the engine's host, as the fixture tells it: Debian's docker.io layout, chosen modes and owners
    const fakeArgs = [...engine.args];
    fakeArgs[fakeArgs.indexOf('--config-file') + 1] = '/etc/docker/daemon.json';
    const root = { uid: 0, gid: 0 };
    fx = await makeHostRoot({
      '/etc/passwd': {
        content: [
          'root:x:0:0:root:/root:/bin/bash',
          `alice:x:${ALICE}:${ALICE}::/home/alice:/bin/bash`,
          'bob:x:1001:1001::/home/bob:/bin/bash',
          `deploy:x:1002:${DOCKER_GID}::/home/deploy:/bin/sh`,
        ].join('\n'),
        mode: 0o644,
      },
      '/etc/group': {
        content: ['root:x:0:', `alice:x:${ALICE}:`, `docker:x:${DOCKER_GID}:alice,bob`].join('\n'),
        mode: 0o644,
      },
      '/etc/docker': { dir: true, mode: 0o755, ...root },
      '/etc/docker/daemon.json': {
        content: JSON.stringify(DAEMON_JSON),
        mode: 0o644,
        uid: ALICE,
        gid: 0,
      },
      '/etc/docker/certs.d/registry.test.local:5000/ca.crt': { content: 'ca', mode: 0o644, ...root },
      '/etc/docker/certs.d/registry.test.local:5000/client.key': {
        content: 'key',
        mode: 0o400,
        uid: ALICE,
        gid: 0,
      },
      '/lib/systemd/system/docker.service': { content: '[Service]\n', mode: 0o644, ...root },
      '/lib/systemd/system/docker.socket': { content: '[Socket]\n', mode: 0o666, ...root },
      '/usr/sbin/dockerd': { content: 'ELF', mode: 0o755, ...root },
      '/usr/sbin/runc': { content: 'ELF', mode: 0o755, ...root },
      '/usr/bin/containerd': { content: 'ELF', mode: 0o755, ...root },
      '/usr/bin/containerd-shim-runc-v2': { content: 'ELF', mode: 0o755, ...root },
      [engine.dataRoot]: { dir: true, mode: 0o710, ...root },
      [path.dirname(engine.socket)]: { dir: true, mode: 0o755 },
      '/etc/audit/rules.d/docker.rules': {
        content: [
          '-w /usr/sbin/dockerd -k docker',
          '-w /usr/bin/containerd -k docker',
          `-w ${engine.dataRoot} -p wa -k docker`,
          '-w /etc/docker -p wa -k docker',
          '-w /lib/systemd/system/docker.service -k docker',
        ].join('\n'),
        mode: 0o640,
      },
      [`/proc/${engine.pid}/cmdline`]: { content: `${['/usr/sbin/dockerd', ...fakeArgs].join('\0')}\0` },
      [`/proc/${engine.pid}/exe`]: { symlink: '/usr/sbin/dockerd' },
      '/proc/1/mountinfo': {
        content: [
          '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
          `31 22 253:2 / ${engine.dataRoot} rw,relatime shared:2 - xfs /dev/mapper/vg-docker rw`,
        ].join('\n'),
      },
      '/etc/environment': { content: 'PATH="/usr/local/bin:/usr/bin:/bin"\n' },
    });
    // the engine socket as the host shows it: root:docker 0660
    const sock = path.join(fx.root, engine.socket);
    fixtureSocket = await listen(sock);
    await chmod(sock, 0o660);
    if (canChown) await chown(sock, 0, DOCKER_GID);

    controls = new Map(
      loadBenchmarks()
        .filter((b) => b.id === 'cis-docker')
        .flatMap((b) => b.ordered.map((c) => [c.id, c] as const)),
    );
    live = await scanJson();
    target = [...new Set(live.results.map((r) => r.target))];
  });

  after(async () => {
    await close(fixtureSocket);
    await engine?.stop();
    await fx?.remove();
    if (work) await rm(work, { recursive: true, force: true });
  });

  describe('scan docker --format json', () => {
    it('assesses the one engine with every fact collected', () => {
      expect(target).to.have.length(1);
      expect(live.targets[0]?.errors ?? {}).to.deep.equal({});
      const errored = live.results
        .filter((r) => r.status === 'error')
        .map((r) => `${r.controlId}: ${r.reason}`);
      expect(errored).to.deep.equal([]);
    });

    it('gives every evaluated container a finding in each container control, named without a slash', () => {
      const containerControls = [...controls.values()].filter(
        (c) => c.facts[0] === 'docker.containers' && c.given,
      );
      expect(containerControls.length).to.be.greaterThan(25);
      for (const c of containerControls) {
        const r = result(live, c.id);
        if (r.status === 'not_applicable' && c.applies && r.findings.length === 0) {
          expect(r.reason, c.id).to.not.equal('');
          continue;
        }
        const expected = c.where ? [...running].sort() : all();
        const names = r.findings.map((f) => f.resource.name).sort();
        expect(names, c.id).to.deep.equal(expected);
        for (const f of r.findings) {
          expect(f.resource.kind, c.id).to.equal('container');
          expect(f.resource.name, c.id).not.to.match(/^\//);
        }
      }
    });

    it('5.5 fails the privileged container only', () => {
      expect(result(live, '5.5').status).to.equal('fail');
      expect(named('5.5', 'fail')).to.deep.equal(['privileged']);
      expect(named('5.5', 'pass')).to.deep.equal(except('privileged'));
    });

    it('5.10, 5.16, 5.17, 5.21: host network and host namespaces', () => {
      expect(named('5.10', 'fail')).to.deep.equal(['hostnet-sshd']);
      expect(named('5.16', 'fail')).to.deep.equal(['host-namespaces']);
      expect(named('5.17', 'fail')).to.deep.equal(['host-namespaces']);
      expect(named('5.21', 'fail')).to.deep.equal(['host-namespaces']);
      expect(named('5.16', 'pass')).to.include.members(['defaults', 'hardened', 'hostnet-sshd']);
    });

    it('5.13, 5.11, 5.12, 5.29: read-only root and resource limits pass only where set', () => {
      for (const id of ['5.11', '5.12', '5.13', '5.29']) {
        expect(named(id, 'pass'), id).to.deep.equal(['hardened']);
        expect(named(id, 'fail'), id).to.deep.equal(except('hardened'));
      }
    });

    it('5.26: no-new-privileges set passes; unset and explicitly false fail', () => {
      expect(named('5.26', 'pass')).to.deep.equal(['hardened']);
      expect(named('5.26', 'fail')).to.include.members(['nnp-false', 'defaults', 'privileged']);
      expect(result(live, '2.14').status).to.equal('fail'); // not set daemon-wide
    });

    it('5.6 and 5.32: sensitive host directory and the Docker socket mounted', () => {
      expect(named('5.6', 'fail')).to.deep.equal(['sensitive-mounts']);
      expect(named('5.32', 'fail')).to.deep.equal(['sensitive-mounts']);
      // a shared temp directory and the tini binary mounted over sshd are not sensitive
      expect(named('5.6', 'pass')).to.include.members(['hostnet-sshd', 'shared-propagation']);
    });

    it('5.8: a privileged host port fails, a high port bound to loopback passes', () => {
      expect(named('5.8', 'fail')).to.deep.equal(['published-privileged']);
      expect(named('5.8', 'pass')).to.include('hardened');
      expect(named('5.14', 'fail')).to.deep.equal(['published-privileged']);
      expect(named('5.14', 'pass')).to.include('hardened');
    });

    it('5.4: an added dangerous capability and privileged mode fail', () => {
      expect(named('5.4', 'fail')).to.deep.equal(['cap-added', 'privileged']);
      expect(named('5.4', 'pass')).to.include('hardened');
    });

    it('5.22: seccomp unconfined fails', () => {
      expect(named('5.22', 'fail')).to.deep.equal(['unconfined']);
    });

    it('5.15: restart "always" fails, on-failure:5 and no policy pass', () => {
      expect(named('5.15', 'fail')).to.deep.equal(['restart-always']);
      expect(named('5.15', 'pass')).to.include.members(['hardened', 'defaults']);
    });

    it('5.7: sshd running fails; stopped containers are not applicable', () => {
      expect(named('5.7', 'fail')).to.deep.equal(['hostnet-sshd']);
      expect(named('5.7', 'not_applicable')).to.deep.equal(['exited', 'privileged', 'shared-propagation']);
      expect(named('5.7', 'pass')).to.include.members(['defaults', 'hardened', HOSTILE_NAME]);
    });

    it('4.1: a non-root user passes, root fails', () => {
      expect(named('4.1', 'pass')).to.deep.equal(['hardened']);
      expect(named('4.1', 'fail')).to.include.members(['defaults', HOSTILE_NAME]);
    });

    it('5.25 custom cgroup parent and 5.20 shared propagation fail', () => {
      expect(named('5.25', 'fail')).to.deep.equal(['cgroup-parent']);
      expect(named('5.20', 'fail')).to.deep.equal(['shared-propagation']);
    });

    it('section 3: file modes and owners from the host root', () => {
      const status = (id: string): Status => result(live, id).status;
      expect([status('3.1'), status('3.2'), status('3.3')]).to.deep.equal(['pass', 'pass', 'pass']);
      expect(status('3.4')).to.equal('fail'); // docker.socket 0666
      expect(named('3.4', 'fail')).to.deep.equal(['/lib/systemd/system/docker.socket']);
      expect([status('3.5'), status('3.6')]).to.deep.equal(['pass', 'pass']);
      expect(named('3.8', 'fail')).to.deep.equal(['/etc/docker/certs.d/registry.test.local:5000/ca.crt']);
      expect(named('3.8', 'pass')).to.deep.equal(['/etc/docker/certs.d/registry.test.local:5000/client.key']);
      expect(named('3.15', 'pass')).to.deep.equal([engine?.socket]);
      expect(named('3.16', 'pass')).to.deep.equal([engine?.socket]);
      expect(status('3.18')).to.equal('pass'); // daemon.json 0644
      for (const id of ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14', '3.19', '3.21', '3.23']) {
        expect(status(id), id).to.equal('not_applicable'); // no TLS, no /etc/default/docker, ...
      }
      if (canChown) {
        expect(named('3.7', 'fail')).to.deep.equal([
          '/etc/docker/certs.d/registry.test.local:5000/client.key',
        ]);
        expect(named('3.17', 'fail')).to.deep.equal(['/etc/docker/daemon.json']); // alice:root
        expect(status('3.15')).to.equal('pass'); // root:docker
      }
    });

    it('section 2: daemon flags, daemon.json and the engine', () => {
      const status = (id: string): Status => result(live, id).status;
      expect(status('2.2')).to.equal('not_applicable'); // the daemon runs without a default bridge
      expect(status('2.3')).to.equal('fail'); // log-level warn
      expect(status('2.4')).to.equal('fail'); // --iptables=false
      expect(status('2.5')).to.equal('fail'); // insecure registry
      expect(status('2.6')).to.equal('pass'); // vfs
      expect(status('2.7')).to.equal('pass'); // unix sockets only
      expect(status('2.10')).to.equal('pass');
      expect(status('2.15')).to.equal('pass'); // live-restore
      expect(status('2.16')).to.equal('pass'); // userland-proxy false
      expect(status('2.18')).to.equal('pass');
    });

    it('section 1: docker group members and audit rules for the binaries as installed', () => {
      expect(named('1.1.2', 'fail')).to.deep.equal(['alice', 'bob', 'deploy']);
      expect(result(live, '1.1.1').status).to.equal('pass'); // data root on its own volume
      expect(result(live, '1.1.3').status).to.equal('pass'); // /usr/sbin/dockerd watched
      expect(result(live, '1.1.4').status).to.equal('not_applicable'); // no /run/containerd
      expect(result(live, '1.1.5').status).to.equal('pass'); // the data root is watched
      expect(result(live, '1.1.14').status).to.equal('pass'); // /usr/bin/containerd watched
      expect(result(live, '1.1.15').status).to.equal('not_applicable');
      expect(result(live, '1.1.16').status).to.equal('not_applicable');
      expect(result(live, '1.1.17').status).to.equal('fail'); // shim v2 installed, not watched
      expect(result(live, '1.1.18').status).to.equal('fail'); // /usr/sbin/runc not watched
    });
  });

  describe('evidence', () => {
    let factsFile: string;

    before(async () => {
      factsFile = path.join(work as string, 'facts.json');
      const r = await runCli(['collect', 'docker', ...scanArgs().slice(0, 4), '--out', factsFile]);
      expect(r.code, r.stderr).to.equal(0);
    });

    it('scan --facts gives the same results as the live scan, and two live scans agree', async () => {
      const r = await runCli(['scan', '--facts', factsFile, '--benchmark', 'cis-docker', '--format', 'json']);
      expect(r.code, r.stderr).to.equal(0);
      const offline = JSON.parse(r.stdout) as ResultsDocument;
      expect(offline.results).to.deep.equal(live.results);
      const again = await scanJson();
      expect(again.results).to.deep.equal(live.results);
    });

    it('keeps the planted secret out of the fact set, the json and the verbose text output', async () => {
      const facts = await readFile(factsFile, 'utf8');
      expect(facts).to.contain('DB_PASSWORD=<redacted>');
      expect(facts).not.to.contain(SECRET);
      expect(JSON.stringify(live)).not.to.contain(SECRET);
      const text = await runCli(['scan', 'docker', ...scanArgs(), '--verbose']);
      expect(text.code, text.stderr).to.equal(0);
      expect(text.stdout).to.contain('hardened');
      expect(text.stdout + text.stderr).not.to.contain(SECRET);
      // the hostile label travels as data: escaped in JSON, never as a raw control sequence on a terminal
      expect(facts).to.contain(JSON.stringify(HOSTILE_LABELS['com.example.evil']).slice(1, -1));
      const set = JSON.parse(facts) as {
        targets: { facts: { 'docker.containers': { Name: string; Config: { Labels: object } }[] } }[];
      };
      const inFacts = set.targets[0]?.facts['docker.containers'] ?? [];
      expect(inFacts.map((c) => c.Name).sort()).to.deep.equal(all());
      const hostile = inFacts.find((c) => c.Name === HOSTILE_NAME);
      // a "__proto__" label stays an ordinary key: never dropped, never turned into a prototype
      expect(Object.entries(hostile?.Config.Labels ?? {})).to.deep.include(['__proto__', 'polluted']);
      expect(text.stdout).not.to.contain('\u001b');
      expect(text.stdout).to.contain(HOSTILE_NAME);
    });
  });

  it('reads the engine with GET/HEAD only and inspects each container once', async () => {
    const {
      result: doc,
      requests,
      mutating,
    } = await recordEngineTraffic((engine as PrivateDockerd).socket, (proxy) => scanJson([], proxy.address));
    expect(mutating).to.deep.equal([]);
    const inspects = countByPath(requests, /^\/containers\/[^/]+\/json$/);
    const ids = [...created.values()].map((c) => `/containers/${c.id}/json`).sort();
    expect([...inspects.keys()].sort()).to.deep.equal(ids);
    for (const [p, n] of inspects) expect(n, p).to.equal(1);
    expect(result(doc, '5.5').findings).to.have.length(created.size);
  });

  it('--running-only narrows every container control to the running containers', async () => {
    const doc = await scanJson(['--running-only']);
    expect(
      named('5.5', 'pass', doc)
        .concat(named('5.5', 'fail', doc))
        .sort(),
    ).to.deep.equal([...running].sort());
    expect(named('5.13', 'fail', doc)).not.to.include.members(['exited', 'privileged', 'shared-propagation']);
  });

  describe('an engine that cannot be reached', () => {
    it('a socket path that does not exist: exit 3, one line', async () => {
      const sock = path.join(work as string, 'absent.sock');
      const r = await runCli(['scan', 'docker', '--docker-host', `unix://${sock}`]);
      expect(r.code).to.equal(3);
      expect(r.stdout).to.equal('');
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.contain(`no such socket ${sock}`);
    });

    it('a socket without permission: exit 3, one line', async () => {
      // root bypasses socket permissions (and this suite runs as root for dockerd), so the CLI runs as
      // nobody (uid 65534) against a socket with mode 0000
      const dir = path.join(work as string, 'denied');
      await mkdir(dir, { mode: 0o755 });
      await chmod(dir, 0o755);
      const sock = path.join(dir, 'docker.sock');
      const server = await listen(sock);
      try {
        await chmod(sock, 0);
        const r = await spawnCliAs(65534, ['scan', 'docker', '--docker-host', `unix://${sock}`]);
        expect(r.code, r.stderr).to.equal(3);
        expect(r.stdout).to.equal('');
        expect(r.stderr.trim().split('\n')).to.have.length(1);
        expect(r.stderr).to.contain(`permission denied on ${sock}`);
      } finally {
        await close(server);
      }
    });
  });
});
