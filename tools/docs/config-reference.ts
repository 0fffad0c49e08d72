import { z } from 'zod';
import { knownInstanceTypes, type InstanceUse } from '../../lib/config/instance-types';
import { stageSchema } from '../../lib/config/schema';

/*
 * Renders docs/configuration-reference.md from the stage schema, so the reference cannot drift
 * from what the app accepts. It reads zod's JSON Schema of the config as authors write it
 * (io: 'input'), where defaults and the `.describe()`/`.meta()` texts of lib/config/schema.ts
 * appear on every field. Cross-field rules live in superRefine and are not part of that
 * schema: the descriptions state them.
 */

/** The part of a JSON Schema node the reference reads. */
interface JsonSchemaNode {
  readonly type?: string;
  readonly description?: string;
  /** A default that is not a constant (it depends on other fields), in words. */
  readonly defaultText?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchemaNode[];
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly multipleOf?: number;
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: JsonSchemaNode | boolean;
  readonly items?: JsonSchemaNode;
}

/** A field of the reference: one table row. */
export interface ReferenceRow {
  readonly path: string;
  readonly type: string;
  readonly default: string;
  readonly description: string;
}

/** Thrown when a field of the schema has no description: the reference would have a blank row. */
export class UndocumentedFieldError extends Error {
  constructor(readonly path: string) {
    super(`lib/config/schema.ts: the config field "${path}" has no description; add .describe('…') (or .meta({ description })) to it`);
    this.name = 'UndocumentedFieldError';
  }
}

// zod writes an unbounded z.number().int() as the largest safe integer: no bound for a reader.
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

function bounds(node: JsonSchemaNode): string {
  const low = node.exclusiveMinimum !== undefined ? `> ${node.exclusiveMinimum}` : node.minimum !== undefined && node.minimum > -UNBOUNDED ? `≥ ${node.minimum}` : undefined;
  const high = node.maximum !== undefined && node.maximum < UNBOUNDED ? `≤ ${node.maximum}` : undefined;
  const parts = [low, high, node.multipleOf !== undefined ? `multiple of ${node.multipleOf}` : undefined].filter((p) => p !== undefined);
  return parts.length > 0 ? ` ${parts.join(', ')}` : '';
}

/** The field's type as a reader needs it: the values it takes, not the JSON Schema keywords. */
export function typeOf(node: JsonSchemaNode): string {
  if (node.enum) return node.enum.map(code).join(' \\| ');
  if (node.const !== undefined) return code(node.const);
  if (node.anyOf) return node.anyOf.map(typeOf).join(' \\| ');
  switch (node.type) {
    case 'string':
      if (node.format === 'email') return 'email';
      return node.maxLength !== undefined ? `string, ≤ ${node.maxLength} characters` : 'string';
    case 'number':
    case 'integer':
      return `${node.type}${bounds(node)}`;
    case 'boolean':
      return 'boolean';
    case 'array':
      return `list of ${node.items ? typeOf(node.items) : 'values'}`;
    case 'object':
      if (node.properties) return 'object';
      return typeof node.additionalProperties === 'object' ? `{ name: ${typeOf(node.additionalProperties)} }` : 'object';
    default:
      return 'value';
  }
}

function defaultOf(node: JsonSchemaNode, required: boolean): string {
  if (node.defaultText !== undefined) return node.defaultText;
  if (node.default !== undefined) {
    // An object whose every field has a default may be left out entirely.
    return node.type === 'object' && node.properties && JSON.stringify(node.default) === '{}' ? 'its fields\' defaults' : code(node.default);
  }
  return required ? 'required' : 'not set';
}

/** One row per field, depth first, children right after their parent; `stop` names paths whose children are documented elsewhere. */
export function rowsOf(node: JsonSchemaNode, prefix = '', stop: readonly string[] = []): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = `${prefix}${key}`;
    if (!child.description) throw new UndocumentedFieldError(path);
    rows.push({ path, type: typeOf(child), default: defaultOf(child, node.required?.includes(key) ?? false), description: child.description });
    if (stop.includes(path)) continue;
    if (child.properties) rows.push(...rowsOf(child, `${path}.`, stop));
    if (child.items?.properties) rows.push(...rowsOf(child.items, `${path}[].`, stop));
  }
  return rows;
}

// Markdown would read <stage> as an HTML tag and drop it.
const escapeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, ' ');

function table(rows: readonly ReferenceRow[]): string {
  return ['| field | type | default | description |', '|---|---|---|---|', ...rows.map((r) => `| \`${r.path}\` | ${r.type} | ${escapeCell(r.default)} | ${escapeCell(r.description)} |`)].join('\n');
}

const INSTANCE_FIELDS: ReadonlyArray<[InstanceUse, string]> = [
  ['training', 'training.instanceType'],
  ['processing', 'preprocessing.instanceType'],
  ['inference', 'serving.instanceType'],
];

function instanceTypes(): string {
  return ['| field | accepted types |', '|---|---|', ...INSTANCE_FIELDS.map(([use, field]) => `| \`${field}\` | ${knownInstanceTypes(use).map((t) => `\`${t}\``).join(', ')} |`)].join('\n');
}

/** The stage schema as JSON Schema, input side: what a config author writes. */
export function stageJsonSchema(): JsonSchemaNode {
  return z.toJSONSchema(stageSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
}

/** docs/configuration-reference.md, rendered from the schema. */
export function renderConfigReference(schema: JsonSchemaNode = stageJsonSchema()): string {
  const model = schema.properties?.['models']?.items;
  if (!model) throw new Error('lib/config/schema.ts: the stage schema has no models list');
  return `<!-- Generated from lib/config/schema.ts by \`npm run docs\`; do not edit: change the schema's descriptions and regenerate. -->
# Configuration reference

Each stage is one typed TypeScript object in \`lib/config/stages/<name>.ts\`, registered in
\`lib/config/index.ts\` and validated by the zod schema in \`lib/config/schema.ts\` when the app
starts. Unknown keys are rejected, and every error names the field path and the bad value. The
rules that relate several fields (spot wait above run time, instance type against serving
target, canary sizes against the fleet, name lengths) are stated in the descriptions.
[Configuration](configuration.md) explains how to write a stage and shows the error format.

"required" fields must be given; "not set" fields may be left out, and then do nothing.

## Stage

${table(rowsOf(schema, '', ['models']))}

## Model definition

Each entry of \`models\`.

${table(rowsOf(model))}

## Instance types

The instance types each field accepts (\`lib/config/instance-types.ts\`; the cost report has a
price for each). Another type is an error at synth that lists these.

${instanceTypes()}
`;
}
