/** The zones of the data lake. Each is its own bucket. */
export const LAKE_ZONES = ['raw', 'curated', 'features', 'artifacts', 'capture'] as const;
export type LakeZone = (typeof LAKE_ZONES)[number];

/** Prefix of the offline feature store inside the features bucket. */
export const OFFLINE_FEATURES_PREFIX = 'offline';
