import { CORE_ENTITIES } from '@encours/api-core';
import { RECEIVABLES_ENTITIES } from '@encours/receivables';

/** Every entity of every module, composed here (the composition root). */
export const ENTITIES = [...CORE_ENTITIES, ...RECEIVABLES_ENTITIES];
