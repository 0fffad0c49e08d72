/** A template resource, as far as its tags go. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: { readonly Tags?: unknown };
}

/** The tags of a template resource: a list of `{ Key, Value }` or (SSM, Glue, ...) a map. */
export function resourceTags(resource: TemplateResource): Record<string, unknown> {
  // Budgets and Cost Explorer resources call their tags ResourceTags.
  const properties = resource.Properties as { Tags?: unknown; ResourceTags?: unknown } | undefined;
  const tags = properties?.Tags ?? properties?.ResourceTags;
  if (Array.isArray(tags)) return Object.fromEntries(tags.map((t: { Key: string; Value: unknown }) => [t.Key, t.Value]));
  if (tags && typeof tags === 'object') return tags as Record<string, unknown>;
  return {};
}
