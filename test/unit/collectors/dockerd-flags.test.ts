import { expect } from 'chai';
import {
  DOCKERD_FLAGS,
  flagToConfigValue,
  mergeEffective,
  parseDockerdArgs,
  parseGoBool,
  parseUlimit,
} from '../../../src/collectors/host/dockerd-flags.js';

describe('dockerd flag parsing', () => {
  it('reads --flag=value and --flag value forms', () => {
    const { flags } = parseDockerdArgs([
      '--log-level=warn',
      '--data-root',
      '/srv/docker',
      '--userns-remap',
      'default',
    ]);
    expect(flags).to.deep.equal({
      'log-level': 'warn',
      'data-root': '/srv/docker',
      'userns-remap': 'default',
    });
  });

  it('treats boolean flags as taking no separate value', () => {
    const { flags, positional } = parseDockerdArgs([
      '--live-restore',
      '--icc=false',
      '--iptables=0',
      '--userland-proxy=False',
      '--tlsverify',
      '--no-new-privileges=true',
      '--selinux-enabled',
      '--log-driver',
      'journald',
    ]);
    expect(flags).to.deep.equal({
      'live-restore': true,
      icc: false,
      iptables: false,
      'userland-proxy': false,
      tlsverify: true,
      'no-new-privileges': true,
      'selinux-enabled': true,
      'log-driver': 'journald',
    });
    expect(positional).to.deep.equal([]);
  });

  it('does not let a boolean flag swallow the next flag', () => {
    const { flags } = parseDockerdArgs(['--debug', '--icc=false', '-H', 'fd://']);
    expect(flags).to.deep.equal({ debug: true, icc: false, host: ['fd://'] });
  });

  it('collects repeatable flags into arrays, even when given once', () => {
    const { flags } = parseDockerdArgs([
      '-H',
      'fd://',
      '--host=unix:///var/run/docker.sock',
      '-H=tcp://0.0.0.0:2376',
      '--insecure-registry',
      'reg.local:5000',
      '--authorization-plugin=authz-broker',
      '--storage-opt',
      'dm.basesize=20G',
      '--log-opt',
      'max-size=10m',
      '--log-opt',
      'max-file=3',
    ]);
    expect(flags.host).to.deep.equal(['fd://', 'unix:///var/run/docker.sock', 'tcp://0.0.0.0:2376']);
    expect(flags['insecure-registry']).to.deep.equal(['reg.local:5000']);
    expect(flags['authorization-plugin']).to.deep.equal(['authz-broker']);
    expect(flags['storage-opt']).to.deep.equal(['dm.basesize=20G']);
    expect(flags['log-opt']).to.deep.equal(['max-size=10m', 'max-file=3']);
  });

  it('understands shorthand flags, attached values and clusters', () => {
    expect(parseDockerdArgs(['-D']).flags).to.deep.equal({ debug: true });
    expect(parseDockerdArgs(['-l', 'debug']).flags).to.deep.equal({ 'log-level': 'debug' });
    expect(parseDockerdArgs(['-linfo']).flags).to.deep.equal({ 'log-level': 'info' });
    expect(parseDockerdArgs(['-l=error']).flags).to.deep.equal({ 'log-level': 'error' });
    expect(parseDockerdArgs(['-Dl', 'warn']).flags).to.deep.equal({ debug: true, 'log-level': 'warn' });
    expect(parseDockerdArgs(['-D=false']).flags).to.deep.equal({ debug: false });
    expect(
      parseDockerdArgs(['-Hunix:///x.sock', '-G', 'dockerops', '-s', 'overlay2', '-p', '/run/d.pid']).flags,
    ).to.deep.equal({
      host: ['unix:///x.sock'],
      group: 'dockerops',
      'storage-driver': 'overlay2',
      pidfile: '/run/d.pid',
    });
  });

  it('keeps every value of a scalar flag given twice', () => {
    const { flags } = parseDockerdArgs(['--log-level', 'debug', '--log-level=info']);
    expect(flags['log-level']).to.deep.equal(['debug', 'info']);
    expect(mergeEffective(flags, null).effective['log-level']).to.equal('info');
  });

  it('records unknown flags with a best-effort value', () => {
    const parsed = parseDockerdArgs(['--future-flag', 'x', '--future-bool', '--other=1', '-Z']);
    expect(parsed.unknown).to.deep.equal(['future-flag', 'future-bool', 'other', '-Z']);
    expect(parsed.flags).to.deep.equal({ 'future-flag': 'x', 'future-bool': true, other: '1' });
  });

  it('stops at -- and reports positional arguments', () => {
    const parsed = parseDockerdArgs(['stray', '--icc=false', '--', '--debug']);
    expect(parsed.flags).to.deep.equal({ icc: false });
    expect(parsed.positional).to.deep.equal(['stray', '--debug']);
  });

  it('parses Go booleans like strconv.ParseBool', () => {
    for (const t of ['1', 't', 'T', 'true', 'TRUE', 'True']) expect(parseGoBool(t)).to.equal(true);
    for (const f of ['0', 'f', 'F', 'false', 'FALSE', 'False']) expect(parseGoBool(f)).to.equal(false);
    expect(parseGoBool('yes')).to.equal(undefined);
  });

  it('maps every flag with a daemon.json key, with the documented plural names', () => {
    const key = (f: string) => DOCKERD_FLAGS.get(f)?.key;
    expect(key('host')).to.equal('hosts');
    expect(key('insecure-registry')).to.equal('insecure-registries');
    expect(key('authorization-plugin')).to.equal('authorization-plugins');
    expect(key('storage-opt')).to.equal('storage-opts');
    expect(key('default-ulimit')).to.equal('default-ulimits');
    expect(key('log-opt')).to.equal('log-opts');
    expect(key('registry-mirror')).to.equal('registry-mirrors');
    expect(key('label')).to.equal('labels');
    expect(key('tlsverify')).to.equal('tlsverify');
    expect(key('config-file')).to.equal(null);
  });
});

describe('dockerd flag values as daemon.json values', () => {
  it('converts types', () => {
    expect(flagToConfigValue('icc', false)).to.equal(false);
    expect(flagToConfigValue('mtu', '1400')).to.equal(1400);
    expect(flagToConfigValue('shutdown-timeout', ['10', '30'])).to.equal(30);
    expect(flagToConfigValue('log-opt', ['max-size=10m', 'labels=a=b'])).to.deep.equal({
      'max-size': '10m',
      labels: 'a=b',
    });
    expect(flagToConfigValue('default-ulimit', ['nofile=1024:2048', 'nproc=512'])).to.deep.equal({
      nofile: { Name: 'nofile', Soft: 1024, Hard: 2048 },
      nproc: { Name: 'nproc', Soft: 512, Hard: 512 },
    });
    expect(flagToConfigValue('add-runtime', ['crun=/usr/bin/crun'])).to.deep.equal({
      crun: { path: '/usr/bin/crun' },
    });
    expect(flagToConfigValue('default-address-pool', ['base=10.10.0.0/16,size=24'])).to.deep.equal([
      { base: '10.10.0.0/16', size: 24 },
    ]);
    expect(flagToConfigValue('feature', ['containerd-snapshotter', 'cdi=false'])).to.deep.equal({
      'containerd-snapshotter': true,
      cdi: false,
    });
  });

  it('parses ulimits', () => {
    expect(parseUlimit('nofile=100:200')).to.deep.equal({ Name: 'nofile', Soft: 100, Hard: 200 });
    expect(parseUlimit('nofile=')).to.equal(undefined);
  });
});

describe('effective daemon configuration', () => {
  it('merges flags and daemon.json under daemon.json keys with sources', () => {
    const { flags } = parseDockerdArgs([
      '-H',
      'fd://',
      '--containerd=/run/containerd/containerd.sock',
      '--icc=false',
      '--live-restore',
      '--insecure-registry',
      'r.local:5000',
      '--default-ulimit',
      'nofile=100:200',
      '--config-file',
      '/etc/docker/custom.json',
      '--tlsverify',
      '--tlscacert=/etc/docker/ca.pem',
    ]);
    const { effective, sources } = mergeEffective(flags, {
      'log-level': 'warn',
      'userland-proxy': false,
      'log-opts': { 'max-size': '10m' },
      'no-new-privileges': true,
    });
    expect(effective).to.deep.equal({
      'log-level': 'warn',
      'userland-proxy': false,
      'log-opts': { 'max-size': '10m' },
      'no-new-privileges': true,
      hosts: ['fd://'],
      containerd: '/run/containerd/containerd.sock',
      icc: false,
      'live-restore': true,
      'insecure-registries': ['r.local:5000'],
      'default-ulimits': { nofile: { Name: 'nofile', Soft: 100, Hard: 200 } },
      tlsverify: true,
      tlscacert: '/etc/docker/ca.pem',
    });
    expect(sources).to.deep.equal({
      'log-level': 'daemon.json',
      'userland-proxy': 'daemon.json',
      'log-opts': 'daemon.json',
      'no-new-privileges': 'daemon.json',
      hosts: 'flag',
      containerd: 'flag',
      icc: 'flag',
      'live-restore': 'flag',
      'insecure-registries': 'flag',
      'default-ulimits': 'flag',
      tlsverify: 'flag',
      tlscacert: 'flag',
    });
    expect(effective).not.to.have.property('config-file');
  });

  it('reports the flag when a key is set both ways (dockerd would refuse to start otherwise)', () => {
    const { effective, sources } = mergeEffective({ 'log-level': 'debug' }, { 'log-level': 'info' });
    expect(effective['log-level']).to.equal('debug');
    expect(sources['log-level']).to.equal('flag');
  });

  it('merges proxy flags into the daemon.json proxies object', () => {
    const { effective } = mergeEffective(
      { 'https-proxy': 'http://proxy:3128' },
      { proxies: { 'no-proxy': 'localhost' } },
    );
    expect(effective.proxies).to.deep.equal({ 'no-proxy': 'localhost', 'https-proxy': 'http://proxy:3128' });
  });

  it('invents no defaults', () => {
    expect(mergeEffective({}, null)).to.deep.equal({ effective: {}, sources: {} });
  });
});
