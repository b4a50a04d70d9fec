import { describe, expect, it } from 'vitest';
import { dataPlaneSyncStatus, versionsToAge } from './data-plane-sync-status.js';

const GRACE_MS = 1_000;
const plane = (version: number | null, hash: string | null = version === null ? null : `h${version}`) => ({
  config_version: version,
  config_hash: hash,
});
/** The store at version 50; version 43 was committed 60 s ago, 50 a moment ago. */
const store = {
  current: 50,
  ages: new Map([
    [43, 60_000],
    [50, 20],
  ]),
};
const published = { version: 50, hash: 'h50' };

describe('dataPlaneSyncStatus', () => {
  it('is normal for a node serving the store version that the bus holds', () => {
    expect(dataPlaneSyncStatus(plane(50), store, published, GRACE_MS)).toBe('normal');
    // Redis lost the snapshot: the store alone decides.
    expect(dataPlaneSyncStatus(plane(50), store, null, GRACE_MS)).toBe('normal');
  });

  it('is normal for a node catching up with a write younger than the grace period', () => {
    expect(dataPlaneSyncStatus(plane(49), store, published, GRACE_MS)).toBe('normal');
  });

  it('is outdated for a node behind the store for longer than the grace period, however it happened', () => {
    expect(dataPlaneSyncStatus(plane(42), store, published, GRACE_MS)).toBe('outdated');
    // Nothing newer than 42 was published (config-sync down): the store still says it is behind.
    expect(dataPlaneSyncStatus(plane(42), store, { version: 42, hash: 'h42' }, GRACE_MS)).toBe('outdated');
  });

  it('is outdated for a node behind by versions the store no longer remembers', () => {
    expect(dataPlaneSyncStatus(plane(3), store, published, GRACE_MS)).toBe('outdated');
  });

  it('is outdated for a node that refused what the bus holds, or serves what the store never had', () => {
    expect(dataPlaneSyncStatus(plane(50), store, { version: 51, hash: 'planted' }, GRACE_MS)).toBe(
      'outdated',
    );
    expect(dataPlaneSyncStatus(plane(50), store, { version: 50, hash: 'other' }, GRACE_MS)).toBe('outdated');
    expect(dataPlaneSyncStatus(plane(57), store, { version: 57, hash: 'h57' }, GRACE_MS)).toBe('outdated');
  });

  it('is unknown before the first snapshot', () => {
    expect(dataPlaneSyncStatus(plane(null), store, published, GRACE_MS)).toBe('unknown');
  });
});

describe('versionsToAge', () => {
  it('asks for the version after each one served behind the store, once each', () => {
    expect(versionsToAge([plane(42), plane(50), plane(null), plane(42), plane(49)], 50)).toEqual([43, 50]);
  });
});
