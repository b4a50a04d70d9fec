/** The label value shared by every value past a `BoundedLabelValues`'s limit. */
export const OVERFLOW_LABEL_VALUE = 'other';

/**
 * Keeps one label's distinct values bounded: the first `limit` distinct values seen (in this
 * process, in order of first use) are labels of their own; every later one is `other`. The
 * empty value (no consumer) is always itself and takes no place. Each worker of a cluster keeps
 * its own, so a scrape of the primary has at most `limit` + 1 values per worker.
 */
export class BoundedLabelValues {
  private readonly kept = new Set<string>();

  constructor(private readonly limit: number) {}

  /** The label for `value`. */
  labelOf(value: string): string {
    if (value === '' || this.kept.has(value)) return value;
    if (this.kept.size >= this.limit) return OVERFLOW_LABEL_VALUE;
    this.kept.add(value);
    return value;
  }
}
