/**
 * The bench's outputs: a Markdown report (a summary table, then one table per scenario), and an
 * SVG chart of the same medians. Ratios compare Drawbridge with each peer measured in the same
 * run, oriented so that above 1 always means Drawbridge did better.
 */
import { advantage, format, medianOf, SHORT } from './figures.js';
import { describeHostNoise, type HostNoise } from './hostNoise.js';
import type { Metric, Scenario, ScenarioResult } from './scenario.js';
import { SUBJECT_LABELS, SUBJECTS, type Subject } from './servers.js';
import { median } from './stats.js';
import { targetsTable } from './targets.js';

export interface ScenarioOutcome {
  scenario: Scenario;
  result?: ScenarioResult;
  /** Set when the scenario failed or was skipped. */
  error?: string;
  skipped?: string;
  seconds: number;
}

export interface Environment {
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  loadavgBefore: number[];
  chromium?: string;
  /** Read before the scenarios (`hostNoise.ts`). */
  hostNoise?: HostNoise;
}

const kindsIn = (metrics: readonly Metric[]): Subject[] =>
  SUBJECTS.filter((kind) => metrics.some((m) => (m.values[kind]?.length ?? 0) > 0));

function cell(m: Metric, kind: Subject): string {
  const values = m.values[kind];
  if (!values || values.length === 0) return '';
  const remark = m.remarks?.[kind] ? ` (${m.remarks[kind]})` : '';
  return `${format(median(values), m.unit)}${remark}`;
}

function ratios(m: Metric, kinds: readonly Subject[]): string {
  if (!m.values.drawbridge?.length || m.unit === 'ratio' || m.noRatio) return '';
  return kinds
    .filter((k) => k !== 'drawbridge' && (m.values[k]?.length ?? 0) > 0)
    .filter((k) => Number.isFinite(advantage(m, k)) && advantage(m, k) > 0)
    .map((k) => `${advantage(m, k).toFixed(2)}x ${SHORT[k]}`)
    .join(', ');
}

function metricTable(rows: ReadonlyArray<{ label: string; metric: Metric }>): string {
  const kinds = kindsIn(rows.map((r) => r.metric));
  const header = ['', ...kinds.map((k) => SUBJECT_LABELS[k]), 'Drawbridge vs each (>1: better)'];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const { label, metric } of rows) {
    const better = metric.better === 'higher' ? '↑' : '↓';
    lines.push(
      `| ${label} ${better} | ${kinds.map((k) => cell(metric, k)).join(' | ')} | ${ratios(metric, kinds)} |`,
    );
  }
  return lines.join('\n');
}

export function markdownReport(
  outcomes: readonly ScenarioOutcome[],
  env: Environment,
  command: string,
  startedAt: Date,
  totalSeconds: number,
): string {
  const out: string[] = [];
  out.push(
    `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC with \`${command}\` ` +
      `in ${Math.round(totalSeconds)} s on ${env.cpus} × ${env.cpuModel}, ${env.memoryGiB} GiB, ` +
      `Node ${env.node}, ${env.platform}` +
      `${env.chromium ? `, ${env.chromium}` : ''} (load average before: ${env.loadavgBefore.map((x) => x.toFixed(2)).join(' ')}). ` +
      'Medians over interleaved rounds; ↑ higher is better, ↓ lower is better.',
    '',
  );
  if (env.hostNoise) out.push(describeHostNoise(env.hostNoise), '');
  const summary: Array<{ label: string; metric: Metric }> = [];
  for (const o of outcomes) {
    for (const m of o.result?.metrics ?? []) {
      if (m.unit === 'ratio') continue;
      summary.push({ label: `${o.scenario.name}: ${m.name}`, metric: m });
    }
  }
  if (summary.length > 0) out.push(metricTable(summary), '');
  const targets = targetsTable(
    outcomes.flatMap(({ scenario, result }) => (result ? [{ scenario, result }] : [])),
  );
  if (targets) out.push(targets, '');
  for (const o of outcomes) {
    out.push(`### ${o.scenario.title}`, '', o.scenario.description, '');
    if (o.skipped) {
      out.push(`Not measured: ${o.skipped}`, '');
      continue;
    }
    if (o.error) {
      out.push(
        `**FAILED** after ${o.seconds.toFixed(0)} s:`,
        '',
        '```',
        o.error.slice(0, 3000),
        '```',
        '',
      );
      continue;
    }
    const result = o.result!;
    out.push(metricTable(result.metrics.map((m) => ({ label: m.name, metric: m }))), '');
    const perRound = result.metrics
      .map((m) => {
        const kinds = kindsIn([m]);
        return `${m.name}: ${kinds.map((k) => `${SHORT[k]} ${(m.values[k] ?? []).map((v) => format(v, m.unit)).join(' / ')}`).join('; ')}`;
      })
      .join('\n- ');
    out.push(`Per round: \n- ${perRound}`, '');
    for (const note of result.notes) out.push(`- ${note}`);
    out.push(`- took ${o.seconds.toFixed(0)} s`, '');
  }
  return `${out.join('\n')}\n`;
}

const COLORS: Record<Subject, string> = {
  drawbridge: '#1971c2',
  ws: '#868e96',
  socketio: '#adb5bd',
  hocuspocus: '#e8590c',
  'y-websocket': '#2f9e44',
  excalidraw: '#6741d9',
  tldraw: '#f08c00',
};

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Horizontal bars per metric, each row scaled to its own largest median. */
export function svgChart(outcomes: readonly ScenarioOutcome[], title: string): string {
  const rows: Array<{ label: string; metric: Metric }> = [];
  for (const o of outcomes) {
    for (const m of o.result?.metrics ?? []) {
      if (m.unit !== 'ratio') rows.push({ label: `${o.scenario.name}: ${m.name}`, metric: m });
    }
  }
  const width = 900;
  const labelWidth = 330;
  const barArea = width - labelWidth - 120;
  const bar = 11;
  let y = 50;
  const parts: string[] = [];
  for (const { label, metric } of rows) {
    const kinds = kindsIn([metric]);
    const medians = kinds.map((k) => medianOf(metric, k));
    const max = Math.max(...medians.filter(Number.isFinite), 1e-9);
    parts.push(
      `<text x="10" y="${y + 10}" font-size="12" font-weight="bold">${escapeXml(label)} ${metric.better === 'higher' ? '(higher is better)' : '(lower is better)'}</text>`,
    );
    y += 16;
    kinds.forEach((kind, i) => {
      const value = medians[i]!;
      const w = Number.isFinite(value) ? Math.max(1, (value / max) * barArea) : 0;
      parts.push(
        `<text x="${labelWidth - 8}" y="${y + bar - 2}" font-size="11" text-anchor="end">${escapeXml(SUBJECT_LABELS[kind])}</text>`,
        `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${COLORS[kind]}"/>`,
        `<text x="${labelWidth + w + 6}" y="${y + bar - 2}" font-size="11">${escapeXml(format(value, metric.unit))}</text>`,
      );
      y += bar + 3;
    });
    y += 10;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" viewBox="0 0 ${width} ${y + 10}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="24" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
