import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connectDocker, pingDocker } from '../../src/collectors/docker/connection.js';
import { allDockerCollectors } from '../../src/collectors/docker/index.js';
import { allHostCollectors } from '../../src/collectors/host/index.js';
import { runCollectors } from '../../src/collectors/runner.js';
import { TargetUnreachableError } from '../../src/core/errors.js';
import { requireDockerd, skipOrFail, startDockerd, type PrivateDockerd } from '../support/dockerd.js';
import { makeTlsMaterial, type TlsMaterial } from '../support/tls.js';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function pingFailure(host: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { docker, address } = connectDocker({ host, env });
  try {
    await pingDocker(docker, address);
  } catch (error) {
    expect(error).to.be.instanceOf(TargetUnreachableError);
    const message = (error as Error).message;
    expect(message).not.to.contain('\n');
    expect(message).to.contain(address);
    return message;
  }
  throw new Error('ping unexpectedly succeeded');
}

describe('@integration engine connections over TCP with TLS (private dockerd)', function () {
  this.timeout(60_000);
  let engine: PrivateDockerd | undefined;
  let dir: string | undefined;
  let tls: TlsMaterial;
  let tcp = '';

  before(async function () {
    requireDockerd(this);
    dir = await mkdtemp(path.join(os.tmpdir(), 'rampart-tls-'));
    try {
      tls = makeTlsMaterial(dir);
    } catch (error) {
      skipOrFail(this, `openssl could not make test certificates: ${(error as Error).message}`);
    }
    tcp = `tcp://127.0.0.1:${await freePort()}`;
    try {
      engine = await startDockerd({
        args: [
          '-H',
          tcp,
          '--tlsverify',
          `--tlscacert=${tls.serverDir}/ca.pem`,
          `--tlscert=${tls.serverDir}/server.pem`,
          `--tlskey=${tls.serverDir}/server-key.pem`,
        ],
      });
    } catch (error) {
      skipOrFail(this, `a private dockerd could not start: ${(error as Error).message}`);
    }
  });

  after(async () => {
    await engine?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('connects with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH and collects', async () => {
    const conn = connectDocker({
      host: tcp,
      env: { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: tls.clientDir },
    });
    expect(conn).to.include({ address: tcp, local: false });
    await pingDocker(conn.docker, conn.address);
    const outcome = await runCollectors([...allDockerCollectors], {
      docker: conn.docker,
      dockerAddress: conn.address,
      dockerLocal: conn.local,
      runningOnly: false,
      concurrency: 8,
      log: () => undefined,
    });
    expect(outcome.errors).to.deep.equal({});
    expect(outcome.facts['docker.engine']).to.deep.include({ address: tcp, local: false });
  });

  it('takes DOCKER_HOST from the environment when --docker-host is not given', async () => {
    const conn = connectDocker({
      env: { DOCKER_HOST: tcp, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: tls.clientDir },
    });
    expect(conn.address).to.equal(tcp);
    await pingDocker(conn.docker, conn.address);
  });

  it('explains plain HTTP to a TLS port', async () => {
    expect(await pingFailure(tcp, {})).to.match(
      /requires TLS: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH$/,
    );
  });

  it('explains an untrusted server certificate', async () => {
    const message = await pingFailure(tcp, { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: tls.wrongCaDir });
    expect(message).to.match(/TLS error \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\): check DOCKER_CERT_PATH/);
  });

  it('explains a missing client certificate', async () => {
    const message = await pingFailure(tcp, { DOCKER_TLS: '1', DOCKER_CERT_PATH: tls.noClientCertDir });
    expect(message).to.match(/TLS error \(ERR_SSL_\w+\): check DOCKER_CERT_PATH/);
  });

  it('host collectors match the TCP address to this dockerd and report its TLS files', async () => {
    const conn = connectDocker({
      host: tcp,
      env: { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: tls.clientDir },
    });
    const outcome = await runCollectors([...allHostCollectors], {
      docker: conn.docker,
      dockerAddress: conn.address,
      dockerLocal: false,
      hostRoot: '/',
      runningOnly: false,
      concurrency: 8,
      log: () => undefined,
    });
    expect(outcome.errors).to.deep.equal({});
    const daemon = outcome.facts['host.daemon'] as { pid: number; effective: Record<string, unknown> };
    expect(daemon.pid).to.equal(engine?.pid);
    expect(daemon.effective).to.deep.include({ tlsverify: true, tlskey: `${tls.serverDir}/server-key.pem` });
    expect(daemon.effective.hosts).to.include(tcp);
    const files = outcome.facts['host.files'] as {
      role: string;
      path: string;
      mode: string;
      owner: string;
    }[];
    const byRole = Object.fromEntries(files.filter((f) => f.role.startsWith('tls-')).map((f) => [f.role, f]));
    expect(byRole['tls-ca']).to.include({
      path: `${tls.serverDir}/ca.pem`,
      mode: '0444',
      owner: 'root:root',
    });
    expect(byRole['tls-cert']).to.include({ path: `${tls.serverDir}/server.pem`, mode: '0444' });
    expect(byRole['tls-key']).to.include({ path: `${tls.serverDir}/server-key.pem`, mode: '0400' });
  });
});
