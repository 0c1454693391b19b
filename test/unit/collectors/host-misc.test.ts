import { expect } from 'chai';
import { hostAuditCollector, parseAuditRules, readAuditFiles } from '../../../src/collectors/host/audit.js';
import { contentTrust, environmentValue, hostEnvCollector } from '../../../src/collectors/host/env.js';
import { HostFs, parseAccounts } from '../../../src/collectors/host/hostfs.js';
import {
  dataRootOf,
  hostMountsCollector,
  locateMount,
  parseMountinfo,
  unescapeMountField,
} from '../../../src/collectors/host/mounts.js';
import { dockerGroupFact, hostUsersCollector } from '../../../src/collectors/host/users.js';
import { CollectorUnavailable, type CollectContext } from '../../../src/collectors/types.js';
import { makeHostRoot, type FixtureEntry, type HostRootFixture } from '../../support/hostroot.js';

function ctx(hostRoot: string | undefined): CollectContext {
  return { hostRoot, runningOnly: false, concurrency: 4, log: () => undefined };
}

const MOUNTINFO = [
  '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda1 rw',
  '23 22 0:21 / /proc rw,nosuid - proc proc rw',
  '24 22 254:1 / /var rw,relatime shared:2 - ext4 /dev/vda2 rw',
  '25 24 253:0 / /var/lib/docker rw,relatime shared:3 master:1 - xfs /dev/mapper/vg0-docker rw',
  '26 22 254:3 / /mnt/my\\040data rw - ext4 /dev/disk\\040one rw',
  '27 25 0:50 / /var/lib/docker/overlay2/abc/merged rw - overlay overlay rw,lowerdir=x',
  'garbage line',
].join('\n');

describe('host.mounts', () => {
  it('parses mountinfo, optional fields and octal escapes', () => {
    const mounts = parseMountinfo(MOUNTINFO);
    expect(mounts).to.have.length(6);
    expect(mounts[0]).to.deep.equal({ mountPoint: '/', source: '/dev/vda1', fsType: 'ext4' });
    expect(mounts[3]).to.deep.equal({
      mountPoint: '/var/lib/docker',
      source: '/dev/mapper/vg0-docker',
      fsType: 'xfs',
    });
    expect(mounts[4]).to.deep.equal({ mountPoint: '/mnt/my data', source: '/dev/disk one', fsType: 'ext4' });
    expect(unescapeMountField('a\\011b\\012c\\134d')).to.equal('a\tb\nc\\d');
  });

  it('finds the longest mount containing the data root', () => {
    const mounts = parseMountinfo(MOUNTINFO);
    expect(locateMount(mounts, '/var/lib/docker')).to.deep.equal({
      mountPoint: '/var/lib/docker',
      isMountPoint: true,
    });
    expect(locateMount(mounts, '/var/lib/docker/')).to.deep.equal({
      mountPoint: '/var/lib/docker',
      isMountPoint: true,
    });
    expect(locateMount(mounts, '/var/lib/dockerx')).to.deep.equal({
      mountPoint: '/var',
      isMountPoint: false,
    });
    expect(locateMount(mounts, '/srv/docker')).to.deep.equal({ mountPoint: '/', isMountPoint: false });
    expect(locateMount(mounts, '/mnt/my data/docker')).to.deep.equal({
      mountPoint: '/mnt/my data',
      isMountPoint: false,
    });
    expect(locateMount([], '/x')).to.deep.equal({ mountPoint: null, isMountPoint: false });
  });

  it('takes the data root from the engine, then the daemon, then the default', () => {
    expect(
      dataRootOf({ info: { DockerRootDir: '/data/docker' } }, { effective: { 'data-root': '/x' } }),
    ).to.equal('/data/docker');
    expect(dataRootOf(undefined, { effective: { 'data-root': '/x' } })).to.equal('/x');
    expect(dataRootOf(undefined, undefined)).to.equal('/var/lib/docker');
  });

  describe('collector', () => {
    let fx: HostRootFixture;
    before(async () => {
      fx = await makeHostRoot({
        '/proc/1/mountinfo': { content: MOUNTINFO },
        '/var/lib': { dir: true },
        '/srv/docker': { dir: true },
        '/var/lib/docker': { symlink: '/srv/docker' },
      });
    });
    after(() => fx.remove());

    it('reports whether the data root is its own mount point', async () => {
      const fact = (await hostMountsCollector.collect(ctx(fx.root), {
        'docker.engine': { info: { DockerRootDir: '/var/lib/docker/' } },
        'host.daemon': { effective: {} },
      })) as Record<string, unknown>;
      // /var/lib/docker is a link to /srv/docker in this host root, which lives on /
      expect(fact).to.deep.include({
        dataRoot: '/var/lib/docker/',
        dataRootIsMountPoint: false,
        mountPoint: '/',
        dataRootResolved: '/srv/docker',
        source: '/proc/1/mountinfo',
      });
      expect(fact.mounts).to.have.length(6);
    });

    it('declares its dependencies and needs a host root', async () => {
      expect(hostMountsCollector.dependsOn).to.deep.equal(['docker.engine', 'host.daemon']);
      let caught: unknown;
      await hostMountsCollector.collect(ctx(undefined), {}).catch((e: unknown) => (caught = e));
      expect(caught).to.be.instanceOf(CollectorUnavailable);
    });
  });

  describe('fallback to /proc/self/mountinfo', () => {
    let fx: HostRootFixture;
    before(async () => {
      fx = await makeHostRoot({
        '/proc/self/mountinfo': { content: '1 0 8:1 / /var/lib/docker rw - ext4 /dev/sdb rw' },
      });
    });
    after(() => fx.remove());
    it('is used when pid 1 is not visible', async () => {
      const fact = (await hostMountsCollector.collect(ctx(fx.root), {})) as Record<string, unknown>;
      expect(fact).to.deep.include({
        source: '/proc/self/mountinfo',
        dataRoot: '/var/lib/docker',
        dataRootIsMountPoint: true,
      });
    });
  });
});

describe('host.audit', () => {
  let fx: HostRootFixture;
  before(async () => {
    fx = await makeHostRoot({
      '/etc/audit/audit.rules': { content: '## generated\n-D\n-b 8192\n\n-w /usr/bin/dockerd  -k docker\n' },
      '/etc/audit/rules.d/20-docker.rules': { content: '# docker\n-w /var/lib/docker -p wa -k docker\n' },
      '/etc/audit/rules.d/10-base.rules': { content: '-w /etc/docker -k docker\n' },
      '/etc/audit/rules.d/README': { content: '-w /not/a/rule/file' },
    });
  });
  after(() => fx.remove());

  it('drops comments and blank lines and collapses whitespace', () => {
    expect(parseAuditRules('# c\n\n  -w  /x   -k y \n')).to.deep.equal(['-w /x -k y']);
  });

  it('reads audit.rules then rules.d/*.rules in name order', async () => {
    const files = await readAuditFiles(new HostFs(fx.root));
    expect(files.files).to.deep.equal([
      '/etc/audit/audit.rules',
      '/etc/audit/rules.d/10-base.rules',
      '/etc/audit/rules.d/20-docker.rules',
    ]);
    expect(files.rules).to.deep.equal([
      '-D',
      '-b 8192',
      '-w /usr/bin/dockerd -k docker',
      '-w /etc/docker -k docker',
      '-w /var/lib/docker -p wa -k docker',
    ]);
  });

  it('does not run auditctl for a host root other than /', async () => {
    const fact = (await hostAuditCollector.collect(ctx(fx.root), {})) as { auditctl: { available: boolean } };
    expect(fact.auditctl.available).to.equal(false);
    expect(fact).to.have.property('rules').with.length(5);
  });

  it('on the local host, reports auditctl as available with rules, or not with a reason', async () => {
    const fact = (await hostAuditCollector.collect(ctx('/'), {})) as {
      auditctl: { available: boolean; rules?: string[]; error?: string };
    };
    if (fact.auditctl.available) expect(fact.auditctl.rules).to.be.an('array');
    else expect(fact.auditctl.error).to.be.a('string').and.not.equal('');
  });
});

describe('host.users', () => {
  it('lists explicit members and users whose primary group is docker', () => {
    const accounts = parseAccounts(
      'root:x:0:0::/:/bin/sh\nsvc:x:500:999::/:/bin/sh\n',
      'root:x:0:\ndocker:x:999:alice,bob\n',
    );
    expect(dockerGroupFact(accounts)).to.deep.equal({
      name: 'docker',
      exists: true,
      gid: 999,
      members: ['alice', 'bob', 'svc'],
    });
    expect(dockerGroupFact(accounts, 'dockerops')).to.deep.equal({
      name: 'dockerops',
      exists: false,
      gid: null,
      members: [],
    });
  });

  it('uses the daemon group setting and the host root files', async () => {
    const fx = await makeHostRoot({
      '/etc/passwd': { content: 'root:x:0:0::/:/bin/sh\n' },
      '/etc/group': { content: 'docker:x:999:\nops:x:1001:carol\n' },
    });
    try {
      const fact = await hostUsersCollector.collect(ctx(fx.root), {
        'host.daemon': { effective: { group: 'ops' } },
      });
      expect(fact).to.deep.equal({
        dockerGroup: { name: 'ops', exists: true, gid: 1001, members: ['carol'] },
      });
    } finally {
      await fx.remove();
    }
  });
});

describe('host.env', () => {
  let fx: HostRootFixture;
  before(async () => {
    const entries: Record<string, FixtureEntry> = {
      '/etc/environment': { content: 'PATH="/usr/bin"\nDOCKER_CONTENT_TRUST="1"\n' },
    };
    fx = await makeHostRoot(entries);
  });
  after(() => fx.remove());

  it('parses /etc/environment lines', () => {
    expect(environmentValue('A=1\nexport B="two"\nA=3\n', 'A')).to.equal('3');
    expect(environmentValue("B='x'", 'B')).to.equal('x');
    expect(environmentValue('C=1', 'D')).to.equal(undefined);
  });

  it('prefers the scanning environment, then /etc/environment', async () => {
    const hostFs = new HostFs(fx.root);
    expect(await contentTrust(hostFs, { DOCKER_CONTENT_TRUST: '0' })).to.deep.equal({
      DOCKER_CONTENT_TRUST: '0',
      source: 'process environment',
    });
    expect(await contentTrust(hostFs, {})).to.deep.equal({
      DOCKER_CONTENT_TRUST: '1',
      source: '/etc/environment',
    });
    expect(await contentTrust(new HostFs('/nonexistent-root'), {})).to.deep.equal({
      DOCKER_CONTENT_TRUST: null,
      source: null,
    });
  });

  it('needs a host root', async () => {
    let caught: unknown;
    await hostEnvCollector.collect(ctx(undefined), {}).catch((e: unknown) => (caught = e));
    expect(caught).to.be.instanceOf(CollectorUnavailable);
  });
});
