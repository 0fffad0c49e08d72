import type { ModelConfig } from '../../config';
import { hasInstanceStorage } from '../../config/instance-types';
import { artifactPrefix, EXECUTION_TAG_KEY, type JobKind, jobNamePrefix } from '../../contract';

/*
 * The SageMaker requests the training pipeline sends, as Step Functions Parameters (JSONPath:
 * keys ending in `.$` are evaluated against the state's input). Pure functions of the config,
 * so each field is testable without synthesizing a state machine.
 *
 * The state input these paths read is built by the pipeline's first states:
 *   $.run.id          short unique run id (job names must be unique and at most 63 characters)
 *   $.run.dataUri     the training data as given; $.data.dataUri, as validated and normalized
 *   $.run.hyperparameters   config hyperparameters merged with the execution's overrides (JSON values)
 *   $.data.hyperparameters  the same, as validate-data checked them and turned them into strings
 *   $.train.TrainingJobName, $.train.ModelArtifacts.S3ModelArtifacts   after training
 */

/** A {Key, Value} tag list; `ExecutionId` is filled from the context object at run time. */
export type JobTags = ReadonlyArray<{ readonly Key: string; readonly Value?: string; readonly 'Value.$'?: string }>;

/** Where jobs read and write. Values may be CDK tokens (bucket names, ARNs). */
export interface JobLocations {
  /** The stage's name: part of every job name. */
  readonly stageName: string;
  readonly artifactsBucket: string;
  readonly roleArn: string;
  readonly kmsKeyArn: string;
  /** `s3://…/sourcedir.tar.gz` of the training code. */
  readonly sourceDirUri: string;
  /** `s3://…` prefix holding the preprocessing script, and the script's file name there. */
  readonly preprocessCodeUri: string;
  readonly preprocessScriptName: string;
  readonly vpc?: { readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[] };
}

/** `States.Format` of a job's name for the run: `gantry-<stage>-<model>-<kind>-<run id>` (63 characters at most, checked by the config). */
export function jobNameFormat(at: Pick<JobLocations, 'stageName'>, model: string, kind: JobKind): string {
  return `States.Format('${jobNamePrefix(at.stageName, model, kind)}{}', $.run.id)`;
}

/** `VolumeKmsKeyId`, unless the instance type has instance storage (encrypted in hardware; SageMaker refuses a key). */
function volumeKey(instanceType: string, kmsKeyArn: string): { VolumeKmsKeyId?: string } {
  return hasInstanceStorage(instanceType) ? {} : { VolumeKmsKeyId: kmsKeyArn };
}

/** The five cost tags plus the execution that created the job. */
export function jobTags(costTags: Readonly<Record<string, string>>): JobTags {
  return [...Object.entries(costTags).map(([Key, Value]) => ({ Key, Value })), { Key: EXECUTION_TAG_KEY, 'Value.$': '$$.Execution.Id' }];
}

/** `s3://<artifacts>/runs/<model>/<execution>/processed/<name>/`: where preprocessing writes and training reads. */
const processedUri = (at: JobLocations, model: string, name: string) => `States.Format('s3://${at.artifactsBucket}/${artifactPrefix('runs', model)}{}/processed/${name}/', $$.Execution.Name)`;

export function processingJobRequest(model: ModelConfig, at: JobLocations, tags: JobTags): Record<string, unknown> {
  const p = model.preprocessing;
  return {
    'ProcessingJobName.$': jobNameFormat(at, model.name, 'prep'),
    RoleArn: at.roleArn,
    AppSpecification: { ImageUri: p.image, ContainerEntrypoint: ['python3', `/opt/ml/processing/input/code/${at.preprocessScriptName}`] },
    ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: p.instanceType, VolumeSizeInGB: 30, ...volumeKey(p.instanceType, at.kmsKeyArn) } },
    ProcessingInputs: [
      // The URI validate-data checked and normalized, so the job reads exactly the checked data.
      { InputName: 'data', S3Input: { 'S3Uri.$': '$.data.dataUri', LocalPath: '/opt/ml/processing/input/data', S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated' } },
      { InputName: 'code', S3Input: { S3Uri: at.preprocessCodeUri, LocalPath: '/opt/ml/processing/input/code', S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated' } },
    ],
    ProcessingOutputConfig: {
      KmsKeyId: at.kmsKeyArn,
      Outputs: ['train', 'validation'].map((name) => ({
        OutputName: name,
        S3Output: { 'S3Uri.$': processedUri(at, model.name, name), LocalPath: `/opt/ml/processing/output/${name}`, S3UploadMode: 'EndOfJob' },
      })),
    },
    StoppingCondition: { MaxRuntimeInSeconds: p.maxRuntimeSeconds },
    NetworkConfig: {
      EnableNetworkIsolation: model.training.networkIsolation,
      ...(at.vpc ? { VpcConfig: { Subnets: at.vpc.subnetIds, SecurityGroupIds: at.vpc.securityGroupIds } } : {}),
    },
    Tags: tags,
  };
}

export function trainingJobRequest(model: ModelConfig, at: JobLocations, tags: JobTags): Record<string, unknown> {
  const t = model.training;
  const channel = (name: string) => ({
    ChannelName: name,
    ContentType: 'text/csv',
    DataSource: { S3DataSource: { S3DataType: 'S3Prefix', 'S3Uri.$': processedUri(at, model.name, name), S3DataDistributionType: 'FullyReplicated' } },
  });
  return {
    'TrainingJobName.$': jobNameFormat(at, model.name, 'train'),
    RoleArn: at.roleArn,
    AlgorithmSpecification: { TrainingImage: t.image, TrainingInputMode: 'File' },
    'HyperParameters.$': '$.data.hyperparameters',
    InputDataConfig: [channel('train'), channel('validation')],
    OutputDataConfig: { S3OutputPath: `s3://${at.artifactsBucket}/${artifactPrefix('models', model.name)}`, KmsKeyId: at.kmsKeyArn },
    // Instance storage (g5, p4d, ...) is encrypted in hardware; SageMaker refuses a key for it.
    ResourceConfig: { InstanceType: t.instanceType, InstanceCount: t.instanceCount, VolumeSizeInGB: t.volumeSizeGb, ...volumeKey(t.instanceType, at.kmsKeyArn) },
    StoppingCondition: { MaxRuntimeInSeconds: t.maxRuntimeSeconds, ...(t.spot.enabled ? { MaxWaitTimeInSeconds: t.spot.maxWaitSeconds } : {}) },
    EnableManagedSpotTraining: t.spot.enabled,
    // Spot capacity can be reclaimed mid-run; the script resumes from the last checkpoint.
    CheckpointConfig: { 'S3Uri.$': `States.Format('s3://${at.artifactsBucket}/${artifactPrefix('checkpoints', model.name)}{}/', $$.Execution.Name)`, LocalPath: '/opt/ml/checkpoints' },
    EnableNetworkIsolation: t.networkIsolation,
    // Distributed training ships gradients between instances; keep that traffic encrypted. Sent
    // only when it is needed: the optimized integration's documented fields do not name it
    // (sagemaker-optimized-parameters.ts), so a single-instance job does not risk it.
    ...(t.instanceCount > 1 ? { EnableInterContainerTrafficEncryption: true } : {}),
    ...(at.vpc ? { VpcConfig: { Subnets: at.vpc.subnetIds, SecurityGroupIds: at.vpc.securityGroupIds } } : {}),
    Tags: tags,
  };
}

/** The compilation job's stopping condition. */
export const COMPILE_MAX_RUNTIME_SECONDS = 900;

const NEO_FRAMEWORK: Readonly<Record<string, string>> = { pytorch: 'PYTORCH', tensorflow: 'TENSORFLOW' };

export function compilationJobRequest(model: ModelConfig, at: JobLocations, tags: JobTags, featureCount: number): Record<string, unknown> {
  const framework = NEO_FRAMEWORK[model.framework.name];
  if (!framework) throw new Error(`model ${model.name}: SageMaker Neo cannot compile framework "${model.framework.name}" for ml_inf2`);
  return {
    'CompilationJobName.$': jobNameFormat(at, model.name, 'neo'),
    RoleArn: at.roleArn,
    InputConfig: {
      'S3Uri.$': '$.train.ModelArtifacts.S3ModelArtifacts',
      // One row of the model's features: the shape Neuron traces the model with.
      DataInputConfig: JSON.stringify({ input0: [1, featureCount] }),
      Framework: framework,
      FrameworkVersion: model.framework.version,
    },
    OutputConfig: { 'S3OutputLocation.$': `States.Format('s3://${at.artifactsBucket}/${artifactPrefix('compiled', model.name)}{}/', $.run.id)`, TargetDevice: 'ml_inf2', KmsKeyId: at.kmsKeyArn },
    StoppingCondition: { MaxRuntimeInSeconds: COMPILE_MAX_RUNTIME_SECONDS },
    ...(at.vpc ? { VpcConfig: { Subnets: at.vpc.subnetIds, SecurityGroupIds: at.vpc.securityGroupIds } } : {}),
    Tags: tags,
  };
}
