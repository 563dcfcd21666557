// Development-only routes (not mounted when NODE_ENV=production).
import { Router } from 'express';
import { listOutbox } from '../adapters/mail/outbox-mail.ts';
import type { Services } from '../domain/context.ts';
import { iso } from './parse.ts';

export function devRoutes(services: Services): Router {
  const r = Router();
  r.get('/dev/outbox', async (_req, res) => {
    const rows = await listOutbox(services.db);
    res.json({
      messages: rows.map((m) => ({ id: m.id, to: m.to, subject: m.subject, text: m.text, html: m.html, created_at: iso(m.createdAt) })),
    });
  });
  return r;
}
