const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a syntactically valid UUID; lookups by anything else are answered 404 without a query. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
