import type { Express } from 'express';
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';
import request from 'supertest';

type Labels = Record<string, string>;
const matches = (sample: { labels?: Labels }, labels: Labels) =>
  Object.entries(labels).every(([k, v]) => sample.labels?.[k] === v);

/**
 * GET /metrics parsed by a real Prometheus text-format parser; figures are read by name and labels. That parser
 * folds a labelled histogram's series into one, so histograms are read from a second parse without their TYPE lines,
 * where each `_count`/`_sum`/`_bucket` line is a sample of its own.
 */
export async function scrape(app: Express, token?: string) {
  const req = request(app).get('/metrics');
  if (token) req.set('Authorization', `Bearer ${token}`);
  const res = await req;
  if (res.status !== 200) throw new Error(`scrape failed: ${res.status} ${res.text}`);
  const families = parsePrometheusTextFormat(res.text);
  const series = parsePrometheusTextFormat(res.text.replace(/^# TYPE \S+ histogram$/gm, ''));
  // Without TYPE lines, each run of lines of one name is a family of its own: gather them all.
  const samplesOf = (name: string) => series.filter((f) => f.name === name).flatMap((f) => f.metrics);
  const sumOf = (name: string, labels: Labels) =>
    samplesOf(name)
      .filter((s) => matches(s, labels))
      .reduce((total, s) => total + Number(s.value), 0);
  const family = (name: string): MetricFamily => {
    const found = families.find((f) => f.name === name);
    if (!found) throw new Error(`no metric ${name} in the exposition`);
    return found;
  };
  return {
    families,
    family,
    /** The sum over the samples matching `labels` (0 when none does). */
    value(name: string, labels: Labels = {}): number {
      return family(name)
        .metrics.filter((s) => matches(s, labels))
        .reduce((total, s) => total + Number(s.value), 0);
    },
    /** A histogram's count and sum over the series matching `labels`. */
    histogram(name: string, labels: Labels = {}) {
      if (family(name).type !== 'HISTOGRAM') throw new Error(`${name} is not a histogram`);
      return { count: sumOf(`${name}_count`, labels), sum: sumOf(`${name}_sum`, labels) };
    },
    /** The label sets of a histogram's series. */
    histogramLabels(name: string): Labels[] {
      return samplesOf(`${name}_count`).map((s) => s.labels ?? {});
    },
  };
}
