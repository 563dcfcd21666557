import { Router } from 'express';
import type { Services } from '../domain/context.ts';

/** Section 1 of the REST doc: authentication. */
export function authRoutes(_services: Services): Router {
  const r = Router();
  return r;
}
