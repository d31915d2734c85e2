import { CORE_ENTITIES } from '@encours/api-core';
import { DUNNING_ENTITIES } from '@encours/dunning';
import { RECEIVABLES_ENTITIES } from '@encours/receivables';
import { SCORING_ENTITIES } from '@encours/scoring';

/** Every entity of every module, composed here (the composition root). */
export const ENTITIES = [...CORE_ENTITIES, ...RECEIVABLES_ENTITIES, ...SCORING_ENTITIES, ...DUNNING_ENTITIES];
