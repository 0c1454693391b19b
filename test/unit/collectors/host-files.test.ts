import { expect } from 'chai';
import net from 'node:net';
import path from 'node:path';
import {
  BINARY_ROLES,
  hostFilesCollector,
  plannedFiles,
  processExecutable,
  statFile,
  unixSockets,
} from '../../../src/collectors/host/files.js';
import { HostFs, modeString, parseAccounts, readAccounts } from '../../../src/collectors/host/hostfs.js';
import { CollectorUnavailable, type CollectContext } from '../../../src/collectors/types.js';
import type { JsonValue } from '../../../src/core/types.js';
import { canChown, makeHostRoot, type HostRootFixture } from '../../support/hostroot.js';

const uid = process.getuid?.() ?? 0;
const gid = process.getgid?.() ?? 0;

function ctx(hostRoot: string | undefined): CollectContext {
  return { hostRoot, runningOnly: false, concurrency: 4, log: () => undefined };
}

describe('host file facts', () => {
  let fx: HostRootFixture;
  let server: net.Server | undefined;

  before(async () => {
    const passwd = [
      'root:x:0:0:root:/root:/bin/bash',
      `me:x:${uid}:${gid}::/home/me:/bin/sh`,
      'alice:x:1234:2345::/home/alice:/bin/sh',
    ].join('\n');
    const group = ['root:x:0:', `mine:x:${gid}:`, 'staff:x:2345:bob', 'docker:x:999:alice,carol'].join('\n');
    fx = await makeHostRoot({
      '/etc/passwd': { content: passwd, mode: 0o644 },
      '/etc/group': { content: group, mode: 0o644 },
      '/etc/docker': { dir: true, mode: 0o755 },
      '/etc/docker/daemon.json': { content: '{}', mode: 0o600, uid: 1234, gid: 2345 },
      '/etc/docker/certs.d/reg.local:5000/ca.crt': { content: 'cert', mode: 0o444 },
      '/etc/docker/certs.d/reg.local:5000/client.key': { content: 'key', mode: 0o400 },
      '/etc/docker/tls/server-key.pem': { content: 'k', mode: 0o400 },
      '/etc/docker/tls/ca.pem': { content: 'ca', mode: 0o4755 },
      '/lib/systemd/system/docker.service': { content: '[Unit]', mode: 0o644 },
      '/etc/systemd/system/docker.socket': { symlink: '/lib/systemd/system/docker.socket.real' },
      '/lib/systemd/system/docker.socket.real': { content: '[Socket]', mode: 0o640 },
      '/run': { dir: true, mode: 0o755 },
      '/var/run': { symlink: '../run' },
      '/etc/default/docker': { symlink: '/nowhere/docker' },
    });
    server = net.createServer();
    await new Promise<void>((resolve) => server?.listen(path.join(fx.root, 'run/docker.sock'), resolve));
  });

  after(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await fx.remove();
  });

  it('formats permission bits as 4-digit octal', () => {
    expect(modeString(0o100644)).to.equal('0644');
    expect(modeString(0o40755)).to.equal('0755');
    expect(modeString(0o104755)).to.equal('4755');
    expect(modeString(0o140660)).to.equal('0660');
  });

  it('parses passwd and group, including primary groups', () => {
    const a = parseAccounts(
      'u1:x:1000:1000::/h:/s\n# comment\nbad line\n',
      'g1:x:1000:\ndocker:x:999:u1,u2\n',
    );
    expect(a.users.get(1000)).to.equal('u1');
    expect(a.primaryGid.get('u1')).to.equal(1000);
    expect(a.groups.get(999)).to.deep.equal({ name: 'docker', members: ['u1', 'u2'] });
  });

  it('reports type, mode and owner resolved through the host root accounts', async () => {
    const hostFs = new HostFs(fx.root);
    const accounts = await readAccounts(hostFs);
    const daemonJson = await statFile(hostFs, accounts, 'daemon.json', '/etc/docker/daemon.json');
    expect(daemonJson).to.include({ role: 'daemon.json', exists: true, type: 'file', mode: '0600' });
    if (canChown) {
      expect(daemonJson).to.include({
        uid: 1234,
        gid: 2345,
        user: 'alice',
        group: 'staff',
        owner: 'alice:staff',
      });
    }
    const dir = await statFile(hostFs, accounts, 'etc-docker', '/etc/docker');
    expect(dir).to.include({ type: 'directory', mode: '0755', uid, gid, user: uid === 0 ? 'root' : 'me' });
    const ca = await statFile(hostFs, accounts, 'tls-ca', '/etc/docker/tls/ca.pem');
    expect(ca.mode).to.equal('4755');
  });

  it('uses numeric strings for ids the host does not know', async () => {
    const hostFs = new HostFs(fx.root);
    const accounts = parseAccounts('', '');
    const f = await statFile(hostFs, accounts, 'x', '/etc/passwd');
    expect(f.user).to.equal(String(f.uid));
    expect(f.group).to.equal(String(f.gid));
    expect(f.owner).to.equal(`${f.uid}:${f.gid}`);
  });

  it('reports a missing file with exists:false and no mode', async () => {
    const hostFs = new HostFs(fx.root);
    const f = await statFile(
      hostFs,
      await readAccounts(hostFs),
      'etc-sysconfig-docker',
      '/etc/sysconfig/docker',
    );
    expect(f).to.deep.equal({ role: 'etc-sysconfig-docker', path: '/etc/sysconfig/docker', exists: false });
  });

  it('follows symbolic links inside the host root, never the scanner root', async () => {
    const hostFs = new HostFs(fx.root);
    expect(await hostFs.resolve('/var/run/docker.sock')).to.equal('/run/docker.sock');
    const sock = await statFile(hostFs, await readAccounts(hostFs), 'docker.sock', '/var/run/docker.sock');
    expect(sock).to.include({ exists: true, type: 'socket' });
    const unit = await statFile(
      hostFs,
      await readAccounts(hostFs),
      'docker.socket',
      '/etc/systemd/system/docker.socket',
    );
    expect(unit).to.include({
      type: 'file',
      mode: '0640',
      linkTarget: '/lib/systemd/system/docker.socket.real',
    });
    // a link to an absolute path that exists on the scanner (/etc) but not in the host root stays missing
    const dangling = await statFile(
      hostFs,
      await readAccounts(hostFs),
      'etc-default-docker',
      '/etc/default/docker',
    );
    expect(dangling).to.include({ exists: true, type: 'symlink', linkTarget: '/nowhere/docker' });
  });

  it('keeps .. from climbing above the host root', async () => {
    const hostFs = new HostFs(fx.root);
    expect(await hostFs.resolve('/../../../etc/passwd')).to.equal('/etc/passwd');
    expect(hostFs.raw('/../etc/passwd')).to.equal(path.join(fx.root, 'etc/passwd'));
  });

  it('derives the docker socket paths from the effective hosts', () => {
    expect(unixSockets({})).to.deep.equal(['/var/run/docker.sock']);
    expect(unixSockets({ hosts: ['fd://'] })).to.deep.equal(['/var/run/docker.sock']);
    expect(unixSockets({ hosts: ['unix:///tmp/d.sock', 'tcp://0.0.0.0:2376'] })).to.deep.equal([
      '/tmp/d.sock',
    ]);
    expect(unixSockets({ hosts: ['tcp://0.0.0.0:2376'] })).to.deep.equal([]);
  });

  it('plans every documented role, TLS paths from the daemon', async () => {
    const planned = await plannedFiles(new HostFs(fx.root), {
      configFile: { path: '/etc/docker/daemon.json' },
      effective: {
        tlsverify: true,
        tlscacert: '/etc/docker/tls/ca.pem',
        tlskey: '/etc/docker/tls/server-key.pem',
      },
    });
    const roles = planned.map((p) => `${p.role} ${p.path}`);
    expect(roles).to.include.members([
      'docker.service /lib/systemd/system/docker.service',
      'docker.socket /etc/systemd/system/docker.socket',
      'etc-docker /etc/docker',
      'registry-cert /etc/docker/certs.d/reg.local:5000/ca.crt',
      'registry-cert /etc/docker/certs.d/reg.local:5000/client.key',
      'tls-ca /etc/docker/tls/ca.pem',
      'tls-cert /root/.docker/cert.pem',
      'tls-key /etc/docker/tls/server-key.pem',
      'docker.sock /var/run/docker.sock',
      'daemon.json /etc/docker/daemon.json',
      'etc-default-docker /etc/default/docker',
      'etc-sysconfig-docker /etc/sysconfig/docker',
      'containerd.sock /run/containerd/containerd.sock',
      'containerd-config /etc/containerd/config.toml',
    ]);
    const noTls = await plannedFiles(new HostFs(fx.root), { effective: {} });
    expect(noTls.some((p) => p.role.startsWith('tls-'))).to.equal(false);
  });

  it('collects through the collector with host.daemon facts', async () => {
    const data = (await hostFilesCollector.collect(ctx(fx.root), {
      'host.daemon': { configFile: { path: '/etc/docker/daemon.json' }, effective: {} },
    })) as { role: string; exists: boolean; searched?: string[] }[];
    const byRole = new Map(data.map((d) => [d.role, d]));
    expect(byRole.get('daemon.json')).to.include({ exists: true, mode: '0600' });
    expect(byRole.get('docker.sock')).to.include({ exists: true, type: 'socket' });
    expect(byRole.get('containerd-config')).to.include({ exists: false });
    expect(hostFilesCollector.dependsOn).to.deep.equal(['docker.engine', 'host.daemon']);
  });

  it('is unavailable without a host root', async () => {
    let caught: unknown;
    try {
      await hostFilesCollector.collect(ctx(undefined), {});
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(CollectorUnavailable);
    expect((caught as Error).message).to.equal(
      'engine is remote; run Rampart on the engine host or pass --host-root',
    );
  });
});

describe('host file facts: engine binaries and data directories', () => {
  let fx: HostRootFixture;
  const DOCKERD_PID = 4242;
  type Fact = {
    role: string;
    path: string;
    exists: boolean | null;
    type?: string;
    mode?: string;
    searched?: string[];
  };

  before(async () => {
    fx = await makeHostRoot({
      '/etc/passwd': { content: 'root:x:0:0:root:/root:/bin/bash\n', mode: 0o644 },
      '/etc/group': { content: 'root:x:0:\n', mode: 0o644 },
      // Debian docker.io layout: dockerd and runc in /usr/sbin, containerd in /usr/bin ...
      '/usr/sbin/dockerd': { content: 'ELF', mode: 0o755 },
      '/usr/sbin/runc': { content: 'ELF', mode: 0o755 },
      '/usr/bin/containerd': { content: 'ELF', mode: 0o755 },
      '/usr/bin/containerd-shim-runc-v2': { content: 'ELF', mode: 0o755 },
      // ... a stale static copy in /usr/local/bin that is not the running one, and a v1 shim only there
      '/usr/local/bin/dockerd': { content: 'ELF', mode: 0o755 },
      '/usr/local/bin/containerd-shim-runc-v1': { content: 'ELF', mode: 0o700 },
      '/run/containerd': { dir: true, mode: 0o711 },
      '/srv/docker-data': { dir: true, mode: 0o710 },
      '/var/lib/docker': { dir: true, mode: 0o711 },
      [`/proc/${DOCKERD_PID}/cmdline`]: { content: '/usr/sbin/dockerd\0-H\0fd://\0' },
      // as the kernel shows a binary replaced on disk since the daemon started
      [`/proc/${DOCKERD_PID}/exe`]: { symlink: '/usr/sbin/dockerd (deleted)' },
      '/proc/77/exe': { symlink: '/opt/docker/bin/dockerd' },
    });
  });

  after(() => fx.remove());

  async function collect(facts: Record<string, JsonValue>): Promise<Map<string, Fact>> {
    const data = (await hostFilesCollector.collect(ctx(fx.root), facts)) as unknown as Fact[];
    return new Map(
      data.filter((d) => d.role.endsWith('-binary') || !d.role.includes('.')).map((d) => [d.role, d]),
    );
  }

  it('reads the running executable from /proc/<pid>/exe inside the host root', async () => {
    const hostFs = new HostFs(fx.root);
    expect(await processExecutable(hostFs, DOCKERD_PID)).to.equal('/usr/sbin/dockerd');
    expect(await processExecutable(hostFs, 77)).to.equal('/opt/docker/bin/dockerd');
    expect(await processExecutable(hostFs, 99999)).to.equal(undefined);
  });

  it('takes dockerd from the running daemon and the other binaries from the first conventional directory', async () => {
    const byRole = await collect({
      'docker.engine': { info: { DockerRootDir: '/srv/docker-data' } },
      'host.daemon': { pid: DOCKERD_PID, effective: {} },
    });
    expect(byRole.get('dockerd-binary')).to.include({
      path: '/usr/sbin/dockerd',
      exists: true,
      type: 'file',
      mode: '0755',
    });
    expect(byRole.get('containerd-binary')).to.include({ path: '/usr/bin/containerd', exists: true });
    expect(byRole.get('containerd-shim-runc-v1-binary')).to.include({
      path: '/usr/local/bin/containerd-shim-runc-v1',
      exists: true,
      mode: '0700',
    });
    expect(byRole.get('containerd-shim-runc-v2-binary')).to.include({
      path: '/usr/bin/containerd-shim-runc-v2',
      exists: true,
    });
    expect(byRole.get('runc-binary')).to.include({ path: '/usr/sbin/runc', exists: true, type: 'file' });
    expect(byRole.get('containerd-shim-binary')).to.deep.equal({
      role: 'containerd-shim-binary',
      path: '/usr/bin/containerd-shim',
      exists: false,
      searched: ['/usr/bin/containerd-shim', '/usr/sbin/containerd-shim', '/usr/local/bin/containerd-shim'],
    });
    expect(byRole.get('run-containerd')).to.include({
      path: '/run/containerd',
      type: 'directory',
      mode: '0711',
    });
    expect(byRole.get('var-lib-docker')).to.include({
      path: '/srv/docker-data',
      exists: true,
      type: 'directory',
      mode: '0710',
    });
    for (const [role] of BINARY_ROLES) expect(byRole.has(role), role).to.equal(true);
  });

  it('reports a running dockerd outside the conventional directories where it runs from', async () => {
    const byRole = await collect({ 'host.daemon': { pid: 77, effective: {} } });
    // the file itself is not in this host root: it is reported missing, at the path the process names
    expect(byRole.get('dockerd-binary')).to.deep.equal({
      role: 'dockerd-binary',
      path: '/opt/docker/bin/dockerd',
      exists: false,
    });
  });

  it('searches /usr/bin, /usr/sbin, /usr/local/bin when the daemon pid is unknown or its exe unreadable', async () => {
    for (const daemon of [
      { pid: null, effective: {} },
      { pid: 99999, effective: {} },
    ]) {
      const byRole = await collect({ 'host.daemon': daemon });
      expect(byRole.get('dockerd-binary'), JSON.stringify(daemon)).to.include({
        path: '/usr/sbin/dockerd',
        exists: true,
      });
    }
  });

  it('takes the data root from the daemon when the engine does not say, else /var/lib/docker', async () => {
    const fromDaemon = await collect({ 'host.daemon': { effective: { 'data-root': '/srv/docker-data/' } } });
    expect(fromDaemon.get('var-lib-docker')).to.include({ path: '/srv/docker-data', exists: true });
    const byDefault = await collect({ 'host.daemon': { effective: {} } });
    expect(byDefault.get('var-lib-docker')).to.include({
      path: '/var/lib/docker',
      exists: true,
      mode: '0711',
    });
  });

  it('reports missing binaries and directories with exists:false and what was searched', async () => {
    const empty = await makeHostRoot({ '/etc': { dir: true } });
    try {
      const data = (await hostFilesCollector.collect(ctx(empty.root), {
        'host.daemon': { pid: null, effective: {} },
      })) as unknown as Fact[];
      const byRole = new Map(data.map((d) => [d.role, d]));
      for (const [role, name] of BINARY_ROLES) {
        expect(byRole.get(role), role).to.deep.equal({
          role,
          path: `/usr/bin/${name}`,
          exists: false,
          searched: [`/usr/bin/${name}`, `/usr/sbin/${name}`, `/usr/local/bin/${name}`],
        });
      }
      expect(byRole.get('run-containerd')).to.deep.equal({
        role: 'run-containerd',
        path: '/run/containerd',
        exists: false,
      });
      expect(byRole.get('var-lib-docker')).to.deep.equal({
        role: 'var-lib-docker',
        path: '/var/lib/docker',
        exists: false,
      });
    } finally {
      await empty.remove();
    }
  });
});
