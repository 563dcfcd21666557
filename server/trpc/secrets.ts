// App secrets for the SPA: the same domain functions as rest/secrets.ts. `list` returns names and
// dates to every member and values only to owners and admins (`canReadValues`).
import { deleteAllAppSecrets } from '../domain/secrets/delete-all-app-secrets.ts';
import { deleteAppSecret } from '../domain/secrets/delete-app-secret.ts';
import { listAppSecrets } from '../domain/secrets/list-app-secrets.ts';
import { deleteSecretInput, secretsAppInput, setManySecretsInput, setSecretInput } from '../domain/secrets/secret-schemas.ts';
import { setAppSecret } from '../domain/secrets/set-app-secret.ts';
import { parseSecretsPaste, setAppSecrets } from '../domain/secrets/set-app-secrets.ts';
import { orgProcedure, router } from './init.ts';

export const secretsRouter = router({
  list: orgProcedure.input(secretsAppInput).query(({ ctx, input }) => listAppSecrets(ctx.domain, input.appId, { values: 'ifAllowed' })),
  set: orgProcedure.input(setSecretInput).mutation(({ ctx, input }) => setAppSecret(ctx.domain, input.appId, input.key, input.value)),
  /** Bulk paste of `KEY=VALUE` lines; keys not in the paste stay. */
  setMany: orgProcedure.input(setManySecretsInput).mutation(({ ctx, input }) => setAppSecrets(ctx.domain, input.appId, parseSecretsPaste(input.text))),
  delete: orgProcedure.input(deleteSecretInput).mutation(async ({ ctx, input }) => {
    await deleteAppSecret(ctx.domain, input.appId, input.key);
    return { key: input.key };
  }),
  deleteAll: orgProcedure.input(secretsAppInput).mutation(({ ctx, input }) => deleteAllAppSecrets(ctx.domain, input.appId)),
});
