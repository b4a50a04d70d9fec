/**
 * Values kept per pair of keys (a service and route label, a provider and model, a status and
 * consumer): two `Map` lookups on the keys as they come. A lookup on one joined key would build a
 * new string and hash it on every call; a string's hash, once computed, stays with the string.
 */
export class PairMap<A, B, V> {
  private readonly byFirst = new Map<A, Map<B, V>>();

  get(first: A, second: B): V | undefined {
    return this.byFirst.get(first)?.get(second);
  }

  set(first: A, second: B, value: V): void {
    let bySecond = this.byFirst.get(first);
    if (!bySecond) {
      bySecond = new Map();
      this.byFirst.set(first, bySecond);
    }
    bySecond.set(second, value);
  }
}
