/** Key schema of the model registry table (single-table design). */
export const REGISTRY_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Generic secondary index: lists models, versions by status, and so on. */
  index: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;

/** Key schema of the online feature table. */
export const FEATURE_TABLE = {
  partitionKey: 'entityId',
  sortKey: 'featureGroup',
  /** Epoch seconds; DynamoDB deletes the row some time after it. */
  ttlAttribute: 'expiresAt',
} as const;
