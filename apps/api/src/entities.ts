import { CORE_ENTITIES } from '@encours/api-core';

/** Every entity of every module, composed here (the composition root). */
export const ENTITIES = [...CORE_ENTITIES];
