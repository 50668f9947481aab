// The ECharts option type of the charts the console draws (echarts/core, per chart: never the
// whole library).
import type { BarSeriesOption, HeatmapSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  AriaComponentOption,
  GridComponentOption,
  LegendComponentOption,
  MarkAreaComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | HeatmapSeriesOption
  | LineSeriesOption
  | LegendComponentOption
  | GridComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
  | MarkAreaComponentOption
  | MarkLineComponentOption
  | AriaComponentOption
>;

export const CHART_FONT = '"Noto Sans CJK SC", "Noto Sans SC", sans-serif';

/** ECharts tooltips are HTML: names from the server are escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
