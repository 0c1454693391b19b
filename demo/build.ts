/**
 * Generates demo/docker-host.facts.json, the fact set `rampart demo` assesses, so the demo needs no Docker.
 *
 *   node --import tsx demo/build.ts
 *
 * The estate is one partly hardened Docker host of a payments company, "pay-gw-prod-01": Debian 12, Docker
 * Engine 26.1.5 (containerd 1.7, runc 1.1), overlay2 on its own LVM volume, AppArmor and seccomp active,
 * cgroup v2, not in a swarm, nine containers mixing good and bad practice.
 *
 * Everything is deterministic: ids are derived from fixed seeds (sha256), timestamps are fixed, nothing is
 * random, so re-running this script reproduces the committed file byte for byte (test/unit/demo.test.ts).
 *
 * The documents are written the way the engine and the host present them, then passed through the
 * collectors' own normalisation (container names, env redaction, image history redaction, `top` mapping,
 * dockerd flag parsing and daemon.json merging, mountinfo parsing, docker group membership), so the facts
 * have exactly the shapes `rampart collect` produces (docs/facts.md).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mapTop, normaliseContainer } from '../src/collectors/docker/containers.js';
import { normaliseImage } from '../src/collectors/docker/images.js';
import { parseAuditRules } from '../src/collectors/host/audit.js';
import { mergeEffective, parseDockerdArgs } from '../src/collectors/host/dockerd-flags.js';
import { parseAccounts, type Accounts } from '../src/collectors/host/hostfs.js';
import { locateMount, parseMountinfo } from '../src/collectors/host/mounts.js';
import { dockerGroupFact } from '../src/collectors/host/users.js';
import { FACTSET_SCHEMA_VERSION } from '../src/core/facts.js';
import type { FactSet, FactTarget, JsonValue } from '../src/core/types.js';

/** Where the generated fact set lives (next to this script). */
export const DEMO_FACTS_FILE = fileURLToPath(new URL('./docker-host.facts.json', import.meta.url));

type Doc = { [key: string]: JsonValue };

// ---------------------------------------------------------------------------------------------------------
// Fixed identity and time line
// ---------------------------------------------------------------------------------------------------------

const HOST_NAME = 'pay-gw-prod-01';
/** Legacy key-derived engine ID: the host was installed long before engines switched to UUIDs, and kept it. */
const ENGINE_ID = '7Q4N:JX3K:HB2R:MZ6V:QPLD:4WTE:UY5C:S7GA:NK2F:RIOV:3DXH:E6BW';
const ADDRESS = 'unix:///var/run/docker.sock';
const KERNEL = '6.1.0-23-amd64';
const OS_NAME = 'Debian GNU/Linux 12 (bookworm)';
const ENGINE_VERSION = '26.1.5';
const REGISTRY = 'registry.pay.internal:5000';
/** Rampart version that "collected" the facts: fixed, so a package version bump does not change evidence. */
const COLLECTOR_VERSION = '0.1.0';

/** The scan itself. */
const COLLECTED_AT = '2024-08-06T09:41:27.512Z';
/** The host was rebooted into the current kernel after the 26.1.5 upgrade; dockerd came up at boot. */
const BOOT = '2024-07-29T06:11:53.118502994Z';
const NEVER = '0001-01-01T00:00:00Z';

/** 64 hex digits derived from a seed: stable ids without randomness. */
function hex(seed: string): string {
  return createHash('sha256').update(`rampart-demo/${seed}`).digest('hex');
}
const sha = (seed: string): string => `sha256:${hex(seed)}`;
const short = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);
/** Unix seconds of an ISO timestamp (image history uses them). */
const unix = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
/** Round-trips through JSON: drops undefined members, yields plain JSON values. */
const json = <T = Doc>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;
const redactedEnv = (names: string[]): string[] => names.map((n) => `${n}=<redacted>`);

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

// ---------------------------------------------------------------------------------------------------------
// Host accounts (/etc/passwd, /etc/group): used for file owners, the docker group, and `top` user names
// ---------------------------------------------------------------------------------------------------------

const PASSWD = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/usr/sbin/nologin
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
news:x:9:9:news:/var/spool/news:/usr/sbin/nologin
uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin
proxy:x:13:13:proxy:/bin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin
irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin
systemd-timesync:x:997:997:systemd Time Synchronization:/:/usr/sbin/nologin
messagebus:x:100:107::/nonexistent:/usr/sbin/nologin
sshd:x:102:65534::/run/sshd:/usr/sbin/nologin
_chrony:x:103:110:Chrony daemon,,,:/var/lib/chrony:/usr/sbin/nologin
alice:x:1000:1000:Alice Moreau,,,:/home/alice:/bin/bash
deploy:x:1001:1001:Deployment automation,,,:/home/deploy:/bin/bash
jenkins:x:1002:1002:Jenkins build agent,,,:/home/jenkins:/bin/bash
`;

const GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:alice
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
news:x:9:
uucp:x:10:
man:x:12:
proxy:x:13:
kmem:x:15:
dialout:x:20:
cdrom:x:24:
sudo:x:27:alice
audio:x:29:
www-data:x:33:
backup:x:34:
operator:x:37:
list:x:38:
irc:x:39:
src:x:40:
shadow:x:42:
utmp:x:43:
video:x:44:
sasl:x:45:
plugdev:x:46:
staff:x:50:
games:x:60:
users:x:100:
nogroup:x:65534:
systemd-journal:x:999:
systemd-network:x:998:
systemd-timesync:x:997:
messagebus:x:107:
_chrony:x:110:
netdev:x:108:
_ssh:x:109:
docker:x:996:deploy,jenkins,alice
alice:x:1000:
deploy:x:1001:
jenkins:x:1002:
`;

const ACCOUNTS: Accounts = parseAccounts(PASSWD, GROUP);
const DOCKER_GID = 996;

/** How `ps` on the host names a uid: the host's account name, else the number. */
const psUser = (uid: number): string => ACCOUNTS.users.get(uid) ?? String(uid);

// ---------------------------------------------------------------------------------------------------------
// dockerd: command line and daemon.json
// ---------------------------------------------------------------------------------------------------------

const DOCKERD_PID = 1187;
const DOCKERD_CMDLINE = ['/usr/bin/dockerd', '-H', 'fd://', '--containerd=/run/containerd/containerd.sock'];

/**
 * The operators hardened the daemon partly: inter-container traffic on docker0 is off, live restore is on,
 * the userland proxy is off, logs rotate. Not set (defaults apply): no-new-privileges (left off daemon-wide
 * because some legacy images rely on setuid helpers), userns-remap, authorization plugins, TLS (the daemon
 * listens on the systemd socket only), log-level (default info), iptables (default true).
 */
const DAEMON_JSON: Doc = {
  icc: false,
  'live-restore': true,
  'userland-proxy': false,
  'storage-driver': 'overlay2',
  'log-driver': 'json-file',
  'log-opts': { 'max-size': '50m', 'max-file': '5' },
  'default-ulimits': { nofile: { Name: 'nofile', Hard: 65536, Soft: 65536 } },
  experimental: false,
};
const LOG_OPTS = DAEMON_JSON['log-opts'] as Doc;
const DEFAULT_ULIMITS = [{ Name: 'nofile', Hard: 65536, Soft: 65536 }];

function hostDaemon(): Doc {
  const parsed = parseDockerdArgs(DOCKERD_CMDLINE.slice(1));
  const { effective, sources } = mergeEffective(parsed.flags, DAEMON_JSON);
  return json({
    running: true,
    pid: DOCKERD_PID,
    cmdline: DOCKERD_CMDLINE,
    flags: parsed.flags,
    configFile: { path: '/etc/docker/daemon.json', exists: true, content: DAEMON_JSON },
    effective,
    sources,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------------------

interface Step {
  /** CreatedBy exactly as `docker history --no-trunc` shows it (before Rampart's ENV/ARG redaction). */
  by: string;
  at: string;
  size?: number;
  comment?: string;
}

/** BuildKit history line (`RUN /bin/sh -c ... # buildkit`, metadata steps without the marker). */
const bk = (by: string, at: string, size = 0): Step => ({ by, at, size, comment: 'buildkit.dockerfile.v0' });
/** Classic builder history line (`/bin/sh -c #(nop) ...` for metadata, `/bin/sh -c ...` for RUN). */
const classic = (by: string, at: string, size = 0): Step => ({ by, at, size, comment: '' });
const nop = (instr: string, at: string, size = 0): Step => classic(`/bin/sh -c #(nop) ${instr}`, at, size);

const LAYER =
  /^(?:RUN|ADD|COPY)\s|^\/bin\/sh -c (?!#\(nop\))|#\(nop\) (?:ADD|COPY) |^# debian\.sh|^bazel build/;

interface ImageSpec {
  key: string;
  repoTags: string[];
  repoDigest?: string;
  created: string;
  dockerVersion: string;
  lastTagTime?: string;
  config: Doc;
  /** Oldest first, as in the Dockerfile. */
  steps: Step[];
}

function healthcheck(test: string[], interval: number, timeout: number, start: number, retries = 3): Doc {
  const s = 1e9;
  return {
    Test: test,
    Interval: interval * s,
    Timeout: timeout * s,
    StartPeriod: start * s,
    Retries: retries,
  };
}

/** An image's Config in the engine's key order; keys the image does not set are left out. */
function imageConfig(over: Record<string, unknown>): Doc {
  return json({
    Hostname: '',
    Domainname: '',
    User: '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    ExposedPorts: undefined,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: [],
    Cmd: null,
    Healthcheck: undefined,
    Image: '',
    Volumes: null,
    WorkingDir: '',
    Entrypoint: null,
    OnBuild: null,
    Labels: null,
    StopSignal: undefined,
    ...over,
  });
}

// --- base image histories (as pulled; every step "<missing>" locally) ---

const ALPINE_319 = (at: string): Step[] => [
  bk('ADD alpine-minirootfs-3.19.1-x86_64.tar.gz / # buildkit', at, 7_377_185),
  bk('CMD ["/bin/sh"]', at),
];

const DEBIAN_BOOKWORM = (at: string, stamp: string, size: number): Step[] => [
  { by: `# debian.sh --arch 'amd64' out/ 'bookworm' '@${stamp}'`, at, size, comment: 'debuerreotype 0.15' },
];

const DEBIAN_BULLSEYE_2022 = (at: string): Step[] => [
  nop('ADD file:d2c1b7a0e7fd1f9e6ffb9ac6c8e4ad31a4ad36b34a3d7a0f1f35c6ce2fd1b8a2 in / ', at, 124_021_533),
  nop(' CMD ["bash"]', at),
];

const UBUNTU_JAMMY = (at: string): Step[] => [
  nop(' ARG RELEASE', at),
  nop(' ARG LAUNCHPAD_BUILD_ARCH', at),
  nop(' LABEL org.opencontainers.image.ref.name=ubuntu', at),
  nop(' LABEL org.opencontainers.image.version=22.04', at),
  nop('ADD file:a5d32dc2ab15ff0d7dc4c3ecc9dd3ed8d29a7ea6fe2be7bfa6c3a2a38b4e1a63 in / ', at, 77_863_582),
  nop(' CMD ["/bin/bash"]', at),
];

const TEMURIN_21_JRE = (at: string): Step[] => [
  ...UBUNTU_JAMMY('2024-06-27T19:11:45Z'),
  bk('ENV JAVA_HOME=/opt/java/openjdk', at),
  bk('ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', at),
  bk('ENV LANG=en_US.UTF-8 LANGUAGE=en_US:en LC_ALL=en_US.UTF-8', at),
  bk(
    'RUN /bin/sh -c set -eux;     apt-get update;     DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends         curl wget fontconfig ca-certificates p11-kit tzdata locales     ;     echo "en_US.UTF-8 UTF-8" >> /etc/locale.gen;     locale-gen en_US.UTF-8;     rm -rf /var/lib/apt/lists/* # buildkit',
    at,
    46_204_113,
  ),
  bk('ENV JAVA_VERSION=jdk-21.0.3+9', at),
  bk(
    'RUN /bin/sh -c set -eux;     ARCH="$(dpkg --print-architecture)";     case "${ARCH}" in        amd64)          ESUM=\'3d1e9a9ad1fc6d4e1d3dffd58b4e6e2dcb89cfb1e8e5c0fd1c7b5c5e5e0e5a83\';          BINARY_URL=\'https://github.com/adoptium/temurin21-binaries/releases/download/jdk-21.0.3%2B9/OpenJDK21U-jre_x64_linux_hotspot_21.0.3_9.tar.gz\';          ;;        *)          echo "Unsupported arch: ${ARCH}";          exit 1;          ;;     esac;     wget --progress=dot:giga -O /tmp/openjdk.tar.gz ${BINARY_URL};     echo "${ESUM} */tmp/openjdk.tar.gz" | sha256sum -c -;     mkdir -p "$JAVA_HOME";     tar --extract --file /tmp/openjdk.tar.gz --directory "$JAVA_HOME" --strip-components 1 --no-same-owner;     rm -f /tmp/openjdk.tar.gz ${JAVA_HOME}/lib/src.zip; # buildkit',
    at,
    157_810_551,
  ),
  bk(
    'RUN /bin/sh -c set -eux;     echo "Verifying install ...";     fileEncoding="$(echo \'System.out.println(System.getProperty("file.encoding"))\' | jshell -s -)"; [ "$fileEncoding" = \'UTF-8\' ]; rm -rf ~/.java;     echo "java --version"; java --version;     echo "Complete." # buildkit',
    at,
  ),
  bk('COPY entrypoint.sh /__cacert_entrypoint.sh # buildkit', at, 4_732),
  bk('ENTRYPOINT ["/__cacert_entrypoint.sh"]', at),
];

function paymentsApi(version: string, at: string, jarSize: number): ImageSpec {
  return {
    key: `payments-api:${version}`,
    repoTags: [`${REGISTRY}/payments-api:${version}`],
    repoDigest: `${REGISTRY}/payments-api@${sha(`digest:payments-api:${version}`)}`,
    created: at,
    dockerVersion: '',
    config: imageConfig({
      ExposedPorts: { '8443/tcp': {} },
      Env: redactedEnv([
        'PATH',
        'JAVA_HOME',
        'LANG',
        'LANGUAGE',
        'LC_ALL',
        'JAVA_VERSION',
        'SPRING_PROFILES_ACTIVE',
      ]),
      Cmd: null,
      Healthcheck: healthcheck(
        ['CMD-SHELL', 'curl -fsk https://127.0.0.1:8443/actuator/health/liveness || exit 1'],
        30,
        5,
        40,
      ),
      WorkingDir: '/app',
      Entrypoint: ['java', '-XX:MaxRAMPercentage=75', '-jar', '/app/payments-api.jar'],
      Labels: {
        'org.opencontainers.image.ref.name': 'ubuntu',
        'org.opencontainers.image.version': version,
        'org.opencontainers.image.source': 'https://git.pay.internal/payments/payments-api',
        'com.pay.team': 'payments-core',
      },
    }),
    steps: [
      ...TEMURIN_21_JRE('2024-07-02T21:54:10Z'),
      bk('WORKDIR /app', at),
      bk(`COPY target/payments-api-${version}.jar /app/payments-api.jar # buildkit`, at, jarSize),
      bk('ENV SPRING_PROFILES_ACTIVE=prod', at),
      bk('EXPOSE map[8443/tcp:{}]', at),
      bk(
        `LABEL org.opencontainers.image.source=https://git.pay.internal/payments/payments-api org.opencontainers.image.version=${version} com.pay.team=payments-core`,
        at,
      ),
      bk(
        'HEALTHCHECK &{["CMD-SHELL" "curl -fsk https://127.0.0.1:8443/actuator/health/liveness || exit 1"] "30s" "5s" "40s" "0s" \'\\x03\'}',
        at,
      ),
      bk('ENTRYPOINT ["java" "-XX:MaxRAMPercentage=75" "-jar" "/app/payments-api.jar"]', at),
    ],
  };
}

const IMAGES: ImageSpec[] = [
  {
    key: 'checkout-web:3.8.2',
    repoTags: [`${REGISTRY}/checkout-web:3.8.2`],
    repoDigest: `${REGISTRY}/checkout-web@${sha('digest:checkout-web:3.8.2')}`,
    created: '2024-07-24T13:02:51.448120931Z',
    dockerVersion: '',
    config: imageConfig({
      User: '101',
      ExposedPorts: { '8080/tcp': {} },
      Env: redactedEnv(['PATH', 'NGINX_VERSION', 'PKG_RELEASE', 'NJS_VERSION', 'NJS_RELEASE']),
      Cmd: ['nginx', '-g', 'daemon off;'],
      Healthcheck: healthcheck(
        ['CMD-SHELL', 'wget -q --spider http://127.0.0.1:8080/healthz || exit 1'],
        30,
        5,
        10,
      ),
      Entrypoint: ['/docker-entrypoint.sh'],
      Labels: {
        maintainer: 'NGINX Docker Maintainers <docker-maint@nginx.com>',
        'org.opencontainers.image.source': 'https://git.pay.internal/web/checkout',
        'org.opencontainers.image.version': '3.8.2',
      },
      StopSignal: 'SIGQUIT',
    }),
    steps: [
      ...ALPINE_319('2024-01-26T23:44:57Z'),
      bk('LABEL maintainer=NGINX Docker Maintainers <docker-maint@nginx.com>', '2024-05-29T21:23:11Z'),
      bk('ENV NGINX_VERSION=1.27.0', '2024-05-29T21:23:11Z'),
      bk('ENV PKG_RELEASE=1', '2024-05-29T21:23:11Z'),
      bk('ENV NJS_VERSION=0.8.4', '2024-05-29T21:23:11Z'),
      bk('ENV NJS_RELEASE=2', '2024-05-29T21:23:11Z'),
      bk('ARG UID=101', '2024-05-29T21:23:11Z'),
      bk('ARG GID=101', '2024-05-29T21:23:11Z'),
      bk(
        'RUN |2 UID=101 GID=101 /bin/sh -c set -x     && addgroup -g $GID -S nginx || true     && adduser -S -D -H -u $UID -h /var/cache/nginx -s /sbin/nologin -G nginx -g nginx nginx || true     && apkArch="$(cat /etc/apk/arch)"     && nginxPackages="         nginx=${NGINX_VERSION}-r${PKG_RELEASE}         nginx-module-njs=${NGINX_VERSION}.${NJS_VERSION}-r${NJS_RELEASE}     "     && apk add --no-cache --virtual .checksum-deps openssl     && apk add -X "https://nginx.org/packages/mainline/alpine/v$(egrep -o \'^[0-9]+\\.[0-9]+\' /etc/alpine-release)/main" --no-cache $nginxPackages     && apk del --no-network .checksum-deps     && ln -sf /dev/stdout /var/log/nginx/access.log     && ln -sf /dev/stderr /var/log/nginx/error.log # buildkit',
        '2024-05-29T21:23:11Z',
        34_318_902,
      ),
      bk('COPY docker-entrypoint.sh / # buildkit', '2024-05-29T21:23:11Z', 1_620),
      bk(
        'COPY 10-listen-on-ipv6-by-default.sh /docker-entrypoint.d # buildkit',
        '2024-05-29T21:23:11Z',
        2_125,
      ),
      bk('COPY 15-local-resolvers.envsh /docker-entrypoint.d # buildkit', '2024-05-29T21:23:11Z', 336),
      bk('COPY 20-envsubst-on-templates.sh /docker-entrypoint.d # buildkit', '2024-05-29T21:23:11Z', 3_014),
      bk('COPY 30-tune-worker-processes.sh /docker-entrypoint.d # buildkit', '2024-05-29T21:23:11Z', 4_620),
      bk(
        "RUN |2 UID=101 GID=101 /bin/sh -c sed -i 's,listen       80;,listen       8080;,' /etc/nginx/conf.d/default.conf     && sed -i '/user  nginx;/d' /etc/nginx/nginx.conf     && sed -i 's,/var/run/nginx.pid,/tmp/nginx.pid,' /etc/nginx/nginx.conf     && sed -i \"/^http {/a \\    proxy_temp_path /tmp/proxy_temp;\\n    client_body_temp_path /tmp/client_temp;\\n    fastcgi_temp_path /tmp/fastcgi_temp;\\n    uwsgi_temp_path /tmp/uwsgi_temp;\\n    scgi_temp_path /tmp/scgi_temp;\\n\" /etc/nginx/nginx.conf     && chown -R $UID:0 /var/cache/nginx     && chmod -R g+w /var/cache/nginx     && chown -R $UID:0 /etc/nginx     && chmod -R g+w /etc/nginx # buildkit",
        '2024-05-29T21:23:11Z',
        2_931,
      ),
      bk('ENTRYPOINT ["/docker-entrypoint.sh"]', '2024-05-29T21:23:11Z'),
      bk('EXPOSE map[8080/tcp:{}]', '2024-05-29T21:23:11Z'),
      bk('STOPSIGNAL SIGQUIT', '2024-05-29T21:23:11Z'),
      bk('USER 101', '2024-05-29T21:23:11Z'),
      bk('CMD ["nginx" "-g" "daemon off;"]', '2024-05-29T21:23:11Z'),
      bk('COPY --chown=101:101 dist/ /usr/share/nginx/html/ # buildkit', '2024-07-24T13:02:51Z', 18_442_067),
      bk('COPY nginx/checkout.conf /etc/nginx/conf.d/default.conf # buildkit', '2024-07-24T13:02:51Z', 3_288),
      bk(
        'HEALTHCHECK &{["CMD-SHELL" "wget -q --spider http://127.0.0.1:8080/healthz || exit 1"] "30s" "5s" "10s" "0s" \'\\x03\'}',
        '2024-07-24T13:02:51Z',
      ),
      bk(
        'LABEL org.opencontainers.image.source=https://git.pay.internal/web/checkout org.opencontainers.image.version=3.8.2',
        '2024-07-24T13:02:51Z',
      ),
    ],
  },
  paymentsApi('2.15.3', '2024-07-31T16:20:07.901245127Z', 84_117_302),
  // The previous release, still on disk after the roll-forward (image sprawl, 6.1).
  paymentsApi('2.14.0', '2024-06-18T10:05:44.330917215Z', 83_904_776),
  {
    key: 'postgres:16.3-bookworm',
    repoTags: ['postgres:16.3-bookworm'],
    repoDigest: `postgres@${sha('digest:postgres:16.3-bookworm')}`,
    created: '2024-07-23T03:15:40Z',
    dockerVersion: '',
    config: imageConfig({
      ExposedPorts: { '5432/tcp': {} },
      Env: redactedEnv(['PATH', 'GOSU_VERSION', 'LANG', 'PG_MAJOR', 'PG_VERSION', 'PGDATA']),
      Cmd: ['postgres'],
      Volumes: { '/var/lib/postgresql/data': {} },
      Entrypoint: ['docker-entrypoint.sh'],
      StopSignal: 'SIGINT',
    }),
    steps: [
      ...DEBIAN_BOOKWORM('2024-07-23T00:00:00Z', '1721001600', 74_776_842),
      bk(
        'RUN /bin/sh -c set -eux; \tgroupadd -r postgres --gid=999; \tuseradd -r -g postgres --uid=999 --home-dir=/var/lib/postgresql --shell=/bin/bash postgres; \tmkdir -p /var/lib/postgresql; \tchown -R postgres:postgres /var/lib/postgresql # buildkit',
        '2024-07-23T03:15:40Z',
        4_353,
      ),
      bk(
        'RUN /bin/sh -c set -ex; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tgnupg \t\tless \t; \trm -rf /var/lib/apt/lists/* # buildkit',
        '2024-07-23T03:15:40Z',
        9_766_031,
      ),
      bk('ENV GOSU_VERSION=1.17', '2024-07-23T03:15:40Z'),
      bk(
        'RUN /bin/sh -c set -eux; \tsavedAptMark="$(apt-mark showmanual)"; \tapt-get update; \tapt-get install -y --no-install-recommends ca-certificates wget; \trm -rf /var/lib/apt/lists/*; \tdpkgArch="$(dpkg --print-architecture | awk -F- \'{ print $NF }\')"; \twget -O /usr/local/bin/gosu "https://github.com/tianon/gosu/releases/download/$GOSU_VERSION/gosu-$dpkgArch"; \twget -O /usr/local/bin/gosu.asc "https://github.com/tianon/gosu/releases/download/$GOSU_VERSION/gosu-$dpkgArch.asc"; \texport GNUPGHOME="$(mktemp -d)"; \tgpg --batch --keyserver hkps://keys.openpgp.org --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4; \tgpg --batch --verify /usr/local/bin/gosu.asc /usr/local/bin/gosu; \tgpgconf --kill all; \trm -rf "$GNUPGHOME" /usr/local/bin/gosu.asc; \tapt-mark auto \'.*\' > /dev/null; \t[ -z "$savedAptMark" ] || apt-mark manual $savedAptMark > /dev/null; \tapt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \tchmod +x /usr/local/bin/gosu; \tgosu --version; \tgosu nobody true # buildkit',
        '2024-07-23T03:15:40Z',
        4_150_420,
      ),
      bk(
        "RUN /bin/sh -c set -eux; \tif [ -f /etc/dpkg/dpkg.cfg.d/docker ]; then \t\tgrep -q '/usr/share/locale' /etc/dpkg/dpkg.cfg.d/docker; \t\tsed -ri '/\\/usr\\/share\\/locale/d' /etc/dpkg/dpkg.cfg.d/docker; \t\t! grep -q '/usr/share/locale' /etc/dpkg/dpkg.cfg.d/docker; \tfi; \tapt-get update; apt-get install -y --no-install-recommends locales; rm -rf /var/lib/apt/lists/*; \techo 'en_US.UTF-8 UTF-8' >> /etc/locale.gen; \tlocale-gen; \tlocale -a | grep 'en_US.utf8' # buildkit",
        '2024-07-23T03:15:40Z',
        24_024_591,
      ),
      bk('ENV LANG=en_US.utf8', '2024-07-23T03:15:40Z'),
      bk(
        'RUN /bin/sh -c set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tlibnss-wrapper \t\txz-utils \t\tzstd \t; \trm -rf /var/lib/apt/lists/* # buildkit',
        '2024-07-23T03:15:40Z',
        1_586_245,
      ),
      bk('RUN /bin/sh -c mkdir /docker-entrypoint-initdb.d # buildkit', '2024-07-23T03:15:40Z'),
      bk(
        'RUN /bin/sh -c set -ex; \tkey=\'B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8\'; \texport GNUPGHOME="$(mktemp -d)"; \tmkdir -p /usr/local/share/keyrings/; \tgpg --batch --keyserver keyserver.ubuntu.com --recv-keys "$key"; \tgpg --batch --export --armor "$key" > /usr/local/share/keyrings/postgres.gpg.asc; \tgpgconf --kill all; \trm -rf "$GNUPGHOME" # buildkit',
        '2024-07-23T03:15:40Z',
        4_707,
      ),
      bk('ENV PG_MAJOR=16', '2024-07-23T03:15:40Z'),
      bk(
        'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/16/bin',
        '2024-07-23T03:15:40Z',
      ),
      bk('ENV PG_VERSION=16.3-1.pgdg120+1', '2024-07-23T03:15:40Z'),
      bk(
        'RUN /bin/sh -c set -ex; \texport PYTHONDONTWRITEBYTECODE=1; \tdpkgArch="$(dpkg --print-architecture)"; \taptRepo="[ signed-by=/usr/local/share/keyrings/postgres.gpg.asc ] http://apt.postgresql.org/pub/repos/apt/ bookworm-pgdg main $PG_MAJOR"; \techo "deb $aptRepo" > /etc/apt/sources.list.d/pgdg.list; \tapt-get update; \tapt-get install -y --no-install-recommends postgresql-common; \tsed -ri \'s/#(create_main_cluster) .*$/\\1 = false/\' /etc/postgresql-common/createcluster.conf; \tapt-get install -y --no-install-recommends "postgresql-$PG_MAJOR=$PG_VERSION"; \trm -rf /var/lib/apt/lists/*; \tfind /usr -name \'*.pyc\' -type f -exec bash -c \'for pyc; do dpkg -S "$pyc" &> /dev/null || rm -vf "$pyc"; done\' -- \'{}\' +; \tpostgres --version # buildkit',
        '2024-07-23T03:15:40Z',
        310_866_134,
      ),
      bk(
        'RUN /bin/sh -c set -eux; \tdpkg-divert --add --rename --divert "/usr/share/postgresql/postgresql.conf.sample.dpkg" "/usr/share/postgresql/$PG_MAJOR/postgresql.conf.sample"; \tcp -v /usr/share/postgresql/postgresql.conf.sample.dpkg /usr/share/postgresql/postgresql.conf.sample; \tln -sv ../postgresql.conf.sample "/usr/share/postgresql/$PG_MAJOR/"; \tsed -ri "s!^#?(listen_addresses)\\s*=\\s*\\S+.*!\\1 = \'*\'!" /usr/share/postgresql/postgresql.conf.sample; \tgrep -F "listen_addresses = \'*\'" /usr/share/postgresql/postgresql.conf.sample # buildkit',
        '2024-07-23T03:15:40Z',
        59_002,
      ),
      bk(
        'RUN /bin/sh -c mkdir -p /var/run/postgresql && chown -R postgres:postgres /var/run/postgresql && chmod 3777 /var/run/postgresql # buildkit',
        '2024-07-23T03:15:40Z',
      ),
      bk('ENV PGDATA=/var/lib/postgresql/data', '2024-07-23T03:15:40Z'),
      bk(
        'RUN /bin/sh -c mkdir -p "$PGDATA" && chown -R postgres:postgres "$PGDATA" && chmod 1777 "$PGDATA" # buildkit',
        '2024-07-23T03:15:40Z',
      ),
      bk('VOLUME [/var/lib/postgresql/data]', '2024-07-23T03:15:40Z'),
      bk(
        'COPY docker-entrypoint.sh docker-ensure-initdb.sh /usr/local/bin/ # buildkit',
        '2024-07-23T03:15:40Z',
        13_773,
      ),
      bk(
        'RUN /bin/sh -c ln -sT docker-ensure-initdb.sh /usr/local/bin/docker-enforce-initdb.sh # buildkit',
        '2024-07-23T03:15:40Z',
        33,
      ),
      bk('ENTRYPOINT ["docker-entrypoint.sh"]', '2024-07-23T03:15:40Z'),
      bk('STOPSIGNAL SIGINT', '2024-07-23T03:15:40Z'),
      bk('EXPOSE map[5432/tcp:{}]', '2024-07-23T03:15:40Z'),
      bk('CMD ["postgres"]', '2024-07-23T03:15:40Z'),
    ],
  },
  {
    // Built years ago with the classic builder on a Jenkins agent and pushed as :latest, never rebuilt.
    key: 'ops/toolbox:latest',
    repoTags: [`${REGISTRY}/ops/toolbox:latest`],
    repoDigest: `${REGISTRY}/ops/toolbox@${sha('digest:ops/toolbox:latest')}`,
    created: '2023-03-14T16:48:09.217703548Z',
    dockerVersion: '20.10.23',
    config: imageConfig({
      ExposedPorts: { '22/tcp': {} },
      Env: redactedEnv(['PATH']),
      Cmd: ['/usr/sbin/sshd', '-D'],
      Labels: {
        maintainer: 'platform-ops@pay.internal',
        'org.opencontainers.image.ref.name': 'ubuntu',
        'org.opencontainers.image.version': '22.04',
      },
    }),
    steps: [
      ...UBUNTU_JAMMY('2023-03-01T04:38:48Z'),
      nop(' LABEL maintainer=platform-ops@pay.internal', '2023-03-14T16:45:02Z'),
      classic(
        '/bin/sh -c apt-get update && apt-get install -y openssh-server sudo curl ca-certificates gnupg vim less jq netcat-openbsd iproute2 iputils-ping dnsutils tcpdump strace postgresql-client redis-tools && rm -rf /var/lib/apt/lists/*',
        '2023-03-14T16:47:21Z',
        231_774_309,
      ),
      classic(
        '/bin/sh -c install -m 0755 -d /etc/apt/keyrings && curl -fsSL https://download.docker.com/linux/ubuntu/gpg -o /etc/apt/keyrings/docker.asc && echo "deb [signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/ubuntu jammy stable" > /etc/apt/sources.list.d/docker.list && apt-get update && apt-get install -y docker-ce-cli docker-compose-plugin && rm -rf /var/lib/apt/lists/*',
        '2023-03-14T16:47:58Z',
        118_305_227,
      ),
      classic(
        "/bin/sh -c mkdir -p /var/run/sshd && sed -i 's/#PermitRootLogin prohibit-password/PermitRootLogin yes/' /etc/ssh/sshd_config && useradd --uid 2000 --create-home --shell /bin/bash ops && echo 'ops ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/ops",
        '2023-03-14T16:48:04Z',
        340_118,
      ),
      nop(
        'COPY file:6f0a1be2ad0c4e9c2d0b5e6bd5cbb0c5ab5e77d4d4ce9de2c8cbda35c9b0bfa1 in /home/ops/.ssh/authorized_keys ',
        '2023-03-14T16:48:07Z',
        2_233,
      ),
      nop(' EXPOSE 22', '2023-03-14T16:48:08Z'),
      nop(' CMD ["/usr/sbin/sshd" "-D"]', '2023-03-14T16:48:09Z'),
    ],
  },
  {
    key: 'prom/node-exporter:v1.8.1',
    repoTags: ['prom/node-exporter:v1.8.1'],
    repoDigest: `prom/node-exporter@${sha('digest:prom/node-exporter:v1.8.1')}`,
    created: '2024-05-21T11:16:52.364611902Z',
    dockerVersion: '',
    config: imageConfig({
      User: 'nobody',
      ExposedPorts: { '9100/tcp': {} },
      Env: redactedEnv(['PATH']),
      Entrypoint: ['/bin/node_exporter'],
      Labels: { maintainer: 'The Prometheus Authors <prometheus-developers@googlegroups.com>' },
    }),
    steps: [
      nop(
        'ADD file:7e9002edaafd4e4579b65c8f0aaabde1aeb7fd3f8d95579f7f2d47d3ad4e4e71 in / ',
        '2024-04-15T19:58:04Z',
        4_261_550,
      ),
      nop(' CMD ["sh"]', '2024-04-15T19:58:04Z'),
      bk(
        'LABEL maintainer=The Prometheus Authors <prometheus-developers@googlegroups.com>',
        '2024-04-16T12:41:13Z',
      ),
      bk('COPY /rootfs / # buildkit', '2024-04-16T12:41:13Z', 1_026_592),
      bk(
        'LABEL maintainer=The Prometheus Authors <prometheus-developers@googlegroups.com>',
        '2024-05-21T11:16:52Z',
      ),
      bk('ARG ARCH=amd64', '2024-05-21T11:16:52Z'),
      bk('ARG OS=linux', '2024-05-21T11:16:52Z'),
      bk(
        'COPY .build/linux-amd64/node_exporter /bin/node_exporter # buildkit',
        '2024-05-21T11:16:52Z',
        20_735_146,
      ),
      bk('EXPOSE map[9100/tcp:{}]', '2024-05-21T11:16:52Z'),
      bk('USER nobody', '2024-05-21T11:16:52Z'),
      bk('ENTRYPOINT ["/bin/node_exporter"]', '2024-05-21T11:16:52Z'),
    ],
  },
  {
    key: 'fluent/fluent-bit:3.0.7',
    repoTags: ['fluent/fluent-bit:3.0.7'],
    repoDigest: `fluent/fluent-bit@${sha('digest:fluent/fluent-bit:3.0.7')}`,
    created: '2024-06-11T09:32:18.046113052Z',
    dockerVersion: '',
    config: imageConfig({
      ExposedPorts: { '2020/tcp': {} },
      Env: redactedEnv(['PATH', 'SSL_CERT_FILE', 'FLUENT_BIT_VERSION']),
      Cmd: ['/fluent-bit/bin/fluent-bit', '-c', '/fluent-bit/etc/fluent-bit.conf'],
      Entrypoint: ['/fluent-bit/bin/fluent-bit'],
      Labels: {
        description: 'Fluent Bit multi-architecture container image',
        'org.opencontainers.image.source': 'https://github.com/fluent/fluent-bit',
        'org.opencontainers.image.version': '3.0.7',
      },
    }),
    steps: [
      { by: 'bazel build ...', at: '1970-01-01T00:00:00Z', size: 20_315_210, comment: '' },
      { by: 'bazel build ...', at: '1970-01-01T00:00:00Z', size: 2_182_402, comment: '' },
      bk('ARG RELEASE_VERSION=3.0.7', '2024-06-11T09:32:18Z'),
      bk('ENV FLUENT_BIT_VERSION=3.0.7', '2024-06-11T09:32:18Z'),
      bk(
        'LABEL description=Fluent Bit multi-architecture container image vendor=Fluent Organization version=3.0.7 author=Eduardo Silva <eduardo.silva@chronosphere.io> org.opencontainers.image.description=Fluent Bit container image org.opencontainers.image.title=Fluent Bit org.opencontainers.image.licenses=Apache-2.0 org.opencontainers.image.vendor=Fluent Organization org.opencontainers.image.version=3.0.7 org.opencontainers.image.source=https://github.com/fluent/fluent-bit org.opencontainers.image.documentation=https://docs.fluentbit.io/ org.opencontainers.image.authors=Eduardo Silva <eduardo.silva@chronosphere.io>',
        '2024-06-11T09:32:18Z',
      ),
      bk('ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt', '2024-06-11T09:32:18Z'),
      bk('COPY /dpkg/ / # buildkit', '2024-06-11T09:32:18Z', 17_803_612),
      bk('COPY /fluent-bit /fluent-bit # buildkit', '2024-06-11T09:32:18Z', 48_221_903),
      bk('EXPOSE map[2020/tcp:{}]', '2024-06-11T09:32:18Z'),
      bk('ENTRYPOINT ["/fluent-bit/bin/fluent-bit"]', '2024-06-11T09:32:18Z'),
      bk('CMD ["/fluent-bit/bin/fluent-bit" "-c" "/fluent-bit/etc/fluent-bit.conf"]', '2024-06-11T09:32:18Z'),
    ],
  },
  {
    // The nightly settlement report job: refreshes the package index in a step of its own and fetches its
    // tool with ADD from a remote URL.
    key: 'report-batch:1.9.0',
    repoTags: [`${REGISTRY}/report-batch:1.9.0`],
    repoDigest: `${REGISTRY}/report-batch@${sha('digest:report-batch:1.9.0')}`,
    created: '2024-05-08T07:14:36.720331090Z',
    dockerVersion: '',
    config: imageConfig({
      User: 'reports',
      Env: redactedEnv(['PATH', 'REPORTGEN_HOME']),
      Cmd: ['--job', 'nightly-settlement'],
      WorkingDir: '/opt/jobs',
      Entrypoint: ['/opt/venv/bin/python', '-m', 'reportgen.run'],
      Labels: { 'com.pay.team': 'finance-reporting' },
    }),
    steps: [
      ...DEBIAN_BOOKWORM('2024-04-23T00:00:00Z', '1713830400', 28_233_721).map((s) => ({
        ...s,
        by: s.by.replace(' out/', ' --slim out/'),
      })),
      bk('RUN /bin/sh -c apt-get update # buildkit', '2024-05-08T07:12:02Z', 19_244_790),
      bk(
        'RUN /bin/sh -c apt-get install -y --no-install-recommends python3 python3-venv libpq5 fonts-dejavu-core # buildkit',
        '2024-05-08T07:13:10Z',
        63_407_815,
      ),
      bk('ENV REPORTGEN_HOME=/opt/reportgen', '2024-05-08T07:13:10Z'),
      bk(
        'ADD https://downloads.example.com/reportgen/reportgen-2.4.1.tar.gz /opt/ # buildkit',
        '2024-05-08T07:13:14Z',
        5_912_640,
      ),
      bk(
        'RUN /bin/sh -c tar -xzf /opt/reportgen-2.4.1.tar.gz -C /opt && mv /opt/reportgen-2.4.1 /opt/reportgen && python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir /opt/reportgen # buildkit',
        '2024-05-08T07:14:30Z',
        88_560_213,
      ),
      bk(
        'RUN /bin/sh -c useradd --system --uid 10001 --create-home reports # buildkit',
        '2024-05-08T07:14:33Z',
        8_981,
      ),
      bk('COPY jobs/ /opt/jobs/ # buildkit', '2024-05-08T07:14:35Z', 412_378),
      bk('USER reports', '2024-05-08T07:14:36Z'),
      bk('WORKDIR /opt/jobs', '2024-05-08T07:14:36Z'),
      bk('LABEL com.pay.team=finance-reporting', '2024-05-08T07:14:36Z'),
      bk('ENTRYPOINT ["/opt/venv/bin/python" "-m" "reportgen.run"]', '2024-05-08T07:14:36Z'),
      bk('CMD ["--job" "nightly-settlement"]', '2024-05-08T07:14:36Z'),
    ],
  },
  {
    key: 'redis:7.2.5',
    repoTags: ['redis:7.2.5'],
    repoDigest: `redis@${sha('digest:redis:7.2.5')}`,
    created: '2024-07-23T04:02:11Z',
    dockerVersion: '',
    config: imageConfig({
      ExposedPorts: { '6379/tcp': {} },
      Env: redactedEnv(['PATH', 'GOSU_VERSION', 'REDIS_VERSION', 'REDIS_DOWNLOAD_URL', 'REDIS_DOWNLOAD_SHA']),
      Cmd: ['redis-server'],
      Volumes: { '/data': {} },
      WorkingDir: '/data',
      Entrypoint: ['docker-entrypoint.sh'],
    }),
    steps: [
      ...DEBIAN_BOOKWORM('2024-07-23T00:00:00Z', '1721001600', 74_776_842),
      bk(
        'RUN /bin/sh -c set -eux; \tgroupadd -r -g 999 redis; \tuseradd -r -g redis -u 999 redis # buildkit',
        '2024-07-23T04:02:11Z',
        4_318,
      ),
      bk(
        'RUN /bin/sh -c set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\ttzdata \t; \trm -rf /var/lib/apt/lists/* # buildkit',
        '2024-07-23T04:02:11Z',
        1_503_220,
      ),
      bk('ENV GOSU_VERSION=1.17', '2024-07-23T04:02:11Z'),
      bk(
        'RUN /bin/sh -c set -eux; \tsavedAptMark="$(apt-mark showmanual)"; \tapt-get update; \tapt-get install -y --no-install-recommends ca-certificates gnupg wget; \trm -rf /var/lib/apt/lists/*; \tarch="$(dpkg --print-architecture | awk -F- \'{ print $NF }\')"; \twget -O /usr/local/bin/gosu "https://github.com/tianon/gosu/releases/download/$GOSU_VERSION/gosu-$arch"; \tchmod +x /usr/local/bin/gosu; \tgosu --version; \tgosu nobody true; \tapt-mark auto \'.*\' > /dev/null; \t[ -z "$savedAptMark" ] || apt-mark manual $savedAptMark > /dev/null; \tapt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false # buildkit',
        '2024-07-23T04:02:11Z',
        4_151_077,
      ),
      bk('ENV REDIS_VERSION=7.2.5', '2024-07-23T04:02:11Z'),
      bk(
        'ENV REDIS_DOWNLOAD_URL=http://download.redis.io/releases/redis-7.2.5.tar.gz',
        '2024-07-23T04:02:11Z',
      ),
      bk(
        'ENV REDIS_DOWNLOAD_SHA=5981179706f8391f03be91d951acafaeda91af7fac56beffb2701963103e423d',
        '2024-07-23T04:02:11Z',
      ),
      bk(
        'RUN /bin/sh -c set -eux; \tsavedAptMark="$(apt-mark showmanual)"; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tca-certificates \t\twget \t\tdpkg-dev \t\tgcc \t\tlibc6-dev \t\tlibssl-dev \t\tmake \t; \twget -O redis.tar.gz "$REDIS_DOWNLOAD_URL"; \techo "$REDIS_DOWNLOAD_SHA *redis.tar.gz" | sha256sum -c -; \tmkdir -p /usr/src/redis; \ttar -xzf redis.tar.gz -C /usr/src/redis --strip-components=1; \trm redis.tar.gz; \texport BUILD_TLS=yes; \tmake -C /usr/src/redis -j "$(nproc)" all; \tmake -C /usr/src/redis install; \trm -r /usr/src/redis; \tapt-mark auto \'.*\' > /dev/null; \tapt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \tredis-cli --version; \tredis-server --version # buildkit',
        '2024-07-23T04:02:11Z',
        31_094_650,
      ),
      bk('RUN /bin/sh -c mkdir /data && chown redis:redis /data # buildkit', '2024-07-23T04:02:11Z'),
      bk('VOLUME [/data]', '2024-07-23T04:02:11Z'),
      bk('WORKDIR /data', '2024-07-23T04:02:11Z'),
      bk('COPY docker-entrypoint.sh /usr/local/bin/ # buildkit', '2024-07-23T04:02:11Z', 661),
      bk('ENTRYPOINT ["docker-entrypoint.sh"]', '2024-07-23T04:02:11Z'),
      bk('EXPOSE map[6379/tcp:{}]', '2024-07-23T04:02:11Z'),
      bk('CMD ["redis-server"]', '2024-07-23T04:02:11Z'),
    ],
  },
  {
    // A partner still uploads settlement files over FTP; the container was prepared but never started.
    key: 'legacy/vsftpd:3.0.3-deb11',
    repoTags: [`${REGISTRY}/legacy/vsftpd:3.0.3-deb11`],
    repoDigest: `${REGISTRY}/legacy/vsftpd@${sha('digest:legacy/vsftpd:3.0.3-deb11')}`,
    created: '2022-09-20T12:31:45.118530734Z',
    dockerVersion: '20.10.17',
    config: imageConfig({
      ExposedPorts: { '20/tcp': {}, '21/tcp': {} },
      Env: redactedEnv(['PATH']),
      Cmd: ['/usr/local/bin/start-vsftpd.sh'],
      Labels: null,
    }),
    steps: [
      ...DEBIAN_BULLSEYE_2022('2022-09-13T01:20:06Z'),
      nop(' MAINTAINER it-ops@pay.internal', '2022-09-20T12:30:59Z'),
      classic(
        '/bin/sh -c apt-get update && apt-get install -y vsftpd db-util curlftpfs && rm -rf /var/lib/apt/lists/*',
        '2022-09-20T12:31:40Z',
        14_672_018,
      ),
      nop(
        'COPY file:0b3a5ad4f3f1c1a9b3bd4e4bd6a18d4d8b0f7df5d0c7c9a6a3c4fb7d43a1c5e2 in /etc/vsftpd.conf ',
        '2022-09-20T12:31:42Z',
        1_311,
      ),
      nop(
        'COPY file:5c1e3b6ad1f0c2a8d7d4b8a1c7e3f4a2b6c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3 in /usr/local/bin/start-vsftpd.sh ',
        '2022-09-20T12:31:43Z',
        873,
      ),
      classic('/bin/sh -c mkdir -p /var/run/vsftpd/empty /srv/ftp', '2022-09-20T12:31:44Z'),
      nop(' EXPOSE 20 21', '2022-09-20T12:31:45Z'),
      nop(' CMD ["/usr/local/bin/start-vsftpd.sh"]', '2022-09-20T12:31:45Z'),
    ],
  },
];

const imageId = (key: string): string => sha(`image:${key}`);

function imageDoc(spec: ImageSpec): Doc {
  const id = imageId(spec.key);
  const newestFirst = [...spec.steps].reverse();
  const history: Doc[] = newestFirst.map((s, i) => ({
    Id: i === 0 ? id : '<missing>',
    Created: unix(s.at),
    CreatedBy: s.by,
    Tags: i === 0 ? spec.repoTags : null,
    Size: s.size ?? 0,
    Comment: s.comment ?? '',
  }));
  const layers = spec.steps
    .filter((s) => LAYER.test(s.by))
    .map((s, i) => sha(`layer:${spec.key}:${i}:${s.by}`));
  const size = spec.steps.reduce((n, s) => n + (s.size ?? 0), 0);
  const top = hex(`image-layer-dir:${spec.key}`);
  const doc: Doc = json({
    Id: id,
    RepoTags: spec.repoTags,
    RepoDigests: spec.repoDigest ? [spec.repoDigest] : [],
    Parent: '',
    Comment: spec.steps[spec.steps.length - 1]?.comment ?? '',
    Created: spec.created,
    DockerVersion: spec.dockerVersion,
    Author: '',
    Config: { ...spec.config, Image: spec.dockerVersion ? sha(`parent:${spec.key}`) : '' },
    Architecture: 'amd64',
    Os: 'linux',
    Size: size,
    GraphDriver: {
      Data: {
        LowerDir: layers
          .slice(0, -1)
          .map((_, i) => `/var/lib/docker/overlay2/${hex(`image-layer-dir:${spec.key}:${i}`)}/diff`)
          .reverse()
          .join(':'),
        MergedDir: `/var/lib/docker/overlay2/${top}/merged`,
        UpperDir: `/var/lib/docker/overlay2/${top}/diff`,
        WorkDir: `/var/lib/docker/overlay2/${top}/work`,
      },
      Name: 'overlay2',
    },
    RootFS: { Type: 'layers', Layers: layers },
    Metadata: { LastTagTime: spec.lastTagTime ?? NEVER },
  });
  // The collector's own normalisation: env and ENV/ARG values in history redacted, History and Name added.
  return normaliseImage(doc, history);
}

function imageSpec(key: string): ImageSpec {
  const spec = IMAGES.find((i) => i.key === key);
  if (!spec) throw new Error(`demo: no image ${key}`);
  return spec;
}

// ---------------------------------------------------------------------------------------------------------
// Networks
// ---------------------------------------------------------------------------------------------------------

interface NetSpec {
  name: string;
  subnet?: string;
  gateway?: string;
}
const NETS: Record<string, NetSpec> = {
  bridge: { name: 'bridge', subnet: '172.17.0.0/16', gateway: '172.17.0.1' },
  'payments-net': { name: 'payments-net', subnet: '172.18.0.0/16', gateway: '172.18.0.1' },
  host: { name: 'host' },
  none: { name: 'none' },
};
const networkId = (name: string): string => hex(`network:${name}`);

// ---------------------------------------------------------------------------------------------------------
// Containers
// ---------------------------------------------------------------------------------------------------------

interface Proc {
  uid: number;
  pid: number;
  ppid: number;
  stime: string;
  time?: string;
  cmd: string;
}

interface MountSpec {
  type: 'bind' | 'volume';
  source: string;
  destination: string;
  mode?: string;
  rw?: boolean;
  propagation?: string;
  name?: string;
}

interface ContainerSpec {
  name: string;
  image: string;
  created: string;
  state: 'running' | 'exited' | 'created';
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  restartCount?: number;
  pid?: number;
  health?: 'healthy' | 'unhealthy' | 'starting';
  /** Container-level settings (`docker run` flags); image settings are merged in like the engine does. */
  user?: string;
  env?: string[];
  cmd?: string[] | null;
  labels?: Doc;
  /** One network; the container's address is <subnet>.<ip> on it. */
  network: string;
  ip?: number;
  ports?: Record<string, { HostIp: string; HostPort: string }[]>;
  mounts?: MountSpec[];
  hostConfig: Doc;
  appArmor?: string;
  processes?: Proc[];
}

const LABELS_PCI = { 'com.pay.env': 'prod', 'com.pay.pci-scope': 'cde' };

const MASKED_PATHS = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

const CONTAINERS: ContainerSpec[] = [
  {
    // The hardened one.
    name: 'checkout-web',
    image: 'checkout-web:3.8.2',
    created: '2024-07-29T06:40:12.118046521Z',
    state: 'running',
    startedAt: '2024-07-29T06:40:13.020518377Z',
    pid: 24311,
    health: 'healthy',
    env: ['TZ'],
    labels: { ...LABELS_PCI, 'com.pay.service': 'checkout-web' },
    network: 'payments-net',
    ip: 2,
    ports: { '8080/tcp': [{ HostIp: '10.20.0.5', HostPort: '443' }] },
    mounts: [
      { type: 'bind', source: '/etc/pay/tls/checkout', destination: '/etc/nginx/tls', mode: 'ro', rw: false },
    ],
    hostConfig: {
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 },
      CapDrop: ['ALL'],
      ReadonlyRootfs: true,
      SecurityOpt: ['no-new-privileges:true'],
      Tmpfs: { '/tmp': 'rw,noexec,nosuid,size=64m', '/var/cache/nginx': 'rw,noexec,nosuid,size=32m' },
      Memory: 256 * MiB,
      MemorySwap: 256 * MiB,
      NanoCpus: 1_000_000_000,
      PidsLimit: 200,
    },
    processes: [
      {
        uid: 101,
        pid: 24311,
        ppid: 24288,
        stime: '06:40',
        cmd: 'nginx: master process nginx -g daemon off;',
      },
      { uid: 101, pid: 24402, ppid: 24311, stime: '06:40', time: '00:01:37', cmd: 'nginx: worker process' },
      { uid: 101, pid: 24403, ppid: 24311, stime: '06:40', time: '00:01:41', cmd: 'nginx: worker process' },
    ],
  },
  {
    // Partly hardened: limits memory and has a health check, but runs as root, publishes on every interface,
    // restarts forever and carries its secrets in the environment.
    name: 'payments-api',
    image: 'payments-api:2.15.3',
    created: '2024-08-01T07:58:30.402113905Z',
    state: 'running',
    startedAt: '2024-08-03T22:17:45.771520310Z',
    finishedAt: '2024-08-03T22:17:44.903114206Z',
    restartCount: 2,
    pid: 31877,
    health: 'healthy',
    env: ['DB_URL', 'DB_USER', 'DB_PASSWORD', 'PSP_API_KEY', 'JWT_SIGNING_KEY'],
    labels: { ...LABELS_PCI, 'com.pay.service': 'payments-api' },
    network: 'payments-net',
    ip: 3,
    ports: { '8443/tcp': [{ HostIp: '', HostPort: '8443' }] },
    mounts: [
      {
        type: 'bind',
        source: '/etc/pay/payments-api/application-prod.yml',
        destination: '/app/config/application.yml',
        mode: 'ro',
        rw: false,
      },
    ],
    hostConfig: {
      RestartPolicy: { Name: 'always', MaximumRetryCount: 0 },
      Memory: 1 * GiB,
      MemorySwap: 2 * GiB,
      NanoCpus: 2_000_000_000,
    },
    processes: [
      {
        uid: 0,
        pid: 31877,
        ppid: 31851,
        stime: 'Aug03',
        time: '01:52:09',
        cmd: 'java -XX:MaxRAMPercentage=75 -jar /app/payments-api.jar',
      },
    ],
  },
  {
    name: 'ledger-db',
    image: 'postgres:16.3-bookworm',
    created: '2024-07-29T06:38:55.006613202Z',
    state: 'running',
    startedAt: '2024-07-29T06:38:55.811020133Z',
    pid: 23960,
    env: ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB'],
    cmd: ['postgres', '-c', 'shared_buffers=1GB', '-c', 'max_connections=300'],
    labels: { ...LABELS_PCI, 'com.pay.service': 'ledger-db' },
    network: 'payments-net',
    ip: 4,
    mounts: [
      {
        type: 'volume',
        name: 'ledger-data',
        source: '/var/lib/docker/volumes/ledger-data/_data',
        destination: '/var/lib/postgresql/data',
        mode: 'z',
      },
      { type: 'bind', source: '/srv/backups/ledger', destination: '/backups' },
    ],
    hostConfig: {
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      ShmSize: 1 * GiB,
      Memory: 4 * GiB,
      MemorySwap: 8 * GiB,
      CpuShares: 2048,
      Ulimits: [{ Name: 'nofile', Hard: 262144, Soft: 262144 }],
    },
    processes: [
      {
        uid: 999,
        pid: 23960,
        ppid: 23936,
        stime: 'Jul29',
        time: '00:04:12',
        cmd: 'postgres -c shared_buffers=1GB -c max_connections=300',
      },
      { uid: 999, pid: 24130, ppid: 23960, stime: 'Jul29', time: '00:00:58', cmd: 'postgres: checkpointer ' },
      {
        uid: 999,
        pid: 24131,
        ppid: 23960,
        stime: 'Jul29',
        time: '00:00:07',
        cmd: 'postgres: background writer ',
      },
      { uid: 999, pid: 24133, ppid: 23960, stime: 'Jul29', time: '00:01:31', cmd: 'postgres: walwriter ' },
      {
        uid: 999,
        pid: 24134,
        ppid: 23960,
        stime: 'Jul29',
        time: '00:00:02',
        cmd: 'postgres: autovacuum launcher ',
      },
      { uid: 999, pid: 24135, ppid: 23960, stime: 'Jul29', cmd: 'postgres: logical replication launcher ' },
      {
        uid: 999,
        pid: 31990,
        ppid: 23960,
        stime: 'Aug03',
        time: '00:02:44',
        cmd: 'postgres: ledger ledger 172.18.0.3(51234) idle',
      },
    ],
  },
  {
    // The dangerous one: a privileged "break-glass" shell box with an SSH daemon, the host's namespaces,
    // the Docker socket and the whole host filesystem.
    name: 'ops-toolbox',
    image: 'ops/toolbox:latest',
    created: '2024-07-29T06:35:03.664210071Z',
    state: 'running',
    startedAt: '2024-07-29T06:35:04.250033761Z',
    pid: 23104,
    env: ['TERM'],
    network: 'host',
    mounts: [
      { type: 'bind', source: '/var/run/docker.sock', destination: '/var/run/docker.sock' },
      { type: 'bind', source: '/', destination: '/host' },
      { type: 'bind', source: '/srv/ops/home', destination: '/home/ops' },
    ],
    hostConfig: {
      RestartPolicy: { Name: 'always', MaximumRetryCount: 0 },
      Privileged: true,
      PidMode: 'host',
      SecurityOpt: ['seccomp=unconfined'],
      MaskedPaths: null,
      ReadonlyPaths: null,
    },
    appArmor: 'unconfined',
    processes: [
      { uid: 0, pid: 23104, ppid: 23079, stime: 'Jul29', cmd: '/usr/sbin/sshd -D' },
      { uid: 0, pid: 40211, ppid: 23104, stime: '08:57', cmd: 'sshd: ops [priv]' },
      { uid: 2000, pid: 40230, ppid: 40211, stime: '08:57', cmd: 'sshd: ops@pts/0' },
      { uid: 2000, pid: 40231, ppid: 40230, stime: '08:57', cmd: '-bash' },
    ],
  },
  {
    name: 'node-exporter',
    image: 'prom/node-exporter:v1.8.1',
    created: '2024-07-29T06:36:20.901722415Z',
    state: 'running',
    startedAt: '2024-07-29T06:36:21.337019886Z',
    pid: 23388,
    cmd: [
      '--path.procfs=/host/proc',
      '--path.sysfs=/host/sys',
      '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|var/lib/docker/.+)($|/)',
    ],
    labels: { 'com.pay.env': 'prod', 'com.pay.service': 'monitoring' },
    network: 'bridge',
    ip: 2,
    ports: { '9100/tcp': [{ HostIp: '', HostPort: '9100' }] },
    mounts: [
      {
        type: 'bind',
        source: '/proc',
        destination: '/host/proc',
        mode: 'ro,rslave',
        rw: false,
        propagation: 'rslave',
      },
      {
        type: 'bind',
        source: '/sys',
        destination: '/host/sys',
        mode: 'ro,rslave',
        rw: false,
        propagation: 'rslave',
      },
    ],
    hostConfig: {
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      PidMode: 'host',
      ReadonlyRootfs: true,
      SecurityOpt: ['no-new-privileges:true'],
      Memory: 128 * MiB,
      MemorySwap: 256 * MiB,
      NanoCpus: 500_000_000,
      PidsLimit: 64,
    },
    processes: [
      {
        uid: 65534,
        pid: 23388,
        ppid: 23362,
        stime: 'Jul29',
        time: '00:41:06',
        cmd: '/bin/node_exporter --path.procfs=/host/proc --path.sysfs=/host/sys --collector.filesystem.mount-points-exclude=^/(dev|proc|sys|var/lib/docker/.+)($|/)',
      },
    ],
  },
  {
    // Ships container logs to the SIEM: reads every container's log files, with one shared mount.
    name: 'log-shipper',
    image: 'fluent/fluent-bit:3.0.7',
    created: '2024-07-29T06:37:41.155810334Z',
    state: 'running',
    startedAt: '2024-07-29T06:37:41.602194570Z',
    pid: 23702,
    env: ['SIEM_HOST', 'SIEM_TOKEN'],
    cmd: ['-c', '/fluent-bit/etc/fluent-bit.conf'],
    labels: { 'com.pay.env': 'prod', 'com.pay.service': 'logging' },
    network: 'payments-net',
    ip: 5,
    mounts: [
      {
        type: 'bind',
        source: '/var/lib/docker/containers',
        destination: '/var/lib/docker/containers',
        mode: 'ro',
        rw: false,
      },
      { type: 'bind', source: '/var/log', destination: '/var/log', mode: 'ro', rw: false },
      {
        type: 'bind',
        source: '/srv/fluent-bit/state',
        destination: '/fluent-bit/state',
        mode: 'shared',
        propagation: 'shared',
      },
      { type: 'bind', source: '/etc/pay/fluent-bit', destination: '/fluent-bit/etc', mode: 'ro', rw: false },
    ],
    hostConfig: {
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
      CapAdd: ['DAC_READ_SEARCH'],
      CapDrop: ['ALL'],
      Memory: 512 * MiB,
      MemorySwap: 1 * GiB,
      CpuShares: 512,
      PidsLimit: 256,
    },
    processes: [
      {
        uid: 0,
        pid: 23702,
        ppid: 23677,
        stime: 'Jul29',
        time: '00:27:53',
        cmd: '/fluent-bit/bin/fluent-bit -c /fluent-bit/etc/fluent-bit.conf',
      },
    ],
  },
  {
    // The nightly report job: ran at 02:15 and exited cleanly.
    name: 'report-batch',
    image: 'report-batch:1.9.0',
    created: '2024-05-08T09:03:27.550167812Z',
    state: 'exited',
    startedAt: '2024-08-06T02:15:00.412883155Z',
    finishedAt: '2024-08-06T02:31:12.090157731Z',
    exitCode: 0,
    env: ['DB_URL', 'DB_USER', 'DB_PASSWORD', 'SFTP_TARGET'],
    labels: { ...LABELS_PCI, 'com.pay.service': 'report-batch' },
    network: 'payments-net',
    mounts: [{ type: 'bind', source: '/srv/reports/out', destination: '/opt/jobs/out' }],
    hostConfig: {
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      Memory: 2 * GiB,
      MemorySwap: 4 * GiB,
      NanoCpus: 2_000_000_000,
    },
  },
  {
    // Started by hand for a load test with `docker run -d -p 127.0.0.1:6379:6379 redis:7.2.5` and never
    // removed: defaults everywhere (root, no limits, default bridge, no restart policy).
    name: 'redis-cache',
    image: 'redis:7.2.5',
    created: '2024-07-29T06:39:30.771902340Z',
    state: 'running',
    startedAt: '2024-07-29T06:39:31.224110298Z',
    pid: 24122,
    network: 'bridge',
    ip: 3,
    ports: { '6379/tcp': [{ HostIp: '127.0.0.1', HostPort: '6379' }] },
    mounts: [
      {
        type: 'volume',
        name: hex('volume:redis-cache:data'),
        source: `/var/lib/docker/volumes/${hex('volume:redis-cache:data')}/_data`,
        destination: '/data',
      },
    ],
    hostConfig: { RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } },
    processes: [
      { uid: 999, pid: 24122, ppid: 24098, stime: 'Jul29', time: '00:12:40', cmd: 'redis-server *:6379' },
    ],
  },
  {
    // Prepared for a partner's FTP uploads but never started: publishes port 21 on every interface, uses a
    // custom cgroup parent and FUSE (for curlftpfs), which needs SYS_ADMIN.
    name: 'legacy-ftp',
    image: 'legacy/vsftpd:3.0.3-deb11',
    created: '2024-06-27T14:22:08.330171259Z',
    state: 'created',
    env: ['FTP_USER', 'FTP_PASS', 'PASV_ADDRESS'],
    labels: { 'com.pay.env': 'prod', 'com.pay.service': 'partner-ftp' },
    network: 'bridge',
    ports: { '21/tcp': [{ HostIp: '', HostPort: '21' }] },
    mounts: [{ type: 'bind', source: '/srv/ftp', destination: '/srv/ftp' }],
    hostConfig: {
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      CapAdd: ['SYS_ADMIN'],
      CgroupParent: 'legacy.slice',
      Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }],
      Ulimits: null,
    },
  },
];

const containerId = (name: string): string => hex(`container:${name}`);

function bindSpec(m: MountSpec): string {
  return m.mode ? `${m.source}:${m.destination}:${m.mode}` : `${m.source}:${m.destination}`;
}

function mountDoc(m: MountSpec): Doc {
  if (m.type === 'volume') {
    return {
      Type: 'volume',
      Name: m.name ?? '',
      Source: m.source,
      Destination: m.destination,
      Driver: 'local',
      Mode: m.mode ?? '',
      RW: m.rw ?? true,
      Propagation: '',
    };
  }
  return {
    Type: 'bind',
    Source: m.source,
    Destination: m.destination,
    Mode: m.mode ?? '',
    RW: m.rw ?? true,
    Propagation: m.propagation ?? 'rprivate',
  };
}

/** Default HostConfig of a `docker run` on Docker 26.1 (keys in the engine's order). */
function hostConfigFor(c: ContainerSpec, started: boolean): Doc {
  const o = c.hostConfig;
  const binds = (c.mounts ?? []).filter((m) => m.type === 'bind').map(bindSpec);
  const namedVolumes = (c.mounts ?? []).filter(
    (m) => m.type === 'volume' && m.name && !/^[0-9a-f]{64}$/.test(m.name),
  );
  const allBinds = [...binds, ...namedVolumes.map((m) => `${m.name}:${m.destination}`)];
  const privileged = o.Privileged === true;
  const ownUlimits = (o.Ulimits as Doc[] | null | undefined) ?? [];
  // dockerd merges its default-ulimits into HostConfig when it starts a container (mergeUlimits).
  const ulimits = started
    ? [...ownUlimits, ...DEFAULT_ULIMITS.filter((d) => !ownUlimits.some((u) => u.Name === d.Name))]
    : ownUlimits;
  const portBindings: Doc = {};
  for (const [port, bindings] of Object.entries(c.ports ?? {})) portBindings[port] = bindings;
  return json({
    Binds: allBinds.length ? allBinds : null,
    ContainerIDFile: '',
    LogConfig: { Type: 'json-file', Config: { ...LOG_OPTS } },
    NetworkMode: c.network,
    PortBindings: portBindings,
    RestartPolicy: o.RestartPolicy ?? { Name: 'no', MaximumRetryCount: 0 },
    AutoRemove: false,
    VolumeDriver: '',
    VolumesFrom: null,
    ConsoleSize: [0, 0],
    CapAdd: o.CapAdd ?? null,
    CapDrop: o.CapDrop ?? null,
    CgroupnsMode: 'private',
    Dns: [],
    DnsOptions: [],
    DnsSearch: [],
    ExtraHosts: null,
    GroupAdd: null,
    IpcMode: o.IpcMode ?? 'private',
    Cgroup: '',
    Links: null,
    OomScoreAdj: 0,
    PidMode: o.PidMode ?? '',
    Privileged: privileged,
    PublishAllPorts: false,
    ReadonlyRootfs: o.ReadonlyRootfs ?? false,
    SecurityOpt: o.SecurityOpt ?? null,
    Tmpfs: o.Tmpfs,
    UTSMode: o.UTSMode ?? '',
    UsernsMode: '',
    ShmSize: o.ShmSize ?? 64 * MiB,
    Runtime: 'runc',
    Isolation: '',
    CpuShares: o.CpuShares ?? 0,
    Memory: o.Memory ?? 0,
    NanoCpus: o.NanoCpus ?? 0,
    CgroupParent: o.CgroupParent ?? '',
    BlkioWeight: 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    CpuPeriod: 0,
    CpuQuota: 0,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: '',
    CpusetMems: '',
    Devices: o.Devices ?? [],
    DeviceCgroupRules: null,
    DeviceRequests: null,
    MemoryReservation: 0,
    MemorySwap: o.MemorySwap ?? 0,
    MemorySwappiness: null,
    OomKillDisable: false,
    PidsLimit: o.PidsLimit ?? null,
    Ulimits: ulimits,
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    MaskedPaths: 'MaskedPaths' in o ? o.MaskedPaths : MASKED_PATHS,
    ReadonlyPaths: 'ReadonlyPaths' in o ? o.ReadonlyPaths : READONLY_PATHS,
  });
}

function ipOf(network: string, n: number): string {
  const gw = NETS[network]?.gateway ?? '';
  return gw.replace(/\.1$/, `.${n}`);
}
const macOf = (ip: string): string =>
  `02:42:${ip
    .split('.')
    .map((o) => Number(o).toString(16).padStart(2, '0'))
    .join(':')}`;

/** The last health probes (the engine keeps five; four are enough to look real). */
function healthLog(output: string): Doc[] {
  return ['09:39:56', '09:40:26', '09:40:56', '09:41:26'].map((t, i) => ({
    Start: `2024-08-06T${t}.${String(180_412_557 + i * 1_003_211)}Z`,
    End: `2024-08-06T${t}.${String(201_733_820 + i * 997_104)}Z`,
    ExitCode: 0,
    Output: output,
  }));
}

function containerDoc(c: ContainerSpec): Doc {
  const id = containerId(c.name);
  const spec = imageSpec(c.image);
  const img = spec.config;
  const running = c.state === 'running';
  const started = c.state !== 'created';
  const hostNet = c.network === 'host';
  const ip = running && c.ip ? ipOf(c.network, c.ip) : '';
  const healthTest = img.Healthcheck as Doc | undefined;
  const imageEnv = (img.Env as string[]) ?? [];
  const env = [...redactedEnv(c.env ?? []), ...imageEnv];
  const exposed: Doc = { ...((img.ExposedPorts as Doc | undefined) ?? {}) };
  for (const port of Object.keys(c.ports ?? {})) exposed[port] = {};
  const labels = { ...((img.Labels as Doc | null) ?? {}), ...(c.labels ?? {}) };
  const cmd = c.cmd !== undefined ? c.cmd : (img.Cmd as string[] | null);
  const commandLine = [...((img.Entrypoint as string[] | null) ?? []), ...(cmd ?? [])];
  const layerDir = hex(`container-layer:${c.name}`);
  const sandbox = hex(`sandbox:${c.name}`);

  // NetworkSettings.Ports: every exposed port, with the bindings in place while the container runs.
  const ports: Doc = {};
  if (running && !hostNet) {
    for (const port of Object.keys(exposed).sort()) {
      const bound = c.ports?.[port];
      ports[port] = bound
        ? bound.flatMap((b) =>
            b.HostIp === ''
              ? [
                  { HostIp: '0.0.0.0', HostPort: b.HostPort },
                  { HostIp: '::', HostPort: b.HostPort },
                ]
              : [b],
          )
        : null;
    }
  }
  const net = NETS[c.network] as NetSpec;
  const userDefined = !['bridge', 'host', 'none'].includes(c.network);
  const endpoint = {
    IPAMConfig: null,
    Links: null,
    Aliases: null,
    MacAddress: ip ? macOf(ip) : '',
    NetworkID: networkId(net.name),
    EndpointID: running ? hex(`endpoint:${c.name}`) : '',
    Gateway: running && net.gateway ? net.gateway : '',
    IPAddress: ip,
    IPPrefixLen: ip ? 16 : 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DriverOpts: null,
    DNSNames: userDefined ? [c.name, short(id)] : null,
  };
  const onDefaultBridge = c.network === 'bridge' && running;
  const health = c.health
    ? {
        Status: c.health,
        FailingStreak: 0,
        Log: healthLog(c.name === 'payments-api' ? '{"status":"UP"}' : ''),
      }
    : undefined;

  const doc: Doc = json({
    Id: id,
    Created: c.created,
    Path: commandLine[0] ?? '',
    Args: commandLine.slice(1),
    State: {
      Status: c.state,
      Running: running,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: running ? c.pid : 0,
      ExitCode: c.exitCode ?? 0,
      Error: '',
      StartedAt: c.startedAt ?? NEVER,
      FinishedAt: c.finishedAt ?? NEVER,
      Health: health,
    },
    Image: imageId(c.image),
    ResolvConfPath: `/var/lib/docker/containers/${id}/resolv.conf`,
    HostnamePath: `/var/lib/docker/containers/${id}/hostname`,
    HostsPath: `/var/lib/docker/containers/${id}/hosts`,
    LogPath: started ? `/var/lib/docker/containers/${id}/${id}-json.log` : '',
    Name: `/${c.name}`,
    RestartCount: c.restartCount ?? 0,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    // Set by the engine when the container starts: empty for a container that was only created.
    AppArmorProfile: started ? (c.appArmor ?? 'docker-default') : '',
    ExecIDs: null,
    HostConfig: hostConfigFor(c, started),
    GraphDriver: {
      Data: {
        LowerDir: `/var/lib/docker/overlay2/${layerDir}-init/diff:/var/lib/docker/overlay2/${hex(`image-layer-dir:${c.image}`)}/diff`,
        MergedDir: `/var/lib/docker/overlay2/${layerDir}/merged`,
        UpperDir: `/var/lib/docker/overlay2/${layerDir}/diff`,
        WorkDir: `/var/lib/docker/overlay2/${layerDir}/work`,
      },
      Name: 'overlay2',
    },
    Mounts: (c.mounts ?? []).map(mountDoc),
    Config: {
      Hostname: hostNet ? HOST_NAME : short(id),
      Domainname: '',
      User: c.user ?? img.User ?? '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ExposedPorts: Object.keys(exposed).length ? exposed : undefined,
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: env,
      Cmd: cmd,
      Healthcheck: healthTest,
      Image: spec.repoTags[0],
      Volumes: img.Volumes ?? null,
      WorkingDir: img.WorkingDir ?? '',
      Entrypoint: img.Entrypoint ?? null,
      OnBuild: null,
      Labels: labels,
      StopSignal: img.StopSignal,
    },
    NetworkSettings: {
      Bridge: '',
      SandboxID: running ? sandbox : '',
      SandboxKey: running
        ? hostNet
          ? '/var/run/docker/netns/default'
          : `/var/run/docker/netns/${sandbox.slice(0, 12)}`
        : '',
      Ports: ports,
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: onDefaultBridge ? endpoint.EndpointID : '',
      Gateway: onDefaultBridge ? endpoint.Gateway : '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: onDefaultBridge ? ip : '',
      IPPrefixLen: onDefaultBridge ? 16 : 0,
      IPv6Gateway: '',
      MacAddress: onDefaultBridge ? endpoint.MacAddress : '',
      Networks: { [net.name]: endpoint },
    },
  });

  // The collector's normalisation (Name without "/", env redacted), then `top` for running containers.
  normaliseContainer(doc);
  if (running) {
    doc.Processes = json(
      mapTop({
        Titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
        Processes: (c.processes ?? []).map((p) => [
          psUser(p.uid),
          String(p.pid),
          String(p.ppid),
          '0',
          p.stime,
          p.cmd.includes('pts/0') || p.cmd === '-bash' ? 'pts/0' : '?',
          p.time ?? '00:00:00',
          p.cmd,
        ]),
      }),
    );
  } else {
    doc.Processes = null;
  }
  return doc;
}

function networkDoc(spec: NetSpec, created: string, containers: ContainerSpec[]): Doc {
  const members: Doc = {};
  for (const c of containers) {
    if (c.network !== spec.name || c.state !== 'running') continue;
    const ip = c.ip ? ipOf(c.network, c.ip) : '';
    members[containerId(c.name)] = {
      Name: c.name,
      EndpointID: hex(`endpoint:${c.name}`),
      MacAddress: ip ? macOf(ip) : '',
      IPv4Address: ip ? `${ip}/16` : '',
      IPv6Address: '',
    };
  }
  const isBridge = spec.name === 'bridge' || spec.name === 'payments-net';
  const options: Doc =
    spec.name === 'bridge'
      ? {
          'com.docker.network.bridge.default_bridge': 'true',
          // dockerd's --icc=false / "icc": false shows here
          'com.docker.network.bridge.enable_icc': 'false',
          'com.docker.network.bridge.enable_ip_masquerade': 'true',
          'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
          'com.docker.network.bridge.name': 'docker0',
          'com.docker.network.driver.mtu': '1500',
        }
      : {};
  return json({
    Name: spec.name,
    Id: networkId(spec.name),
    Created: created,
    Scope: 'local',
    Driver: spec.name === 'none' ? 'null' : isBridge ? 'bridge' : 'host',
    EnableIPv6: false,
    IPAM: {
      Driver: 'default',
      Options: spec.name === 'payments-net' ? {} : null,
      Config: spec.subnet ? [{ Subnet: spec.subnet, Gateway: spec.gateway }] : [],
    },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: members,
    Options: options,
    Labels: spec.name === 'payments-net' ? { 'com.pay.env': 'prod', 'com.pay.pci-scope': 'cde' } : {},
  });
}

// ---------------------------------------------------------------------------------------------------------
// Engine: GET /info and GET /version
// ---------------------------------------------------------------------------------------------------------

function engineInfo(): Doc {
  const running = CONTAINERS.filter((c) => c.state === 'running').length;
  return {
    ID: ENGINE_ID,
    Containers: CONTAINERS.length,
    ContainersRunning: running,
    ContainersPaused: 0,
    ContainersStopped: CONTAINERS.length - running,
    Images: IMAGES.length,
    Driver: 'overlay2',
    DriverStatus: [
      ['Backing Filesystem', 'extfs'],
      ['Supports d_type', 'true'],
      ['Using metacopy', 'false'],
      ['Native Overlay Diff', 'true'],
      ['userxattr', 'false'],
    ],
    Plugins: {
      Volume: ['local'],
      Network: ['bridge', 'host', 'ipvlan', 'macvlan', 'null', 'overlay'],
      Authorization: null,
      Log: ['awslogs', 'fluentd', 'gcplogs', 'gelf', 'journald', 'json-file', 'local', 'splunk', 'syslog'],
    },
    MemoryLimit: true,
    SwapLimit: true,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    IPv4Forwarding: true,
    BridgeNfIptables: true,
    BridgeNfIp6tables: true,
    Debug: false,
    NFd: 96,
    OomKillDisable: false,
    NGoroutines: 143,
    SystemTime: '2024-08-06T09:41:27.203611934Z',
    LoggingDriver: 'json-file',
    CgroupDriver: 'systemd',
    CgroupVersion: '2',
    NEventsListener: 0,
    KernelVersion: KERNEL,
    OperatingSystem: OS_NAME,
    OSVersion: '12',
    OSType: 'linux',
    Architecture: 'x86_64',
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: {
      AllowNondistributableArtifactsCIDRs: null,
      AllowNondistributableArtifactsHostnames: null,
      InsecureRegistryCIDRs: ['127.0.0.0/8'],
      IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: [], Secure: true, Official: true } },
      Mirrors: null,
    },
    NCPU: 8,
    MemTotal: 33_654_067_200,
    GenericResources: null,
    DockerRootDir: '/var/lib/docker',
    HttpProxy: '',
    HttpsProxy: '',
    NoProxy: '',
    Name: HOST_NAME,
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: ENGINE_VERSION,
    Runtimes: {
      'io.containerd.runc.v2': { path: 'runc' },
      runc: { path: 'runc' },
    },
    DefaultRuntime: 'runc',
    Swarm: {
      NodeID: '',
      NodeAddr: '',
      LocalNodeState: 'inactive',
      ControlAvailable: false,
      Error: '',
      RemoteManagers: null,
    },
    LiveRestoreEnabled: true,
    Isolation: '',
    InitBinary: 'docker-init',
    ContainerdCommit: { ID: '2bf793ef6dc9a18e00cb12efb64355c2c9d5eb41' },
    RuncCommit: { ID: 'v1.1.13-0-g58aa920' },
    InitCommit: { ID: 'de40ad0' },
    SecurityOptions: ['name=apparmor', 'name=seccomp,profile=builtin', 'name=cgroupns'],
    CDISpecDirs: ['/etc/cdi', '/var/run/cdi'],
    Warnings: null,
  };
}

function engineVersion(): Doc {
  const buildTime = '2024-07-23T19:42:01.000000000+00:00';
  return {
    Platform: { Name: 'Docker Engine - Community' },
    Components: [
      {
        Name: 'Engine',
        Version: ENGINE_VERSION,
        Details: {
          ApiVersion: '1.45',
          Arch: 'amd64',
          BuildTime: buildTime,
          Experimental: 'false',
          GitCommit: '411e817',
          GoVersion: 'go1.21.12',
          KernelVersion: KERNEL,
          MinAPIVersion: '1.24',
          Os: 'linux',
        },
      },
      {
        Name: 'containerd',
        Version: '1.7.19',
        Details: { GitCommit: '2bf793ef6dc9a18e00cb12efb64355c2c9d5eb41' },
      },
      { Name: 'runc', Version: '1.1.13', Details: { GitCommit: 'v1.1.13-0-g58aa920' } },
      { Name: 'docker-init', Version: '0.19.0', Details: { GitCommit: 'de40ad0' } },
    ],
    Version: ENGINE_VERSION,
    ApiVersion: '1.45',
    MinAPIVersion: '1.24',
    GitCommit: '411e817',
    GoVersion: 'go1.21.12',
    Os: 'linux',
    Arch: 'amd64',
    KernelVersion: KERNEL,
    BuildTime: buildTime,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Host: files, audit rules, mounts, environment
// ---------------------------------------------------------------------------------------------------------

/** A host.files entry as statFile() writes it: owner names resolved through the host's accounts. */
function file(role: string, path: string, type: string, mode: string, uid = 0, gid = 0): Doc {
  const user = ACCOUNTS.users.get(uid) ?? String(uid);
  const group = ACCOUNTS.groups.get(gid)?.name ?? String(gid);
  return { role, path, exists: true, type, mode, uid, gid, user, group, owner: `${user}:${group}` };
}
const absent = (role: string, path: string): Doc => ({ role, path, exists: false });

/**
 * In the collector's order (plannedFiles): units, /etc/docker, registry certificates, (no TLS files: the
 * daemon has no TLS configured), sockets, daemon.json, /etc/default/docker, /etc/sysconfig/docker (absent on
 * Debian), containerd, the engine binaries, /run/containerd and the data root. Mostly right; daemon.json is
 * group-writable and one registry CA is 0644.
 *
 * The binaries are where Docker's own Debian packages put them: docker-ce's dockerd (the running one,
 * /proc/1187/exe) and containerd.io 1.7's containerd, both legacy shims, the runc v2 shim and runc, all in
 * /usr/bin.
 */
function hostFiles(): Doc[] {
  return [
    file('docker.service', '/lib/systemd/system/docker.service', 'file', '0644'),
    file('docker.socket', '/lib/systemd/system/docker.socket', 'file', '0644'),
    file('etc-docker', '/etc/docker', 'directory', '0755'),
    file('registry-cert', '/etc/docker/certs.d/harbor.pay.internal/ca.crt', 'file', '0444'),
    file('registry-cert', `/etc/docker/certs.d/${REGISTRY}/ca.crt`, 'file', '0644'),
    file('docker.sock', '/var/run/docker.sock', 'socket', '0660', 0, DOCKER_GID),
    file('daemon.json', '/etc/docker/daemon.json', 'file', '0664'),
    file('etc-default-docker', '/etc/default/docker', 'file', '0644'),
    absent('etc-sysconfig-docker', '/etc/sysconfig/docker'),
    file('containerd.sock', '/run/containerd/containerd.sock', 'socket', '0660'),
    file('containerd-config', '/etc/containerd/config.toml', 'file', '0644'),
    file('dockerd-binary', DOCKERD_CMDLINE[0] as string, 'file', '0755'),
    file('containerd-binary', '/usr/bin/containerd', 'file', '0755'),
    file('containerd-shim-binary', '/usr/bin/containerd-shim', 'file', '0755'),
    file('containerd-shim-runc-v1-binary', '/usr/bin/containerd-shim-runc-v1', 'file', '0755'),
    file('containerd-shim-runc-v2-binary', '/usr/bin/containerd-shim-runc-v2', 'file', '0755'),
    file('runc-binary', '/usr/bin/runc', 'file', '0755'),
    file('run-containerd', '/run/containerd', 'directory', '0711'),
    file('var-lib-docker', '/var/lib/docker', 'directory', '0710'),
  ];
}

/** Watches the team added for dockerd and its configuration; containerd and runc were never covered. */
const DOCKER_WATCHES = [
  '/usr/bin/dockerd',
  '/var/lib/docker',
  '/etc/docker',
  '/lib/systemd/system/docker.service',
  '/lib/systemd/system/docker.socket',
  '/etc/docker/daemon.json',
];

const RULES_D_AUDIT = `## First rule - delete all
-D

## Increase the buffers to survive stress events.
## Make this bigger for busy systems
-b 8192

## This determine how long to wait in burst of events
--backlog_wait_time 60000

## Set failure mode to syslog
-f 1
`;

const RULES_D_DOCKER = `## Docker (CIS Docker Benchmark 1.1.x) - platform-ops, 2023-11
${DOCKER_WATCHES.map((w) => `-w ${w} -k docker`).join('\n')}
`;

/** /etc/audit/audit.rules as augenrules writes it from rules.d. */
const AUDIT_RULES = `## This file is automatically generated from /etc/audit/rules.d
-D
-b 8192
-f 1
--backlog_wait_time 60000
${DOCKER_WATCHES.map((w) => `-w ${w} -k docker`).join('\n')}
`;

function hostAudit(): Doc {
  return {
    rules: [
      ...parseAuditRules(AUDIT_RULES),
      ...parseAuditRules(RULES_D_AUDIT),
      ...parseAuditRules(RULES_D_DOCKER),
    ],
    files: ['/etc/audit/audit.rules', '/etc/audit/rules.d/audit.rules', '/etc/audit/rules.d/docker.rules'],
    // `auditctl -l` lists the loaded watches with their permissions spelled out.
    auditctl: { available: true, rules: DOCKER_WATCHES.map((w) => `-w ${w} -p rwxa -k docker`) },
  };
}

/** /proc/1/mountinfo of the host: LVM volumes for /, /var/lib/docker, /var/log, /home, /tmp. */
function mountinfo(): string {
  const lines = [
    '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/mapper/vg0-root rw,errors=remount-ro',
    '23 22 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw',
    '24 22 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:13 - proc proc rw',
    '25 22 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=16393320k,nr_inodes=4098330,mode=755,inode64',
    '26 25 0:23 / /dev/pts rw,nosuid,noexec,relatime shared:3 - devpts devpts rw,gid=5,mode=620,ptmxmode=000',
    '27 22 0:24 / /run rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs rw,size=3286532k,mode=755,inode64',
    '28 23 0:6 / /sys/kernel/security rw,nosuid,nodev,noexec,relatime shared:8 - securityfs securityfs rw',
    '29 25 0:25 / /dev/shm rw,nosuid,nodev shared:4 - tmpfs tmpfs rw,inode64',
    '30 27 0:26 / /run/lock rw,nosuid,nodev,noexec,relatime shared:6 - tmpfs tmpfs rw,size=5120k,inode64',
    '31 23 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot',
    '32 23 0:28 / /sys/fs/pstore rw,nosuid,nodev,noexec,relatime shared:10 - pstore pstore rw',
    '33 23 0:29 / /sys/firmware/efi/efivars rw,nosuid,nodev,noexec,relatime shared:11 - efivarfs efivarfs rw',
    '34 23 0:30 / /sys/fs/bpf rw,nosuid,nodev,noexec,relatime shared:12 - bpf bpf rw,mode=700',
    '35 24 0:31 / /proc/sys/fs/binfmt_misc rw,relatime shared:14 - autofs systemd-1 rw,fd=30,pgrp=1,timeout=0,minproto=5,maxproto=5,direct,pipe_ino=15302',
    '36 25 0:20 / /dev/mqueue rw,nosuid,nodev,noexec,relatime shared:15 - mqueue mqueue rw',
    '37 25 0:32 / /dev/hugepages rw,relatime shared:16 - hugetlbfs hugetlbfs rw,pagesize=2M',
    '38 23 0:7 / /sys/kernel/debug rw,nosuid,nodev,noexec,relatime shared:17 - debugfs debugfs rw',
    '39 23 0:12 / /sys/kernel/tracing rw,nosuid,nodev,noexec,relatime shared:18 - tracefs tracefs rw',
    '40 23 0:33 / /sys/fs/fuse/connections rw,nosuid,nodev,noexec,relatime shared:19 - fusectl fusectl rw',
    '41 23 0:34 / /sys/kernel/config rw,nosuid,nodev,noexec,relatime shared:20 - configfs configfs rw',
    '62 22 259:2 / /boot rw,relatime shared:31 - ext4 /dev/nvme0n1p2 rw',
    '65 62 259:1 / /boot/efi rw,relatime shared:33 - vfat /dev/nvme0n1p1 rw,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro',
    '67 22 254:2 / /var/lib/docker rw,relatime shared:35 - ext4 /dev/mapper/vg0-docker rw',
    '69 22 254:3 / /var/log rw,nodev,noexec,relatime shared:37 - ext4 /dev/mapper/vg0-log rw',
    '71 22 254:4 / /home rw,nodev,relatime shared:39 - ext4 /dev/mapper/vg0-home rw',
    '73 22 254:5 / /tmp rw,nosuid,nodev,noexec,relatime shared:41 - ext4 /dev/mapper/vg0-tmp rw',
    '75 22 254:6 / /srv rw,nodev,relatime shared:43 - ext4 /dev/mapper/vg0-srv rw',
    '98 36 0:35 / /proc/sys/fs/binfmt_misc rw,nosuid,nodev,noexec,relatime shared:60 - binfmt_misc binfmt_misc rw',
  ];
  let id = 300;
  for (const c of CONTAINERS.filter((x) => x.state === 'running')) {
    const cid = containerId(c.name);
    const layer = hex(`container-layer:${c.name}`);
    lines.push(
      `${id} 67 0:${id - 250} / /var/lib/docker/overlay2/${layer}/merged rw,relatime shared:${id} - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/${short(layer).toUpperCase()}:/var/lib/docker/overlay2/l/${short(hex(`image-layer-dir:${c.image}`)).toUpperCase()},upperdir=/var/lib/docker/overlay2/${layer}/diff,workdir=/var/lib/docker/overlay2/${layer}/work,nouserxattr`,
    );
    id++;
    if (c.network !== 'host') {
      lines.push(
        `${id} 27 0:4 net:[40265${32400 + id}] /run/docker/netns/${hex(`sandbox:${c.name}`).slice(0, 12)} rw shared:${id} - nsfs nsfs rw`,
      );
      id++;
    }
    lines.push(
      `${id} 67 0:${id - 250} / /var/lib/docker/containers/${cid}/mounts/shm rw,nosuid,nodev,noexec,relatime shared:${id} - tmpfs shm rw,size=${c.hostConfig.ShmSize ? Number(c.hostConfig.ShmSize) / 1024 : 65536}k,inode64`,
    );
    id++;
  }
  lines.push(
    '402 27 0:58 / /run/user/1000 rw,nosuid,nodev,relatime shared:402 - tmpfs tmpfs rw,size=3286528k,nr_inodes=821632,mode=700,uid=1000,gid=1000,inode64',
  );
  return `${lines.join('\n')}\n`;
}

function hostMounts(): Doc {
  const mounts = parseMountinfo(mountinfo());
  const dataRoot = '/var/lib/docker';
  const where = locateMount(mounts, dataRoot);
  return json({
    dataRoot,
    dataRootIsMountPoint: where.isMountPoint,
    mountPoint: where.mountPoint,
    source: '/proc/1/mountinfo',
    mounts,
  });
}

// ---------------------------------------------------------------------------------------------------------
// The fact set
// ---------------------------------------------------------------------------------------------------------

export function buildDemoFactSet(): FactSet {
  const info = engineInfo();
  const version = engineVersion();
  const created = {
    bridge: BOOT,
    host: '2021-04-19T10:27:31.772035412Z',
    none: '2021-04-19T10:27:31.760120017Z',
    'payments-net': '2023-11-14T15:06:47.284119631Z',
  } as Record<string, string>;
  const facts: Record<string, JsonValue> = {
    'docker.engine': json({ info, version, address: ADDRESS, local: true }),
    'docker.containers': CONTAINERS.map(containerDoc),
    'docker.images': IMAGES.map(imageDoc),
    'docker.networks': ['bridge', 'host', 'none', 'payments-net'].map((n) =>
      networkDoc(NETS[n] as NetSpec, created[n] as string, CONTAINERS),
    ),
    'docker.swarm': { state: 'inactive', controlAvailable: false, swarm: null, nodes: null },
    'host.daemon': hostDaemon(),
    'host.files': hostFiles(),
    'host.audit': hostAudit(),
    'host.users': { dockerGroup: dockerGroupFact(ACCOUNTS, 'docker') },
    'host.mounts': hostMounts(),
    'host.env': { DOCKER_CONTENT_TRUST: null, source: null },
  };
  const target: FactTarget = {
    id: ENGINE_ID,
    kind: 'docker',
    name: HOST_NAME,
    meta: {
      address: ADDRESS,
      local: true,
      hostRoot: '/',
      serverVersion: ENGINE_VERSION,
      operatingSystem: OS_NAME,
      runningOnly: false,
    },
    facts,
    errors: {},
  };
  return {
    schemaVersion: FACTSET_SCHEMA_VERSION,
    collectedAt: COLLECTED_AT,
    tool: { name: 'rampart', version: COLLECTOR_VERSION },
    targets: [target],
  };
}

/** The file's exact text: two-space JSON with a final newline. */
export function renderDemoFactSet(): string {
  return `${JSON.stringify(buildDemoFactSet(), null, 2)}\n`;
}

const invokedDirectly =
  process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === import.meta.url;
if (invokedDirectly) {
  writeFileSync(DEMO_FACTS_FILE, renderDemoFactSet());
  process.stdout.write(`wrote ${DEMO_FACTS_FILE}\n`);
}
