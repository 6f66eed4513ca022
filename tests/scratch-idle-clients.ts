import { connectRaw, joinRaw } from './utils/rawClient.js';

const url = process.argv[2]!;
const n = Number(process.argv[3]);
const socks = [];
for (let i = 0; i < n; i += 50) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(50, n - i) }, () => connectRaw(url)),
  );
  await Promise.all(batch.map((s, k) => joinRaw(s, `idle-${(i + k) % (n / 10)}`)));
  socks.push(...batch);
}
process.stdout.write('ready\n');
process.stdin.on('data', () => process.exit(0));
