import { expect } from 'chai';
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import type Docker from 'dockerode';
import { allDockerCollectors } from '../../src/collectors/docker/index.js';
import { allHostCollectors } from '../../src/collectors/host/index.js';
import { runCollectors, type CollectOutcome } from '../../src/collectors/runner.js';
import type { CollectContext } from '../../src/collectors/types.js';
import type { JsonValue } from '../../src/core/types.js';
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

const CONTAINER_SECRET = 'hunter2-planted-secret';
const IMAGE_SECRET = 'image-planted-secret-7731';
const IMAGE = 'rampart-test:1';

type Doc = Record<string, JsonValue> & {
  Name: string;
  State: { Running: boolean; Status: string };
  HostConfig: Record<string, JsonValue>;
  Config: Record<string, JsonValue> & { Env: string[] | null; User: string };
  Mounts: { Type: string; Source: string; Destination: string; RW: boolean; Propagation: string }[];
  NetworkSettings: Record<string, JsonValue>;
  Processes: { user: string | null; pid: string | null; command: string | null }[] | null;
  ProcessesError?: string;
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

function ctxFor(engine: PrivateDockerd, over: Partial<CollectContext> = {}): CollectContext {
  return {
    docker: engine.docker,
    dockerAddress: engine.address,
    dockerLocal: true,
    hostRoot: '/',
    runningOnly: false,
    concurrency: 16,
    log: () => undefined,
    ...over,
  };
}

describe('@integration docker and host collectors against a private dockerd', function () {
  this.timeout(120_000);

  let engine: PrivateDockerd | undefined;
  let sharedDir: string | undefined;
  let port = 0;
  const created = new Map<string, CreatedContainer>();
  let outcome: CollectOutcome;
  let containers: Doc[];
  const byName = (name: string): Doc => {
    const doc = containers.find((c) => c.Name === name);
    if (!doc) throw new Error(`container ${name} not in the facts`);
    return doc;
  };

  before(async function () {
    requireDockerd(this);
    try {
      engine = await startDockerd({
        args: [
          '--ip-forward=false',
          '--experimental',
          '--log-level',
          'warn',
          '--default-ulimit',
          'nofile=1024:2048',
        ],
        daemonJson: { 'live-restore': true, 'userland-proxy': true, labels: ['rampart=test'] },
      });
    } catch (error) {
      skipOrFail(this, `a private dockerd could not start: ${(error as Error).message}`);
    }
    const docker = engine.docker as Docker;
    await importTestImage(docker, { tag: IMAGE, changes: [`ENV IMAGE_TOKEN=${IMAGE_SECRET}`] });
    await importTestImage(docker, {}); // untagged: named by its short id
    await createBridgeNetwork(docker, 'rampart-net');
    sharedDir = await mkdtemp('/tmp/rs-');
    port = await freePrivilegedPort();

    const sleep = ['sleep', '100000'];
    const env = [`DB_PASSWORD=${CONTAINER_SECRET}`, 'PLAIN=visible-value'];
    const specs: [Docker.ContainerCreateOptions & { name: string }, boolean][] = [
      [{ name: 'defaults', Image: IMAGE, Cmd: sleep, Env: env }, true],
      [
        {
          name: 'hostnet-sshd',
          Image: IMAGE,
          Cmd: ['/usr/sbin/sshd', '-D'],
          HostConfig: { NetworkMode: 'host' },
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
          name: 'limited',
          Image: IMAGE,
          Cmd: sleep,
          HostConfig: { ReadonlyRootfs: true, Memory: 64 * 1024 * 1024, CpuShares: 512, PidsLimit: 50 },
        },
        true,
      ],
      [
        {
          name: 'nonroot',
          Image: IMAGE,
          Cmd: sleep,
          User: '1000:1000',
          HostConfig: { SecurityOpt: ['no-new-privileges:true'] },
        },
        true,
      ],
      [
        {
          name: 'sensitive-mounts',
          Image: IMAGE,
          Cmd: sleep,
          HostConfig: { Binds: ['/etc:/hostetc:ro', '/:/host:ro', `${engine.socket}:/var/run/docker.sock`] },
        },
        true,
      ],
      [
        {
          name: 'shared-propagation',
          Image: IMAGE,
          Cmd: sleep,
          HostConfig: {
            Mounts: [
              { Type: 'bind', Source: sharedDir, Target: '/shared', BindOptions: { Propagation: 'shared' } },
            ],
          },
        },
        false,
      ],
      [
        {
          name: 'published',
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
      [
        { name: 'cap-added', Image: IMAGE, Cmd: sleep, HostConfig: { CapAdd: ['NET_ADMIN', 'SYS_ADMIN'] } },
        false,
      ],
      [{ name: 'privileged', Image: IMAGE, Cmd: sleep, HostConfig: { Privileged: true } }, false],
      [
        { name: 'unconfined', Image: IMAGE, Cmd: sleep, HostConfig: { SecurityOpt: ['seccomp=unconfined'] } },
        true,
      ],
      [
        {
          name: 'restart-on-failure',
          Image: IMAGE,
          Cmd: sleep,
          HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 } },
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
        {
          name: 'healthy',
          Image: IMAGE,
          Cmd: sleep,
          Healthcheck: { Test: ['CMD', 'true'], Interval: 1_000_000_000, Timeout: 1_000_000_000, Retries: 3 },
        },
        true,
      ],
      [
        { name: 'cgroup-parent', Image: IMAGE, Cmd: sleep, HostConfig: { CgroupParent: '/rampart-custom' } },
        true,
      ],
      [
        {
          name: 'with-device',
          Image: IMAGE,
          Cmd: sleep,
          HostConfig: {
            Devices: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/xnull', CgroupPermissions: 'rwm' }],
          },
        },
        true,
      ],
      [{ name: 'never-started', Image: IMAGE, Cmd: sleep, Env: env }, false],
      [{ name: 'exited', Image: IMAGE, Cmd: ['true'] }, true],
    ];
    for (const [spec, start] of specs) created.set(spec.name, await createContainer(docker, spec, start));
    // let `exited` exit
    await docker.getContainer(created.get('exited')?.id as string).wait();

    outcome = await runCollectors([...allDockerCollectors, ...allHostCollectors], ctxFor(engine));
    containers = outcome.facts['docker.containers'] as unknown as Doc[];
  });

  after(async () => {
    await engine?.stop();
    if (sharedDir) await rm(sharedDir, { recursive: true, force: true });
  });

  it('collects every collector without errors', () => {
    expect(outcome.errors).to.deep.equal({});
    expect(Object.keys(outcome.facts).sort()).to.deep.equal(
      [...allDockerCollectors, ...allHostCollectors].map((c) => c.id).sort(),
    );
  });

  it('never lets a planted secret into the facts', () => {
    const json = JSON.stringify(outcome.facts);
    expect(json).not.to.contain(CONTAINER_SECRET);
    expect(json).not.to.contain(IMAGE_SECRET);
    expect(json).not.to.contain('visible-value');
    expect(byName('defaults').Config.Env).to.include.members(['DB_PASSWORD=<redacted>', 'PLAIN=<redacted>']);
    expect(byName('never-started').Config.Env).to.include('DB_PASSWORD=<redacted>');
  });

  describe('docker.engine', () => {
    it('has info, version, the address and local', () => {
      const e = outcome.facts['docker.engine'] as Record<string, Record<string, JsonValue> | JsonValue>;
      expect(e.address).to.equal(engine?.address);
      expect(e.local).to.equal(true);
      const info = e.info as Record<string, JsonValue>;
      expect(info.ID).to.be.a('string').and.not.equal('');
      expect(info.DockerRootDir).to.equal(engine?.dataRoot);
      expect((e.version as Record<string, JsonValue>).ApiVersion).to.be.a('string');
    });
  });

  describe('docker.containers', () => {
    it('lists every container, all states, inspected, names without slash', () => {
      expect(containers.map((c) => c.Name).sort()).to.deep.equal([...created.keys()].sort());
      for (const c of containers) {
        expect(c.Name).not.to.match(/^\//);
        expect(c).to.include.keys(
          'Id',
          'State',
          'HostConfig',
          'Config',
          'Mounts',
          'NetworkSettings',
          'Processes',
        );
        if (c.State.Running) expect(c.Processes?.length, c.Name).to.be.greaterThan(0);
        else expect(c.Processes, c.Name).to.equal(null);
        expect(c.ProcessesError, c.Name).to.equal(undefined);
      }
    });

    it('defaults: unprivileged, default network, root user, no limits', () => {
      const c = byName('defaults');
      expect(c.State.Running).to.equal(true);
      expect(c.HostConfig).to.include({
        Privileged: false,
        NetworkMode: 'default',
        ReadonlyRootfs: false,
        Memory: 0,
      });
      expect(c.Config.User).to.equal('');
      expect(c.Processes?.[0]).to.include({ command: 'sleep 100000' });
      expect(c.Processes?.[0]?.pid).to.match(/^\d+$/);
      expect(c.Processes?.[0]?.user).to.equal('root');
    });

    it('host network, and a process list showing sshd', () => {
      const c = byName('hostnet-sshd');
      expect(c.HostConfig.NetworkMode).to.equal('host');
      expect(c.Processes?.map((p) => p.command)).to.satisfy((cmds: string[]) =>
        cmds.some((cmd) => /\/usr\/sbin\/sshd -D/.test(cmd)),
      );
    });

    it('host pid, ipc and uts namespaces', () => {
      expect(byName('host-namespaces').HostConfig).to.include({
        PidMode: 'host',
        IpcMode: 'host',
        UTSMode: 'host',
      });
      expect(byName('defaults').HostConfig).to.include({ PidMode: '', UTSMode: '' });
      expect(byName('defaults').HostConfig.IpcMode).to.not.equal('host');
    });

    it('read-only root filesystem with memory, cpu-shares and pids limits', () => {
      expect(byName('limited').HostConfig).to.include({
        ReadonlyRootfs: true,
        Memory: 64 * 1024 * 1024,
        CpuShares: 512,
        PidsLimit: 50,
      });
    });

    it('non-root user with no-new-privileges', () => {
      const c = byName('nonroot');
      expect(c.Config.User).to.equal('1000:1000');
      expect(c.HostConfig.SecurityOpt).to.deep.equal(['no-new-privileges:true']);
      expect(c.Processes?.[0]?.user).to.not.equal('root');
    });

    it('sensitive host mounts and the docker socket', () => {
      const c = byName('sensitive-mounts');
      const sources = c.Mounts.map((m) => `${m.Source}->${m.Destination}:${m.RW ? 'rw' : 'ro'}`);
      expect(sources).to.include.members([
        '/etc->/hostetc:ro',
        '/->/host:ro',
        `${engine?.socket}->/var/run/docker.sock:rw`,
      ]);
    });

    it('shared mount propagation (created only: the host mount is private here)', () => {
      const c = byName('shared-propagation');
      expect(c.Mounts.find((m) => m.Destination === '/shared')?.Propagation).to.equal('shared');
      expect(c.Processes).to.equal(null);
    });

    it('a published privileged port on a user-defined bridge network', () => {
      const c = byName('published');
      expect(c.HostConfig.NetworkMode).to.equal('rampart-net');
      expect(c.HostConfig.PortBindings).to.deep.equal({ '80/tcp': [{ HostIp: '', HostPort: String(port) }] });
      expect(c.State.Running).to.equal(true);
      const ports = c.NetworkSettings.Ports as Record<string, { HostPort: string }[]>;
      expect(ports['80/tcp']?.map((p) => p.HostPort)).to.include(String(port));
    });

    it('added capabilities and privileged mode (created only)', () => {
      expect(byName('cap-added').HostConfig.CapAdd).to.deep.equal(['NET_ADMIN', 'SYS_ADMIN']);
      expect(byName('privileged').HostConfig.Privileged).to.equal(true);
      expect(byName('privileged').State.Status).to.equal('created');
    });

    it('seccomp unconfined', () => {
      expect(byName('unconfined').HostConfig.SecurityOpt).to.deep.equal(['seccomp=unconfined']);
    });

    it('restart policies', () => {
      expect(byName('restart-on-failure').HostConfig.RestartPolicy).to.deep.equal({
        Name: 'on-failure',
        MaximumRetryCount: 5,
      });
      expect(byName('restart-always').HostConfig.RestartPolicy).to.include({ Name: 'always' });
      expect((byName('defaults').HostConfig.RestartPolicy as { Name: string }).Name).to.be.oneOf(['', 'no']);
    });

    it('health check', () => {
      expect((byName('healthy').Config.Healthcheck as { Test: string[] }).Test).to.deep.equal([
        'CMD',
        'true',
      ]);
      expect(byName('defaults').Config.Healthcheck).to.equal(undefined);
    });

    it('custom cgroup parent and devices', () => {
      expect(byName('cgroup-parent').HostConfig.CgroupParent).to.equal('/rampart-custom');
      expect(byName('with-device').HostConfig.Devices).to.deep.equal([
        { PathOnHost: '/dev/null', PathInContainer: '/dev/xnull', CgroupPermissions: 'rwm' },
      ]);
    });

    it('stopped containers have Processes null', () => {
      expect(byName('never-started').State.Status).to.equal('created');
      expect(byName('exited').State.Status).to.equal('exited');
      expect(byName('exited').Processes).to.equal(null);
    });

    it('--running-only narrows to running containers', async () => {
      const data = (await allDockerCollectors
        .find((c) => c.id === 'docker.containers')
        ?.collect(ctxFor(engine as PrivateDockerd, { runningOnly: true }), {})) as unknown as Doc[];
      const expected = containers.filter((c) => c.State.Running).map((c) => c.Name);
      expect(data.map((c) => c.Name).sort()).to.deep.equal(expected.sort());
      expect(data.map((c) => c.Name)).not.to.include('never-started');
    });
  });

  describe('docker.images', () => {
    it('inspects each image with its history and a name', () => {
      const images = outcome.facts['docker.images'] as unknown as (Record<string, JsonValue> & {
        Name: string;
        History: Record<string, JsonValue>[];
        Config: { Env: string[] };
      })[];
      expect(images).to.have.length(2);
      const tagged = images.find((i) => i.Name === IMAGE);
      expect(tagged?.Config.Env).to.include('IMAGE_TOKEN=<redacted>');
      expect(tagged?.History.length).to.be.greaterThan(0);
      expect(tagged?.History[0]).to.include.keys('Id', 'Created', 'CreatedBy', 'Tags', 'Size', 'Comment');
      const untagged = images.find((i) => i.Name !== IMAGE);
      expect(untagged?.Name).to.match(/^[0-9a-f]{12}$/);
      expect(String(untagged?.Id)).to.contain(untagged?.Name);
    });
  });

  describe('docker.networks', () => {
    it('inspects every network, with the containers attached', () => {
      const networks = outcome.facts['docker.networks'] as unknown as {
        Name: string;
        Driver: string;
        Containers: Record<string, { Name: string }>;
      }[];
      expect(networks.map((n) => n.Name).sort()).to.include.members(['host', 'none', 'rampart-net']);
      const net = networks.find((n) => n.Name === 'rampart-net');
      expect(net?.Driver).to.equal('bridge');
      expect(Object.values(net?.Containers ?? {}).map((c) => c.Name)).to.include('published');
    });
  });

  describe('host collectors on the engine host', () => {
    it('host.daemon finds this engine among the dockerd processes and merges flags with daemon.json', () => {
      const d = outcome.facts['host.daemon'] as Record<string, JsonValue> & {
        flags: Record<string, JsonValue>;
        effective: Record<string, JsonValue>;
        sources: Record<string, string>;
        configFile: Record<string, JsonValue>;
      };
      expect(d.running).to.equal(true);
      expect(d.pid).to.equal(engine?.pid);
      expect((d.cmdline as string[])[0]).to.match(/(^|\/)dockerd$/);
      expect((d.cmdline as string[]).slice(1)).to.deep.equal(engine?.args);
      expect(d.flags).to.deep.include({
        'ip-forward': false,
        experimental: true,
        iptables: false,
        'log-level': 'warn',
        'config-file': engine?.configFile,
        host: [engine?.address],
        'default-ulimit': ['nofile=1024:2048'],
      });
      expect(d.configFile).to.deep.include({ path: engine?.configFile, exists: true });
      expect(d.effective).to.deep.include({
        'ip-forward': false,
        experimental: true,
        iptables: false,
        'live-restore': true,
        'userland-proxy': true,
        'data-root': engine?.dataRoot,
        hosts: [engine?.address],
        labels: ['rampart=test'],
        'default-ulimits': { nofile: { Name: 'nofile', Soft: 1024, Hard: 2048 } },
      });
      expect(d.sources).to.deep.include({
        'ip-forward': 'flag',
        'live-restore': 'daemon.json',
        labels: 'daemon.json',
      });
    });

    it('host.files reports the engine socket and daemon.json with modes and owners', () => {
      const files = outcome.facts['host.files'] as unknown as Record<string, JsonValue>[];
      const sock = files.find((f) => f.role === 'docker.sock');
      expect(sock).to.include({ path: engine?.socket, exists: true, type: 'socket', uid: 0, user: 'root' });
      expect(sock?.mode).to.match(/^0[0-7]{3}$/);
      const cfg = files.find((f) => f.role === 'daemon.json');
      expect(cfg).to.include({ path: engine?.configFile, exists: true, type: 'file', owner: 'root:root' });
    });

    it('host.mounts locates the data root in the real mount table', () => {
      const m = outcome.facts['host.mounts'] as Record<string, JsonValue> & {
        mounts: { mountPoint: string }[];
      };
      expect(m.dataRoot).to.equal(engine?.dataRoot);
      expect(m.mountPoint).to.be.a('string');
      expect((engine?.dataRoot ?? '').startsWith(String(m.mountPoint))).to.equal(true);
      expect(m.dataRootIsMountPoint).to.equal(m.mounts.some((x) => x.mountPoint === engine?.dataRoot));
    });

    it('host.audit, host.users and host.env have their documented shape', () => {
      expect(outcome.facts['host.audit']).to.include.keys('rules', 'files', 'auditctl');
      expect(outcome.facts['host.users']).to.have.nested.property('dockerGroup.exists').that.is.a('boolean');
      expect(outcome.facts['host.env']).to.include.keys('DOCKER_CONTENT_TRUST', 'source');
    });
  });

  describe('docker.swarm', () => {
    // the manager case runs in readonly.test.ts: swarm mode is incompatible with this engine's live-restore
    it('is inactive with no swarm or nodes on a standalone engine', () => {
      expect(outcome.facts['docker.swarm']).to.deep.equal({
        state: 'inactive',
        controlAvailable: false,
        swarm: null,
        nodes: null,
      });
    });
  });
});
