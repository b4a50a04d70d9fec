import type { Metric, Registry } from 'prom-client';

type Labels = Readonly<Record<string, string>>;

/** One exposed value: a series' labels (plus `le` for buckets) and, for histograms, its line's name. */
interface ExposedValue {
  readonly metricName?: string;
  readonly labels: Record<string, string | number>;
  readonly value: number;
}

/** What prom-client's registries read from a metric at scrape time. */
interface ExposedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly aggregator: 'sum';
  readonly values: ExposedValue[];
}

/**
 * A counter series bound to its labels once: `inc` adds to a number, with none of prom-client's
 * per-call label validation and hashing (which cost more than the rest of a request's metrics).
 */
export class CounterSeries {
  value = 0;

  constructor(readonly labels: Labels) {}

  inc(amount = 1): void {
    this.value += amount;
  }
}

/** A histogram series bound to its labels once: `observe` finds the bucket and adds three numbers. */
export class HistogramSeries {
  /** Per bucket (the last one is `+Inf`), not cumulative. */
  private readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    let index = 0;
    while (index < this.bounds.length && value > this.bounds[index]!) index += 1;
    this.counts[index]! += 1;
    this.sum += value;
    this.count += 1;
  }

  /** Cumulative counts per `le`, as Prometheus exposes them. */
  cumulative(): number[] {
    let total = 0;
    return Array.from(this.counts, (count) => (total += count));
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

/**
 * A counter or histogram whose series are created once per label set and updated in place;
 * prom-client only reads them at scrape time (`get`), so exposition and cluster aggregation
 * (counters and buckets summed across workers) stay prom-client's.
 */
abstract class BoundMetric<S extends CounterSeries | HistogramSeries> {
  readonly aggregator = 'sum';
  protected readonly series: S[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  abstract readonly type: 'counter' | 'histogram';

  protected abstract values(): ExposedValue[];

  async get(): Promise<ExposedMetric> {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.values(),
    };
  }
}

export class BoundCounter extends BoundMetric<CounterSeries> {
  readonly type = 'counter';

  /** The series of one label set; create it once and keep it. */
  bind(labels: Labels): CounterSeries {
    const series = new CounterSeries(labels);
    this.series.push(series);
    return series;
  }

  reset(): void {
    for (const series of this.series) series.value = 0;
  }

  protected values(): ExposedValue[] {
    return this.series.map((series) => ({ labels: { ...series.labels }, value: series.value }));
  }
}

export class BoundHistogram extends BoundMetric<HistogramSeries> {
  readonly type = 'histogram';

  constructor(
    name: string,
    help: string,
    registry: Registry,
    private readonly bounds: readonly number[],
  ) {
    super(name, help, registry);
  }

  /** The series of one label set; create it once and keep it. */
  bind(labels: Labels): HistogramSeries {
    const series = new HistogramSeries(labels, this.bounds);
    this.series.push(series);
    return series;
  }

  reset(): void {
    for (const series of this.series) series.reset();
  }

  protected values(): ExposedValue[] {
    return this.series.flatMap((series) => {
      const cumulative = series.cumulative();
      return [
        ...cumulative.map((value, index) => ({
          metricName: `${this.name}_bucket`,
          labels: { le: index < this.bounds.length ? this.bounds[index]! : '+Inf', ...series.labels },
          value,
        })),
        { metricName: `${this.name}_sum`, labels: { ...series.labels }, value: series.sum },
        { metricName: `${this.name}_count`, labels: { ...series.labels }, value: series.count },
      ];
    });
  }
}
