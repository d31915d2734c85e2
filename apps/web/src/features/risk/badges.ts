import { ref, watch, type Ref } from 'vue';
import { api, unwrap } from '../../api/client';
import type { RiskBadge } from '../../api/scoring';

/**
 * Risk badges (grade, over limit, collective proceeding) for the customers a list shows: read
 * again whenever the visible page changes. A failure leaves the column empty.
 */
export function useRiskBadges(ids: () => string[]): Ref<Record<string, RiskBadge>> {
  const badges = ref<Record<string, RiskBadge>>({});
  let latest = 0;
  watch(
    () => ids().join(','),
    async (joined) => {
      const ticket = ++latest;
      if (!joined) {
        badges.value = {};
        return;
      }
      try {
        const result = unwrap(await api.GET('/api/v1/sales/risk-badges', { params: { query: { customerIds: joined } } }));
        if (ticket === latest) badges.value = Object.fromEntries(result.items.map((b) => [b.customerId, b]));
      } catch {
        if (ticket === latest) badges.value = {};
      }
    },
    { immediate: true },
  );
  return badges;
}
