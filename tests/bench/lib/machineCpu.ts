/**
 * The whole machine's CPU time (every process, the kernel's network work included), from
 * `/proc/stat`: what a phase cost in all, not only in the server. On a 2-core machine a burst
 * whose server is cheap per update can still be paced by its clients and the kernel; this says
 * whether the cores were full.
 */
import { readFileSync } from 'node:fs';

/** `/proc`'s clock ticks per second (USER_HZ on Linux). */
export const TICKS_PER_SECOND = 100;

/** Cumulative CPU seconds of every core since boot. */
export interface MachineCpu {
  /** Running anything: user, nice, system, irq, softirq. */
  busy: number;
  /** Idle or waiting for I/O. */
  idle: number;
  /** Taken by the hypervisor for other guests while this machine wanted to run. */
  steal: number;
}

/** Parses `/proc/stat`'s first line (`cpu  user nice system idle iowait irq softirq steal ...`). */
export function parseProcStat(text: string): MachineCpu {
  const line = text.split('\n', 1)[0] ?? '';
  const fields = line.trim().split(/\s+/);
  if (fields[0] !== 'cpu' || fields.length < 9) {
    throw new Error(`not /proc/stat's total line: ${line.slice(0, 80)}`);
  }
  const ticks = fields.slice(1, 9).map(Number);
  if (ticks.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new Error(`/proc/stat's total line has bad figures: ${line.slice(0, 80)}`);
  }
  const [user, nice, system, idle, iowait, irq, softirq, steal] = ticks as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    busy: (user + nice + system + irq + softirq) / TICKS_PER_SECOND,
    idle: (idle + iowait) / TICKS_PER_SECOND,
    steal: steal / TICKS_PER_SECOND,
  };
}

/** The machine's CPU now, or null where there is no `/proc/stat` (not Linux). */
export function readMachineCpu(): MachineCpu | null {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/** What the machine spent between two readings. */
export function machineCpuDelta(before: MachineCpu, after: MachineCpu): MachineCpu {
  return {
    busy: after.busy - before.busy,
    idle: after.idle - before.idle,
    steal: after.steal - before.steal,
  };
}

/** The shares of every core's time (0-1) a phase kept busy and lost to steal, from its delta. */
export function machineShares(delta: MachineCpu): { busy: number; steal: number } {
  const total = delta.busy + delta.idle + delta.steal;
  return total > 0
    ? { busy: delta.busy / total, steal: delta.steal / total }
    : { busy: 0, steal: 0 };
}
