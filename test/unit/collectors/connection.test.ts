import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  connectDocker,
  describeConnectionError,
  parseDockerHost,
  pingDocker,
} from '../../../src/collectors/docker/connection.js';
import { TargetUnreachableError, UsageError } from '../../../src/core/errors.js';

async function pingError(address: string, timeoutMs?: number): Promise<TargetUnreachableError> {
  const { docker } = connectDocker({ host: address, env: {} });
  try {
    await pingDocker(docker, address, timeoutMs);
  } catch (error) {
    expect(error).to.be.instanceOf(TargetUnreachableError);
    return error as TargetUnreachableError;
  }
  throw new Error(`ping to ${address} unexpectedly succeeded`);
}

describe('docker connection', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rampart-conn-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  describe('parseDockerHost', () => {
    it('understands the address forms of the docker CLI', () => {
      expect(parseDockerHost('unix:///var/run/docker.sock')).to.deep.equal({
        kind: 'unix',
        socketPath: '/var/run/docker.sock',
        address: 'unix:///var/run/docker.sock',
      });
      expect(parseDockerHost('/tmp/d.sock').address).to.equal('unix:///tmp/d.sock');
      expect(parseDockerHost('unix://').address).to.equal('unix:///var/run/docker.sock');
      expect(parseDockerHost('tcp://10.0.0.5:2376')).to.deep.equal({
        kind: 'tcp',
        host: '10.0.0.5',
        port: 2376,
        address: 'tcp://10.0.0.5:2376',
      });
      expect(parseDockerHost('engine.local:2375')).to.include({
        kind: 'tcp',
        host: 'engine.local',
        port: 2375,
      });
      expect(parseDockerHost('tcp://[::1]:2376')).to.include({ host: '::1', address: 'tcp://[::1]:2376' });
      expect(parseDockerHost('ssh://ops@engine.local')).to.deep.equal({
        kind: 'ssh',
        host: 'engine.local',
        port: 22,
        username: 'ops',
        address: 'ssh://ops@engine.local',
      });
      expect(parseDockerHost('ssh://engine.local:2222')).to.include({
        port: 2222,
        address: 'ssh://engine.local:2222',
      });
    });

    it('rejects what it cannot use as a usage error', () => {
      expect(() => parseDockerHost('')).to.throw(UsageError);
      expect(() => parseDockerHost('ftp://x')).to.throw(UsageError, /unsupported Docker host scheme/);
      expect(() => parseDockerHost('npipe:////./pipe/docker_engine')).to.throw(UsageError, /Windows/);
    });
  });

  describe('connectDocker', () => {
    it('defaults to the local socket and prefers --docker-host over DOCKER_HOST', () => {
      expect(connectDocker({ env: {} })).to.include({ address: 'unix:///var/run/docker.sock', local: true });
      expect(connectDocker({ env: { DOCKER_HOST: 'tcp://h:2375' } })).to.include({
        address: 'tcp://h:2375',
        local: false,
      });
      const both = connectDocker({ host: 'unix:///tmp/x.sock', env: { DOCKER_HOST: 'tcp://h:2375' } });
      expect(both).to.include({ address: 'unix:///tmp/x.sock', local: true });
    });

    it('loads TLS material from DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set', async () => {
      const certs = path.join(dir, 'certs');
      await import('node:fs/promises').then((fs) => fs.mkdir(certs));
      for (const f of ['ca.pem', 'cert.pem', 'key.pem']) await writeFile(path.join(certs, f), `${f} content`);
      const conn = connectDocker({
        host: 'tcp://engine:2376',
        env: { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs },
      });
      const modem = conn.docker.modem as unknown as { protocol: string; ca: Buffer };
      expect(modem.protocol).to.equal('https');
      expect(modem.ca.toString()).to.equal('ca.pem content');
      expect(conn.local).to.equal(false);
    });

    it('names the missing TLS file and the fix', () => {
      expect(() =>
        connectDocker({ host: 'tcp://engine:2376', env: { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir } }),
      ).to.throw(TargetUnreachableError, /cannot read TLS file .*ca\.pem \(ENOENT\): set DOCKER_CERT_PATH/);
    });

    it('uses the ssh transport for ssh://', () => {
      const conn = connectDocker({ host: 'ssh://ops@engine', env: {} });
      const modem = conn.docker.modem as unknown as { protocol: string; username: string; host: string };
      expect(modem).to.include({ protocol: 'ssh', username: 'ops', host: 'engine' });
      expect(conn.local).to.equal(false);
    });
  });

  describe('pingDocker', () => {
    it('succeeds against something that answers /_ping', async () => {
      const sock = path.join(dir, 'ok.sock');
      const seen: string[] = [];
      const server = http.createServer((req, res) => {
        seen.push(`${req.method} ${req.url}`);
        res.end('OK');
      });
      await new Promise<void>((r) => server.listen(sock, r));
      try {
        const { docker, address } = connectDocker({ host: `unix://${sock}`, env: {} });
        await pingDocker(docker, address);
        expect(seen).to.deep.equal(['GET /_ping']);
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    });

    it('explains a missing socket in one line', async () => {
      const address = `unix://${dir}/missing.sock`;
      const err = await pingError(address);
      expect(err.message).to.equal(
        `cannot reach the Docker engine at ${address}: no such socket ${dir}/missing.sock (is dockerd running? set --docker-host/DOCKER_HOST)`,
      );
      expect(err.exitCode).to.equal(3);
    });

    it('explains a refused connection (a path that is not a listening socket)', async () => {
      await writeFile(path.join(dir, 'plain-file.sock'), '');
      const err = await pingError(`unix://${dir}/plain-file.sock`);
      expect(err.message).to.match(/connection refused/);
      expect(err.message).not.to.contain('\n');
    });

    it('explains a refused TCP connection', async () => {
      const probe = net.createServer();
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
      const port = (probe.address() as net.AddressInfo).port;
      await new Promise<void>((r) => probe.close(() => r()));
      const err = await pingError(`tcp://127.0.0.1:${port}`);
      expect(err.message).to.match(
        /^cannot reach the Docker engine at tcp:\/\/127\.0\.0\.1:\d+: connection refused/,
      );
    });

    it('gives up after the timeout', async () => {
      const sock = path.join(dir, 'silent.sock');
      const held: net.Socket[] = [];
      const server = net.createServer((s) => held.push(s));
      await new Promise<void>((r) => server.listen(sock, r));
      try {
        const started = Date.now();
        const err = await pingError(`unix://${sock}`, 300);
        expect(Date.now() - started).to.be.lessThan(3000);
        expect(err.message).to.match(/no answer within 0\.3 s/);
      } finally {
        held.forEach((s) => s.destroy());
        await new Promise<void>((r) => server.close(() => r()));
      }
    });

    it('explains permission, TLS and HTTP failures', () => {
      const addr = 'unix:///var/run/docker.sock';
      const eacces = Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' });
      expect(describeConnectionError(eacces, addr)).to.equal(
        'cannot reach the Docker engine at unix:///var/run/docker.sock: permission denied on /var/run/docker.sock: run as root or a member of the docker group',
      );
      const tls = Object.assign(new Error('self-signed certificate'), {
        code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      });
      expect(describeConnectionError(tls, 'tcp://h:2376')).to.match(
        /TLS error \(DEPTH_ZERO_SELF_SIGNED_CERT\): check DOCKER_CERT_PATH/,
      );
      const plain = Object.assign(new Error('Client sent an HTTP request to an HTTPS server.'), {
        statusCode: 400,
      });
      expect(describeConnectionError(plain, 'tcp://h:2376')).to.match(
        /requires TLS: set DOCKER_TLS_VERIFY=1/,
      );
      const ssh = Object.assign(new Error('All configured authentication methods failed'), {
        level: 'client-authentication',
      });
      expect(describeConnectionError(ssh, 'ssh://u@h')).to.match(/ssh authentication failed/);
    });
  });
});
