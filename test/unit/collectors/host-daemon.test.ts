import { expect } from 'chai';
import {
  collectDaemon,
  daemonServes,
  findDockerdProcesses,
  hostDaemonCollector,
  readDaemonConfig,
  redactUrlCredentials,
} from '../../../src/collectors/host/daemon.js';
import { HostFs } from '../../../src/collectors/host/hostfs.js';
import { CollectorUnavailable, type CollectContext } from '../../../src/collectors/types.js';
import { makeHostRoot, type FixtureEntry, type HostRootFixture } from '../../support/hostroot.js';

function cmdline(...argv: string[]): FixtureEntry {
  return { content: argv.join('\0') + '\0' };
}

function ctx(hostRoot: string | undefined, dockerAddress?: string): CollectContext {
  return { hostRoot, dockerAddress, runningOnly: false, concurrency: 4, log: () => undefined };
}

describe('host.daemon', () => {
  const fixtures: HostRootFixture[] = [];
  after(async () => {
    await Promise.all(fixtures.map((f) => f.remove()));
  });
  async function fixture(entries: Record<string, FixtureEntry>): Promise<HostFs> {
    const fx = await makeHostRoot(entries);
    fixtures.push(fx);
    return new HostFs(fx.root);
  }

  it('finds dockerd by the basename of argv[0] and ignores other processes', async () => {
    const hostFs = await fixture({
      '/proc/1/cmdline': cmdline('/sbin/init'),
      '/proc/77/cmdline': cmdline('/usr/bin/containerd'),
      '/proc/88/cmdline': cmdline('/usr/bin/dockerd', '-H', 'fd://'),
      '/proc/99/cmdline': cmdline('/usr/local/bin/dockerd-rootless.sh'),
      '/proc/100/cmdline': { content: '' },
      '/proc/self': { symlink: '100' },
      '/proc/meminfo': { content: 'x' },
    });
    const found = await findDockerdProcesses(hostFs);
    expect(found).to.deep.equal([{ pid: 88, cmdline: ['/usr/bin/dockerd', '-H', 'fd://'] }]);
  });

  it('reports flags, daemon.json, effective configuration and sources', async () => {
    const hostFs = await fixture({
      '/proc/1/cmdline': cmdline('/sbin/init'),
      '/proc/4242/cmdline': cmdline(
        '/usr/bin/dockerd',
        '-H',
        'fd://',
        '--containerd=/run/containerd/containerd.sock',
        '--icc=false',
        '--config-file',
        '/etc/docker/custom.json',
        '--https-proxy=http://user:s3cret@proxy:3128',
      ),
      '/etc/docker/custom.json': {
        content: JSON.stringify({
          'live-restore': true,
          'log-level': 'info',
          'insecure-registries': ['r:5000'],
        }),
      },
      '/etc/docker/daemon.json': { content: '{"ignored": true}' },
    });
    const fact = await collectDaemon(hostFs, 'unix:///var/run/docker.sock');
    expect(fact.running).to.equal(true);
    expect(fact.pid).to.equal(4242);
    expect(fact.cmdline).to.deep.equal([
      '/usr/bin/dockerd',
      '-H',
      'fd://',
      '--containerd=/run/containerd/containerd.sock',
      '--icc=false',
      '--config-file',
      '/etc/docker/custom.json',
      '--https-proxy=http://<redacted>@proxy:3128',
    ]);
    expect(fact.flags).to.deep.equal({
      host: ['fd://'],
      containerd: '/run/containerd/containerd.sock',
      icc: false,
      'config-file': '/etc/docker/custom.json',
      'https-proxy': 'http://<redacted>@proxy:3128',
    });
    expect(fact.configFile).to.deep.equal({
      path: '/etc/docker/custom.json',
      exists: true,
      content: { 'live-restore': true, 'log-level': 'info', 'insecure-registries': ['r:5000'] },
    });
    expect(fact.effective).to.deep.equal({
      'live-restore': true,
      'log-level': 'info',
      'insecure-registries': ['r:5000'],
      hosts: ['fd://'],
      containerd: '/run/containerd/containerd.sock',
      icc: false,
      proxies: { 'https-proxy': 'http://<redacted>@proxy:3128' },
    });
    expect(fact.sources).to.deep.equal({
      'live-restore': 'daemon.json',
      'log-level': 'daemon.json',
      'insecure-registries': 'daemon.json',
      hosts: 'flag',
      containerd: 'flag',
      icc: 'flag',
      proxies: 'flag',
    });
    expect(JSON.stringify(fact)).not.to.contain('s3cret');
  });

  it('without a running dockerd, reports running:false and daemon.json alone', async () => {
    const hostFs = await fixture({
      '/proc/1/cmdline': cmdline('/sbin/init'),
      '/etc/docker/daemon.json': { content: '{"icc": false, "userns-remap": "default"}' },
    });
    const fact = await collectDaemon(hostFs);
    expect(fact).to.deep.include({ running: false, pid: null, cmdline: [], flags: {} });
    expect(fact.effective).to.deep.equal({ icc: false, 'userns-remap': 'default' });
    expect(fact.sources).to.deep.equal({ icc: 'daemon.json', 'userns-remap': 'daemon.json' });
  });

  it('says running:null, not false, when the host root shows no processes at all', async () => {
    const hostFs = await fixture({ '/etc/docker/daemon.json': { content: '{"icc": false}' } });
    const fact = await collectDaemon(hostFs);
    expect(fact.running).to.equal(null);
    expect(fact.error).to.match(/no processes visible under .*\/proc: mount the host's \/proc there/);
    expect(fact.effective).to.deep.equal({ icc: false });
  });

  it('reports an invalid or missing daemon.json without failing', async () => {
    const hostFs = await fixture({
      '/etc/docker/daemon.json': { content: '{"icc": false,' },
      '/etc/docker/array.json': { content: '[1]' },
      '/etc/docker/empty.json': { content: '  \n' },
    });
    const bad = await readDaemonConfig(hostFs, '/etc/docker/daemon.json');
    expect(bad).to.include({ exists: true, content: null });
    expect(bad.error).to.match(/^invalid JSON: /);
    expect((await readDaemonConfig(hostFs, '/etc/docker/array.json')).error).to.match(/not a JSON object/);
    expect(await readDaemonConfig(hostFs, '/etc/docker/empty.json')).to.deep.equal({
      path: '/etc/docker/empty.json',
      exists: true,
      content: {},
    });
    expect(await readDaemonConfig(hostFs, '/etc/docker/none.json')).to.deep.equal({
      path: '/etc/docker/none.json',
      exists: false,
      content: null,
    });
  });

  it('picks, among several dockerd processes, the one serving the engine address', async () => {
    const hostFs = await fixture({
      '/proc/10/cmdline': cmdline('dockerd', '-H', 'fd://'),
      '/proc/20/cmdline': cmdline('dockerd', '--host', 'unix:///tmp/private/docker.sock', '--live-restore'),
      '/proc/30/cmdline': cmdline('dockerd', '-H', 'tcp://0.0.0.0:2376', '--tlsverify'),
    });
    expect((await collectDaemon(hostFs, 'unix:///tmp/private/docker.sock')).pid).to.equal(20);
    expect((await collectDaemon(hostFs, 'unix:///run/docker.sock')).pid).to.equal(10);
    expect((await collectDaemon(hostFs, 'tcp://engine.example:2376')).pid).to.equal(30);
    const fallback = await collectDaemon(hostFs, 'ssh://me@elsewhere');
    expect(fallback.pid).to.equal(10);
    expect(fallback.otherPids).to.deep.equal([20, 30]);
  });

  it('matches listen addresses', () => {
    expect(daemonServes(['fd://'], 'unix:///var/run/docker.sock')).to.equal(true);
    expect(daemonServes(['unix:///run/docker.sock'], 'unix:///var/run/docker.sock')).to.equal(true);
    expect(daemonServes(['tcp://0.0.0.0:2376'], 'tcp://h:2376')).to.equal(true);
    expect(daemonServes(['tcp://10.0.0.1:2376'], 'tcp://h:2376')).to.equal(false);
    expect(daemonServes(['unix:///a.sock'], undefined)).to.equal(false);
  });

  it('redacts credentials in URLs', () => {
    expect(redactUrlCredentials('http://u:p@proxy:3128')).to.equal('http://<redacted>@proxy:3128');
    expect(redactUrlCredentials('http://proxy:3128')).to.equal('http://proxy:3128');
  });

  it('is unavailable without a host root', async () => {
    let caught: unknown;
    try {
      await hostDaemonCollector.collect(ctx(undefined), {});
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(CollectorUnavailable);
  });
});
