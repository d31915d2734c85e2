/**
 * Chart.js, registered once with only the pieces the SPA draws (tree-shaken): line charts
 * (DSO trend) and bar charts (ageing).
 */
import {
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
  type ChartData,
  type ChartOptions,
} from 'chart.js';

Chart.register(CategoryScale, LinearScale, BarElement, LineElement, PointElement, Filler, Legend, Tooltip);
Chart.defaults.font.family = 'inherit';
Chart.defaults.color = '#475569';

export type { ChartData, ChartOptions };
