// tRPC setup: context from the authenticated request, procedures by requirement, and the one place
// where AppError becomes a TRPCError.
import { initTRPC, TRPCError } from '@trpc/server';
import type { CreateExpressContextOptions } from '@trpc/server/adapters/express';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { requireOrgActor, requireSessionActor, type Services } from '../domain/context.ts';
import { AppError, type ErrorCode } from '../domain/errors.ts';
import { toAppError } from '../http/errors.ts';
import { domainCtx } from '../http/request-context.ts';

export function createContextFactory(services: Services) {
  return ({ req, res }: CreateExpressContextOptions) => ({ req, res, services, domain: domainCtx(services, req) });
}
export type TrpcContext = ReturnType<ReturnType<typeof createContextFactory>>;

const STATUS_TO_TRPC: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  402: 'PAYMENT_REQUIRED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    let appError: AppError | undefined;
    if (cause instanceof AppError) appError = cause;
    else if (cause instanceof ZodError) appError = toAppError(cause, ctx?.req.id ?? '');
    return {
      ...shape,
      message: appError?.message ?? (error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : shape.message),
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        appCode: (appError?.code ?? null) as ErrorCode | null,
        details: appError?.details ?? null,
        extra: appError?.extra ?? null,
        requestId: ctx?.req.id ?? null,
      },
    };
  },
});

/** Converts domain errors (thrown anywhere below) into TRPCErrors carrying the AppError as cause. */
const mapErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof AppError) throw appErrorToTrpc(cause);
  if (result.error.code === 'INTERNAL_SERVER_ERROR' && !(cause instanceof ZodError)) {
    const appError = toAppError(cause ?? result.error, ctx.req.id);
    if (appError.status >= 500) ctx.req.log.error({ err: cause ?? result.error }, 'trpc procedure failed');
    throw appErrorToTrpc(appError);
  }
  return result;
});

export function appErrorToTrpc(err: AppError): TRPCError {
  return new TRPCError({ code: STATUS_TO_TRPC[err.status] ?? 'INTERNAL_SERVER_ERROR', message: err.message, cause: err });
}

export const router = t.router;
export const publicProcedure = t.procedure.use(mapErrors);

/** A signed-in user (session), with or without an organization. */
export const sessionProcedure = publicProcedure.use(({ ctx, next }) => {
  requireSessionActor(ctx.domain);
  return next();
});

/** A session or API key acting in an organization. */
export const orgProcedure = publicProcedure.use(({ ctx, next }) => {
  requireOrgActor(ctx.domain);
  return next();
});
