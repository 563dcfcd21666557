// Creates an account: the user (argon2id hash), their organization with the signup credit grant
// (they are its owner), and a verification token — all in one transaction — then mails the link.
import { eq } from 'drizzle-orm';
import { users } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import type { DomainCtx } from '../context.ts';
import { conflict } from '../errors.ts';
import { createOrganization } from '../orgs/create-organization.ts';
import type { SignupInput } from './auth-schemas.ts';
import { verificationMail, sendAuthMail } from './auth-mail.ts';
import { issueEmailToken } from './email-tokens.ts';
import { hashPassword } from './password.ts';
import { normalizeEmail, userActor } from './user-actor.ts';

export const SIGNUP_VERIFY_MESSAGE = 'Please check your email to verify your account';
export const SIGNUP_READY_MESSAGE = 'Your account is ready, you can log in now';

export type SignUpResult = {
  /** What to tell the user: check the mailbox, or (verification not required) log in. */
  message: string;
  user: { id: string; email: string; createdAt: Date };
  organization: { id: string; name: string; credits: number };
  /** Whether the user must verify their email before they can log in (REQUIRE_EMAIL_VERIFICATION). */
  emailVerificationRequired: boolean;
};

const emailTaken = () => conflict('An account with this email already exists');

export async function signUp(ctx: DomainCtx, input: SignupInput): Promise<SignUpResult> {
  const email = normalizeEmail(input.email);
  const [existing] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  if (existing) throw emailTaken();

  const passwordHash = await hashPassword(input.password);
  const now = ctx.now();
  let created;
  try {
    created = await ctx.db.transaction(async (tx) => {
      const [user] = await tx.insert(users).values({ email, passwordHash, createdAt: now, updatedAt: now }).returning();
      const actor = userActor(user.id, null, null, ctx.actor.ip);
      const org = await createOrganization(tx, {
        name: input.organizationName,
        ownerUserId: user.id,
        signupCredits: ctx.config.signupCredits,
        actor,
      });
      await tx.update(users).set({ defaultOrgId: org.id }).where(eq(users.id, user.id));
      const token = await issueEmailToken(tx, { userId: user.id, purpose: 'verify_email', now });
      await recordAudit(tx, userActor(user.id, org.id, 'owner', ctx.actor.ip), {
        orgId: org.id,
        action: 'user.signup',
        resourceType: 'user',
        resourceId: user.id,
        metadata: { email },
      });
      return { user, org, token };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw emailTaken();
    throw err;
  }

  await sendAuthMail(ctx, verificationMail(ctx.config.publicUrl, email, created.token), 'verify_email');
  ctx.log.info({ userId: created.user.id, orgId: created.org.id }, 'user signed up');
  return {
    message: ctx.config.requireEmailVerification ? SIGNUP_VERIFY_MESSAGE : SIGNUP_READY_MESSAGE,
    user: { id: created.user.id, email, createdAt: created.user.createdAt },
    organization: { id: created.org.id, name: created.org.name, credits: created.org.credits },
    emailVerificationRequired: ctx.config.requireEmailVerification,
  };
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code === '23505' || e?.cause?.code === '23505';
}
