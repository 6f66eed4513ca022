// The tests use real parts: a headless Chromium (end-to-end), and for the cluster tests their own
// redis-server, PostgreSQL and nginx processes, plus openssl for TLS certificates, sqlite3 for
// the documented backup, fusepy for a FUSE disk that hangs, and ss for the keepalive timer of
// PostgreSQL's end of a lock's connection. Find them, or install Debian's
// packages when running as root on a machine with apt; otherwise say how.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const onPath = (name) =>
  (process.env.PATH ?? '')
    .split(':')
    .concat(['/usr/sbin', '/usr/bin'])
    .some((dir) => dir && existsSync(`${dir}/${name}`));

const postgresInstalled = () =>
  Boolean(process.env.POSTGRES_BIN) ||
  (existsSync('/usr/lib/postgresql') &&
    readdirSync('/usr/lib/postgresql').some((v) =>
      existsSync(`/usr/lib/postgresql/${v}/bin/initdb`),
    ));

const tools = [
  {
    what: 'Chromium (end-to-end tests; or set CHROMIUM_PATH)',
    found: () =>
      [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].some(
        (path) => path && existsSync(path),
      ),
    package: 'chromium',
  },
  {
    what: 'redis-server (cluster tests)',
    found: () => onPath('redis-server'),
    package: 'redis-server',
  },
  {
    what: 'PostgreSQL server binaries (cluster tests; or set POSTGRES_BIN)',
    found: postgresInstalled,
    package: 'postgresql',
  },
  { what: 'nginx (load balancer tests)', found: () => onPath('nginx'), package: 'nginx' },
  {
    what: 'sqlite3 (the online backup the README documents)',
    found: () => onPath('sqlite3'),
    package: 'sqlite3',
  },
  {
    what: "fusepy for Debian's python3 (a disk that hangs, as a FUSE mount, in tests)",
    found: () => existsSync('/usr/lib/python3/dist-packages/fusepy.py'),
    package: 'python3-fusepy',
  },
  {
    what: 'openssl (TLS certificates in tests)',
    found: () => onPath('openssl'),
    package: 'openssl',
  },
  {
    what: "ss (a socket's keepalive timer, in tests)",
    found: () => onPath('ss'),
    package: 'iproute2',
  },
];

const missing = tools.filter((tool) => !tool.found());
if (missing.length === 0) process.exit(0);

const isRoot = process.getuid?.() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
if (isRoot && hasApt) {
  const packages = missing.map((tool) => tool.package);
  console.log(`Installing what the tests need with apt: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env,
  });
  process.exit(0);
}
console.error(
  `The tests need: ${missing.map((tool) => tool.what).join('; ')}.\n` +
    `Debian/Ubuntu: sudo apt-get install -y ${missing.map((tool) => tool.package).join(' ')}`,
);
process.exit(1);
