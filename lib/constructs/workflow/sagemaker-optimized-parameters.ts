/*
 * The top-level request fields Step Functions documents for its OPTIMIZED SageMaker
 * integrations (`arn:aws:states:::sagemaker:<api>[.sync]`).
 *
 * Why it matters: Step Functions checks an optimized integration's Parameters against its own
 * schema when the state machine is created or updated, and refuses a field it does not know:
 *   "SCHEMA_VALIDATION_FAILED: The field "key" is not supported by Step Functions at
 *   /States/Train Step/Parameters" (https://github.com/aws/aws-step-functions-data-science-sdk-python/issues/200),
 *   'The field "AtttributeNames" is not supported by Step Functions' (https://github.com/aws/aws-cdk/issues/10014).
 * The check reaches nested fields too (both examples are nested), so a top-level list is a
 * floor, not a proof. The aws-sdk integration (`arn:aws:states:::aws-sdk:sagemaker:<api>`)
 * passes the request to the SageMaker API as is, but has no `.sync`.
 *
 * What the page says, read 2026-12-03 at SOURCE.url: the "Optimized SageMaker AI APIs" section
 * lists the APIs (CreateEndpoint, CreateEndpointConfig, CreateHyperParameterTuningJob,
 * CreateLabelingJob, CreateModel, CreateProcessingJob, CreateTrainingJob, CreateTransformJob,
 * UpdateEndpoint; `.sync` for the jobs) and links each to the SageMaker API reference. It no
 * longer lists supported parameters. The last published lists ("Supported SageMaker APIs and
 * syntax", each API with "Supported parameters") are in the guide's former source,
 * awsdocs/aws-step-functions-developer-guide doc_source/connect-sagemaker.md (last revision
 * 2023-06-15), whose Markdown kept the number of parameters per API but not their names:
 * CreateEndpoint 3, CreateEndpointConfig 4, CreateModel 7, CreateProcessingJob 11,
 * CreateTrainingJob 10, CreateTransformJob 10, UpdateEndpoint 2. The names below are those
 * lists, reconstructed: each count equals the SageMaker API's request fields when Step
 * Functions added the API, and for CreateEndpoint, CreateEndpointConfig, CreateModel,
 * CreateTrainingJob and CreateTransformJob the names match a third-party mirror of the
 * 2019-2020 page (the rhodes Python library's SageMaker Task states, which also gave
 * UpdateEndpoint a Tags field the page did not list). One later addition is on record:
 * EnableManagedSpotTraining for CreateTrainingJob, refused in 2020 ("Step Functions currently
 * does not support the EnableManagedSpotTraining parameter") and supported "per docs" from
 * 2021-09-11 (AWS, https://github.com/aws/aws-step-functions-data-science-sdk-python/issues/42).
 */

export interface OptimizedIntegrationSource {
  readonly url: string;
  /** When the page was read. */
  readonly read: string;
  /** The last revision of the page that listed supported parameters. */
  readonly lastParameterList: string;
}

export const SOURCE: OptimizedIntegrationSource = {
  url: 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html',
  read: '2026-12-03',
  lastParameterList: 'https://github.com/awsdocs/aws-step-functions-developer-guide/blob/main/doc_source/connect-sagemaker.md (2023-06-15)',
};

/** An optimized SageMaker API as named in the Task's Resource (`sagemaker:<api>`, without `.sync`). */
export type OptimizedSageMakerApi = 'createTrainingJob' | 'createProcessingJob' | 'createModel' | 'createEndpointConfig' | 'createEndpoint' | 'updateEndpoint' | 'createTransformJob';

export interface DocumentedParameters {
  /** The top-level request fields Step Functions documents for this API. */
  readonly fields: readonly string[];
  /** How many "Supported parameters" the last list had (the names are checked against it). */
  readonly listedCount: number;
  /** Fields documented after that list, with where that is on record. */
  readonly later?: Readonly<Record<string, string>>;
}

export const SAGEMAKER_OPTIMIZED_PARAMETERS: Readonly<Record<OptimizedSageMakerApi, DocumentedParameters>> = {
  createTrainingJob: {
    fields: ['AlgorithmSpecification', 'HyperParameters', 'InputDataConfig', 'OutputDataConfig', 'ResourceConfig', 'RoleArn', 'StoppingCondition', 'Tags', 'TrainingJobName', 'VpcConfig'],
    listedCount: 10,
    later: {
      EnableManagedSpotTraining: 'https://github.com/aws/aws-step-functions-data-science-sdk-python/issues/42 (AWS, 2021-09-11)',
      // aws-cdk-lib's own SageMakerCreateTrainingJob task renders it for this integration.
      EnableNetworkIsolation: 'aws-cdk-lib aws-stepfunctions-tasks/lib/sagemaker/create-training-job (2.276.0)',
      // A user set it in a createTrainingJob.sync state by hand and the job ran; weaker evidence
      // than a list, so the README names it among what only a real account proves.
      CheckpointConfig: 'https://github.com/aws/aws-step-functions-data-science-sdk-python/issues/86 (2020-09-16)',
    },
  },
  createProcessingJob: {
    fields: ['AppSpecification', 'Environment', 'ExperimentConfig', 'NetworkConfig', 'ProcessingInputs', 'ProcessingJobName', 'ProcessingOutputConfig', 'ProcessingResources', 'RoleArn', 'StoppingCondition', 'Tags'],
    listedCount: 11,
  },
  createModel: {
    fields: ['Containers', 'EnableNetworkIsolation', 'ExecutionRoleArn', 'ModelName', 'PrimaryContainer', 'Tags', 'VpcConfig'],
    listedCount: 7,
  },
  createEndpointConfig: {
    fields: ['EndpointConfigName', 'KmsKeyId', 'ProductionVariants', 'Tags'],
    listedCount: 4,
  },
  createEndpoint: {
    fields: ['EndpointConfigName', 'EndpointName', 'Tags'],
    listedCount: 3,
  },
  updateEndpoint: {
    fields: ['EndpointConfigName', 'EndpointName'],
    listedCount: 2,
  },
  createTransformJob: {
    fields: ['BatchStrategy', 'Environment', 'MaxConcurrentTransforms', 'MaxPayloadInMB', 'ModelName', 'Tags', 'TransformInput', 'TransformJobName', 'TransformOutput', 'TransformResources'],
    listedCount: 10,
  },
};

/** Every top-level field Step Functions documents for `api`, the later additions included. */
export function documentedFields(api: OptimizedSageMakerApi): readonly string[] {
  const entry = SAGEMAKER_OPTIMIZED_PARAMETERS[api];
  return [...entry.fields, ...Object.keys(entry.later ?? {})];
}

const OPTIMIZED_RESOURCE = /^arn:aws[\w-]*:states:::sagemaker:([A-Za-z]+)(\.sync|\.waitForTaskToken)?$/;

/** The optimized SageMaker API a Task's Resource calls, or undefined for any other Resource (aws-sdk integrations included). */
export function optimizedSageMakerApi(resource: string): string | undefined {
  return OPTIMIZED_RESOURCE.exec(resource)?.[1];
}

/**
 * The top-level fields of `parameters` (JSONPath `.$` suffixes stripped) that Step Functions
 * does not document for `api`; every field when the API is not one recorded here.
 */
export function undocumentedFields(api: string, parameters: Readonly<Record<string, unknown>>): string[] {
  const known = api in SAGEMAKER_OPTIMIZED_PARAMETERS ? documentedFields(api as OptimizedSageMakerApi) : [];
  return Object.keys(parameters)
    .map((key) => key.replace(/\.\$$/, ''))
    .filter((field) => !known.includes(field));
}
