/** This gateway's release, reported by `GET /` and in heartbeats. */
export const SWITCHYARD_VERSION = '0.1.0';
