/** Reading a server's Prometheus metrics in tests. */

/**
 * One sample's value in Prometheus text: `sample` is its name, with its labels as the server
 * writes them (`drawbridge_errors_total{code="RATE_LIMITED"}`); `absent` when it is not there
 * (a labelled counter appears only once counted).
 */
export function metricValue(text: string, sample: string, absent = Number.NaN): number {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${sample} `) || l.startsWith(`${sample}{`));
  return line ? Number(line.split(' ').at(-1)) : absent;
}

/** Scrapes the server at `url` for one sample (see `metricValue`). */
export async function scrapeMetric(
  url: string,
  sample: string,
  absent = Number.NaN,
): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return metricValue(text, sample, absent);
}
