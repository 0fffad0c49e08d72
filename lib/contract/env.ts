/** Environment variables the run-time code reads. */
export const ENV = {
  stage: 'GANTRY_STAGE',
  registryTable: 'GANTRY_REGISTRY_TABLE',
  featureTable: 'GANTRY_FEATURE_TABLE',
  artifactsBucket: 'GANTRY_ARTIFACTS_BUCKET',
  featuresBucket: 'GANTRY_FEATURES_BUCKET',
  captureBucket: 'GANTRY_CAPTURE_BUCKET',
} as const;
