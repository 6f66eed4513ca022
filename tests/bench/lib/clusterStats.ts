/**
 * Counters of a cluster's shared services, read around a measured phase: what Redis itself
 * counted (INFO: PUBLISH/SPUBLISH calls, bytes in and out of the server), the same way for
 * every server that uses it, and a Drawbridge node's Prometheus metrics.
 */
import net from 'node:net';

export interface RedisCounters {
  /** PUBLISH and SPUBLISH calls. */
  publishes: number;
  /** Every command (publishes, subscriptions, locks, pings...), ours excluded. */
  commands: number;
  /** Bytes the server read from its clients, and wrote to them (subscribers included). */
  bytesIn: number;
  bytesOut: number;
}

export const redisDelta = (before: RedisCounters, after: RedisCounters): RedisCounters => ({
  publishes: after.publishes - before.publishes,
  commands: after.commands - before.commands,
  bytesIn: after.bytesIn - before.bytesIn,
  bytesOut: after.bytesOut - before.bytesOut,
});

const INFO_COMMAND = 'INFO stats\r\nINFO commandstats\r\n';

interface InfoAnswer {
  replies: string[];
  /** Reply bytes on the wire, headers included. */
  bytes: number;
}

/**
 * One connection to Redis that reads `INFO stats` and `INFO commandstats`, with its own traffic
 * taken out: a reading's command bytes are in that reading's input count, its reply bytes in
 * the next reading's output count (Redis counts output as it writes, after computing the reply),
 * its first INFO call in its own command count and the second in the next reading's.
 */
export class RedisInfo {
  readonly #socket: net.Socket;
  #buffer = Buffer.alloc(0);
  #pending: (InfoAnswer & { resolve: (answer: InfoAnswer) => void }) | null = null;
  #ownIn = 0;
  #ownOut = 0;
  #ownCommands = 0;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#drain();
    });
  }

  static open(port: number): Promise<RedisInfo> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('error', reject);
      socket.once('connect', () => resolve(new RedisInfo(socket)));
    });
  }

  async read(): Promise<RedisCounters> {
    const answer = await new Promise<InfoAnswer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('redis INFO timed out')), 10_000);
      this.#pending = {
        replies: [],
        bytes: 0,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      this.#socket.write(INFO_COMMAND);
    });
    const fields = new Map<string, string>();
    for (const line of answer.replies.join('\n').split(/\r?\n/)) {
      const at = line.indexOf(':');
      if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1));
    }
    const calls = (name: string) => Number(/calls=(\d+)/.exec(fields.get(name) ?? '')?.[1] ?? 0);
    const number = (name: string) => {
      const value = Number(fields.get(name));
      if (!Number.isFinite(value)) throw new Error(`redis INFO has no ${name}`);
      return value;
    };
    this.#ownIn += INFO_COMMAND.length;
    this.#ownCommands += 1;
    const counters = {
      publishes: calls('cmdstat_publish') + calls('cmdstat_spublish'),
      commands: number('total_commands_processed') - this.#ownCommands,
      bytesIn: number('total_net_input_bytes') - this.#ownIn,
      bytesOut: number('total_net_output_bytes') - this.#ownOut,
    };
    this.#ownOut += answer.bytes;
    this.#ownCommands += 1;
    return counters;
  }

  close(): void {
    this.#socket.destroy();
  }

  /** Parses the two bulk-string replies of a reading. */
  #drain(): void {
    const pending = this.#pending;
    if (!pending) return;
    while (pending.replies.length < 2) {
      const end = this.#buffer.indexOf('\r\n');
      if (end < 0) return;
      const header = this.#buffer.subarray(0, end).toString('latin1');
      if (header[0] !== '$') throw new Error(`unexpected redis reply: ${header}`);
      const length = Number(header.slice(1));
      const total = end + 2 + length + 2;
      if (this.#buffer.length < total) return;
      pending.replies.push(this.#buffer.subarray(end + 2, end + 2 + length).toString('utf8'));
      pending.bytes += total;
      this.#buffer = this.#buffer.subarray(total);
    }
    this.#pending = null;
    pending.resolve({ replies: pending.replies, bytes: pending.bytes });
  }
}

/** A Prometheus text exposition as a map from series (`name{labels}`) to value. */
export type Series = Map<string, number>;

export async function scrapeMetrics(url: string): Promise<Series> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url}/metrics: HTTP ${response.status}`);
  const series: Series = new Map();
  for (const line of (await response.text()).split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

export function seriesDelta(before: Series, after: Series): Series {
  const delta: Series = new Map();
  for (const [key, value] of after) delta.set(key, value - (before.get(key) ?? 0));
  return delta;
}

/** Sum of a metric's series whose labels include every `label="value"` in `where`. */
export function sumOf(series: Series, name: string, where: Record<string, string> = {}): number {
  let sum = 0;
  for (const [key, value] of series) {
    const brace = key.indexOf('{');
    if ((brace < 0 ? key : key.slice(0, brace)) !== name) continue;
    if (Object.entries(where).every(([k, v]) => key.includes(`${k}="${v}"`))) sum += value;
  }
  return sum;
}

/** An upper bound of a histogram's quantile `q` from its cumulative buckets. */
export function histogramQuantile(series: Series, name: string, q: number): number {
  const buckets: Array<{ le: number; count: number }> = [];
  for (const [key, value] of series) {
    if (!key.startsWith(`${name}_bucket{`)) continue;
    const le = /le="([^"]+)"/.exec(key)?.[1];
    if (le !== undefined) buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: value });
  }
  buckets.sort((a, b) => a.le - b.le);
  const total = buckets[buckets.length - 1]?.count ?? 0;
  if (total === 0) return Number.NaN;
  return buckets.find((b) => b.count >= q * total)!.le;
}
