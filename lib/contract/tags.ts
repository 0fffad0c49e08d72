/** Cost-allocation tag keys that every taggable resource of every stack carries. */
export const REQUIRED_TAG_KEYS = ['CostCenter', 'Team', 'Project', 'Environment'] as const;
export type RequiredTagKey = (typeof REQUIRED_TAG_KEYS)[number];

/** Extra tag key on per-model resources (model stacks and the SageMaker resources they create). */
export const MODEL_TAG_KEY = 'Model';

/** All five cost tag keys, in the order finance reads them. */
export const COST_TAG_KEYS = [...REQUIRED_TAG_KEYS, MODEL_TAG_KEY] as const;
export type CostTagKey = (typeof COST_TAG_KEYS)[number];

/**
 * Tag key the workflows put on every SageMaker job, model, endpoint config and endpoint they
 * create, beside the cost tags: the ARN of the execution that created it. It tells which
 * workflow (state machine) owns a resource: the deploy workflow deletes a Failed endpoint only
 * when this tag names one of its own executions.
 */
export const EXECUTION_TAG_KEY = 'ExecutionId';
