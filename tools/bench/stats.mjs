// Small statistics helpers shared by the benchmark scripts.

/** The q-quantile (0..1) of a list of numbers, nearest-rank. */
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** p50/p90/p99/max of a list of milliseconds, rounded to 0.01 ms. */
export function summarize(values) {
  const round = (ms) => Math.round(ms * 100) / 100;
  return {
    count: values.length,
    p50: round(quantile(values, 0.5)),
    p90: round(quantile(values, 0.9)),
    p99: round(quantile(values, 0.99)),
    max: round(Math.max(...values)),
  };
}
