// The end-to-end tests drive a real headless Chromium. Find one, or install Debian's package
// when running as root on a machine with apt; otherwise say how to get one.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
const found = candidates.find((path) => path && existsSync(path));
if (found) process.exit(0);

const isRoot = process.getuid?.() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
if (isRoot && hasApt) {
  console.log(
    "Chromium not found: installing Debian's chromium package for the end-to-end tests...",
  );
  execFileSync('apt-get', ['update'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  process.exit(0);
}
console.error(
  'The end-to-end tests need Chromium. Install it (Debian/Ubuntu: sudo apt-get install -y chromium)\n' +
    'or set CHROMIUM_PATH to a Chromium or Chrome binary.',
);
process.exit(1);
