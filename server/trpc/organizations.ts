import { router } from './init.ts';

export const orgRouter = router({});
