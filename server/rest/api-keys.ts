import { Router } from 'express';
import type { Services } from '../domain/context.ts';

/** Section 3 of the REST doc: API keys. */
export function apiKeyRoutes(_services: Services): Router {
  const r = Router();
  return r;
}
