// Helpers for the routes' `validateSearch` schemas. They are written with zod/mini, the tree-shakable
// build of zod: a route's search schema sits in the entry chunk with every route definition, and
// mini keeps that small, while the full zod of the shared form schemas loads with the pages that
// have forms.
import { z } from 'zod/mini';

/**
 * An optional search parameter: absent, or dropped when it does not match its schema, so a stale or
 * hand-edited URL shows the page without that filter instead of failing.
 */
export function optionalParam<T extends z.ZodMiniType>(schema: T) {
  return z.catch(z.optional(schema), undefined);
}
