// What the signed-in member may do in the UI. The server enforces the same rules; these only decide
// which controls to show.
import type { Role } from './format.ts';

const RANK: Record<Role, number> = { member: 0, admin: 1, owner: 2 };

export function atLeast(role: Role | null | undefined, min: Role): boolean {
  return role != null && RANK[role] >= RANK[min];
}

export const canManageOrganization = (role: Role | null | undefined) => atLeast(role, 'admin');

/** Owners remove admins and members, admins remove members, members remove nobody; the owner stays. */
export function canRemoveMember(actorRole: Role | null | undefined, targetRole: Role): boolean {
  if (targetRole === 'owner' || actorRole == null) return false;
  if (actorRole === 'owner') return true;
  if (actorRole === 'admin') return targetRole === 'member';
  return false;
}

/** Anyone can leave, except the last owner. */
export const canLeave = (role: Role | null | undefined, ownerCount: number) => role != null && (role !== 'owner' || ownerCount > 1);
