import { Router } from 'express';
import type { Services } from '../domain/context.ts';

/** Section 2 of the REST doc: organizations, members, invitations. */
export function organizationRoutes(_services: Services): Router {
  const r = Router();
  return r;
}
