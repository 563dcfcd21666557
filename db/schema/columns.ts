// Column builders shared by the tables.
import { timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './orgs.ts';

/** timestamptz read as a Date. */
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** The owning organization (tenant); its rows go with it. */
export const orgIdColumn = () =>
  uuid('org_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' });
