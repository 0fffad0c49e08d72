/**
 * The SageMaker instance types Gantry knows, with the facts the config checks need. The config
 * holds instance types as strings and its schema checks them against this table, so an unknown
 * type is an error at synth that names the field, never a surprise at run time (or a zero in the
 * cost report, which prices every type listed here).
 */

/** What does the maths on an instance. */
export type Accelerator = 'nvidia-gpu' | 'inferentia' | 'trainium' | 'cpu';

/** Where an instance type can be used. */
export type InstanceUse = 'training' | 'processing' | 'inference';

export interface InstanceSpec {
  readonly name: string;
  readonly accelerator: Accelerator;
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** GPUs, Inferentia chips or Trainium chips; 0 for CPU instances. */
  readonly acceleratorCount: number;
  readonly uses: readonly InstanceUse[];
}

const ALL: readonly InstanceUse[] = ['training', 'processing', 'inference'];
const TRAIN_INFER: readonly InstanceUse[] = ['training', 'inference'];

function spec(name: string, accelerator: Accelerator, vcpus: number, memoryGiB: number, acceleratorCount: number, uses: readonly InstanceUse[]): InstanceSpec {
  return { name, accelerator, vcpus, memoryGiB, acceleratorCount, uses };
}

const SPECS: readonly InstanceSpec[] = [
  // General purpose and compute optimised CPU instances.
  spec('ml.t3.medium', 'cpu', 2, 4, 0, ['processing', 'inference']),
  spec('ml.m5.large', 'cpu', 2, 8, 0, ALL),
  spec('ml.m5.xlarge', 'cpu', 4, 16, 0, ALL),
  spec('ml.m5.2xlarge', 'cpu', 8, 32, 0, ALL),
  spec('ml.m5.4xlarge', 'cpu', 16, 64, 0, ALL),
  spec('ml.m6i.large', 'cpu', 2, 8, 0, ALL),
  spec('ml.m6i.xlarge', 'cpu', 4, 16, 0, ALL),
  spec('ml.c5.large', 'cpu', 2, 4, 0, ALL),
  spec('ml.c5.xlarge', 'cpu', 4, 8, 0, ALL),
  spec('ml.c5.2xlarge', 'cpu', 8, 16, 0, ALL),
  spec('ml.c6i.large', 'cpu', 2, 4, 0, ['inference']),
  spec('ml.c6i.xlarge', 'cpu', 4, 8, 0, ['inference']),
  // NVIDIA GPU instances.
  spec('ml.g4dn.xlarge', 'nvidia-gpu', 4, 16, 1, ALL),
  spec('ml.g4dn.2xlarge', 'nvidia-gpu', 8, 32, 1, ALL),
  spec('ml.g5.xlarge', 'nvidia-gpu', 4, 16, 1, ALL),
  spec('ml.g5.2xlarge', 'nvidia-gpu', 8, 32, 1, ALL),
  spec('ml.g5.4xlarge', 'nvidia-gpu', 16, 64, 1, ALL),
  spec('ml.g5.8xlarge', 'nvidia-gpu', 32, 128, 1, ALL),
  spec('ml.g5.12xlarge', 'nvidia-gpu', 48, 192, 4, ALL),
  spec('ml.g5.48xlarge', 'nvidia-gpu', 192, 768, 8, ALL),
  spec('ml.g6.xlarge', 'nvidia-gpu', 4, 16, 1, ALL),
  spec('ml.g6.2xlarge', 'nvidia-gpu', 8, 32, 1, ALL),
  spec('ml.p3.2xlarge', 'nvidia-gpu', 8, 61, 1, TRAIN_INFER),
  spec('ml.p4d.24xlarge', 'nvidia-gpu', 96, 1152, 8, TRAIN_INFER),
  spec('ml.p5.48xlarge', 'nvidia-gpu', 192, 2048, 8, TRAIN_INFER),
  // AWS Inferentia2 (serving) and Trainium (training).
  spec('ml.inf2.xlarge', 'inferentia', 4, 16, 1, ['inference']),
  spec('ml.inf2.8xlarge', 'inferentia', 32, 128, 1, ['inference']),
  spec('ml.inf2.24xlarge', 'inferentia', 96, 384, 6, ['inference']),
  spec('ml.inf2.48xlarge', 'inferentia', 192, 768, 12, ['inference']),
  spec('ml.trn1.2xlarge', 'trainium', 8, 32, 1, ['training']),
  spec('ml.trn1.32xlarge', 'trainium', 128, 512, 16, ['training']),
];

const BY_NAME: ReadonlyMap<string, InstanceSpec> = new Map(SPECS.map((s) => [s.name, s]));

/** Every known instance type that supports `use`, sorted by name. */
export function knownInstanceTypes(use: InstanceUse): string[] {
  return SPECS.filter((s) => s.uses.includes(use)).map((s) => s.name).sort();
}

/** The spec of a known instance type, or undefined. */
export function findInstanceSpec(name: string): InstanceSpec | undefined {
  return BY_NAME.get(name);
}

// Families whose instances carry local NVMe storage. SageMaker encrypts it in hardware and
// refuses a KMS key for it: CreateTrainingJob (VolumeKmsKeyId) and CreateEndpointConfig
// (KmsKeyId) fail when one is given for these types.
const INSTANCE_STORAGE_FAMILY = /^ml\.(c5d|c6id|m5d|m6id|r5d|r6id|g4dn|g5|g6|g6e|gr6|p3dn|p4d|p4de|p5|p5e|p5en|trn1|trn1n|trn2)\./;

/** Whether the instance type has local instance storage, whose volume key cannot be chosen. */
export function hasInstanceStorage(instanceType: string): boolean {
  return INSTANCE_STORAGE_FAMILY.test(instanceType);
}
