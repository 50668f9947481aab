import { describe, expect, it } from 'vitest';
import {
  buildBarOption,
  buildDocumentChartOption,
  buildDocumentHeatmapOption,
  buildRankTrendOption,
  documentChartHeight,
  documentHeatCells,
  rankAxisMax,
  type ChartData,
} from '@/charts/documentCharts';
import { ChartKind, DocumentKind, DocumentState } from '@/gen/yingshang/notify/v1/documents_pb';
import {
  defaultNumber,
  documentAbilities,
  downloadName,
  extractFor,
  itemCase,
  itemProblem,
  kindLabel,
  numericColumns,
  periodProblem,
  recentQuarters,
  stateLabel,
  tableData,
  validPeriod,
  visibleDocuments,
} from '@/logic/documents';
import { menuFor } from '@/logic/roles';

function chart(fields: Partial<ChartData>): ChartData {
  return {
    key: 'k',
    kind: ChartKind.UNSPECIFIED,
    title: '',
    xLabels: [],
    yLabels: [],
    series: [],
    bandTarget: 0,
    bandFloor: 0,
    scaleMax: 0,
    unitLabel: '',
    ...fields,
  };
}

describe('document charts: rank trend', () => {
  const trend = chart({
    kind: ChartKind.RANK_TREND,
    title: '上饶市综合排名走势',
    xLabels: ['2022-07', '2022-08', '2022-09'],
    series: [
      { name: '上饶市', values: [5, NaN, 2] },
      { name: '赣州市', values: [7, 6, 8] },
    ],
    bandTarget: 3,
    bandFloor: 6,
    scaleMax: 11,
  });

  it('puts rank 1 at the top of an axis running 1..scale_max', () => {
    const option = buildRankTrendOption(trend) as Record<string, any>;
    expect(option.yAxis.inverse).toBe(true);
    expect(option.yAxis.min).toBe(1);
    expect(option.yAxis.max).toBe(11);
    expect(option.yAxis.interval).toBe(1);
    expect(option.xAxis.data).toEqual(['2022-07', '2022-08', '2022-09']);
  });
  it('draws one line per series, a NaN as a gap', () => {
    const option = buildRankTrendOption(trend) as Record<string, any>;
    expect(option.series).toHaveLength(2);
    expect(option.series[0].type).toBe('line');
    expect(option.series[0].data).toEqual([5, null, 2]);
    expect(option.series[1].data).toEqual([7, 6, 8]);
    expect(option.legend).toBeDefined();
  });
  it('shades the band from the target to the floor and names both', () => {
    const option = buildRankTrendOption(trend) as Record<string, any>;
    const area = option.series[0].markArea.data;
    expect(area).toHaveLength(1);
    expect(area[0][0].yAxis).toBe(3);
    expect(area[0][1].yAxis).toBe(6);
    const lines = option.series[0].markLine.data as { yAxis: number; label: { formatter: string } }[];
    expect(lines.map((l) => l.yAxis)).toEqual([3, 6]);
    expect(lines.map((l) => l.label.formatter)).toEqual(['目标：前3名', '底线：前6名']);
    // Only the first series carries the band.
    expect(option.series[1].markArea).toBeUndefined();
  });
  it('draws no band without a target, and sizes the axis without scale_max', () => {
    const bare = chart({ kind: ChartKind.RANK_TREND, xLabels: ['a', 'b'], series: [{ name: 's', values: [30, NaN] }] });
    const option = buildRankTrendOption(bare) as Record<string, any>;
    expect(option.series[0].markArea).toBeUndefined();
    expect(option.series[0].markLine).toBeUndefined();
    expect(rankAxisMax(bare)).toBe(30);
    expect(option.yAxis.max).toBe(30);
    expect(option.yAxis.interval).toBeUndefined();
  });
});

describe('document charts: heat map', () => {
  // 3 indicators × 2 regions, row-major; one cell without a rank.
  const heat = chart({
    kind: ChartKind.HEATMAP,
    title: '各县（市、区）一级指标排名',
    xLabels: ['综合', '开办企业', '获得电力'],
    yLabels: ['信州区', '广丰区'],
    series: [{ name: '', values: [1, 50, 100, 35, NaN, 71] }],
    scaleMax: 100,
  });

  it('has x × y cells less the NaN ones, each at its row-major place', () => {
    const cells = documentHeatCells(heat);
    expect(cells).toHaveLength(3 * 2 - 1);
    expect(cells.map((c) => c.value.slice(0, 2))).toEqual([[0, 0], [1, 0], [2, 0], [0, 1], [2, 1]]);
    expect(cells.map((c) => c.rank)).toEqual([1, 50, 100, 35, 71]);
    expect(cells[3]).toMatchObject({ x: '综合', y: '广丰区' });
  });
  it('colours each rank by its band out of scale_max (local policy)', () => {
    const cells = documentHeatCells(heat);
    // 1: 前列, 50: 中游, 100: 末位, 71: 后列.
    expect(cells.map((c) => c.bandLabel)).toEqual(['前列', '中游', '末位', '中游', '后列']);
    const option = buildDocumentHeatmapOption(heat) as Record<string, any>;
    expect(option.series[0].type).toBe('heatmap');
    expect(option.series[0].data).toHaveLength(5);
    expect(option.visualMap.dimension).toBe(2);
    const labels = (option.visualMap.pieces as { label: string }[]).map((p) => p.label);
    expect(labels.slice(0, 4)).toEqual(['前列（本地口径）', '中游（本地口径）', '后列（本地口径）', '末位（本地口径）']);
    expect(option.yAxis.data).toEqual(['信州区', '广丰区']);
    expect(option.series[0].label.formatter({ data: cells[1] })).toBe('50');
    expect(option.tooltip.formatter({ data: cells[0] })).toBe('信州区 · 综合<br/>第1名/共100（前列，本地口径）');
  });
  it('is as tall as its rows', () => {
    expect(documentChartHeight(heat)).toBeGreaterThan(documentChartHeight(chart({ kind: ChartKind.HEATMAP, yLabels: ['a'] })));
    expect(documentChartHeight(chart({ kind: ChartKind.BAR }))).toBe(300);
  });
});

describe('document charts: bar and dispatch', () => {
  const bar = chart({
    kind: ChartKind.BAR,
    title: '惠企通兑付',
    xLabels: ['信州区', '广丰区', '玉山县'],
    series: [{ name: '兑付金额', values: [120.5, NaN, 30] }],
    unitLabel: '万元',
  });

  it('draws bars in the unit given, a NaN as none', () => {
    const option = buildBarOption(bar) as Record<string, any>;
    expect(option.series).toHaveLength(1);
    expect(option.series[0].type).toBe('bar');
    expect(option.series[0].data).toEqual([120.5, null, 30]);
    expect(option.yAxis.name).toBe('万元');
    expect(option.xAxis.data).toHaveLength(3);
    expect(option.legend).toBeUndefined();
  });
  it('picks the builder by kind', () => {
    expect((buildDocumentChartOption(bar) as Record<string, any>).series[0].type).toBe('bar');
    expect((buildDocumentChartOption({ ...bar, kind: ChartKind.RANK_TREND }) as Record<string, any>).series[0].type).toBe('line');
    expect((buildDocumentChartOption({ ...bar, kind: ChartKind.HEATMAP }) as Record<string, any>).series[0].type).toBe('heatmap');
    expect(buildDocumentChartOption({ ...bar, kind: ChartKind.UNSPECIFIED })).toBeUndefined();
  });
});

describe('documents: numbers, labels, periods', () => {
  it('numbers a quarter by its issue and a month by its month', () => {
    expect(defaultNumber('2022Q3')).toBe('2022年第3期');
    expect(defaultNumber('2023Q1')).toBe('2023年第1期');
    expect(defaultNumber('2022-09')).toBe('2022年9月');
    expect(defaultNumber('2022-12')).toBe('2022年12月');
    expect(defaultNumber('2022Q5')).toBe('');
    expect(defaultNumber('2022')).toBe('');
  });
  it('names the states and the kinds', () => {
    expect(stateLabel(DocumentState.DRAFT)).toBe('草稿');
    expect(stateLabel(DocumentState.ISSUED)).toBe('已签发');
    expect(kindLabel(DocumentKind.BULLETIN)).toBe('通报');
    expect(kindLabel(DocumentKind.DISPATCH_PACK)).toBe('调度会材料');
    expect(kindLabel(DocumentKind.UNSPECIFIED)).toBe('全部');
  });
  it('takes a quarter for a 通报 and a month for a 调度会材料', () => {
    expect(validPeriod(DocumentKind.BULLETIN, '2022Q3')).toBe(true);
    expect(validPeriod(DocumentKind.BULLETIN, '2022-09')).toBe(false);
    expect(validPeriod(DocumentKind.BULLETIN, '2022Q0')).toBe(false);
    expect(validPeriod(DocumentKind.DISPATCH_PACK, '2022-09')).toBe(true);
    expect(validPeriod(DocumentKind.DISPATCH_PACK, '2022-13')).toBe(false);
    expect(validPeriod(DocumentKind.DISPATCH_PACK, '2022Q3')).toBe(false);
    expect(validPeriod(DocumentKind.UNSPECIFIED, '2022-09')).toBe(false);
    expect(periodProblem(DocumentKind.BULLETIN, '2022Q3')).toBe('');
    expect(periodProblem(DocumentKind.BULLETIN, '2022-09')).toBe('通报的期次格式应为 2022Q3');
    expect(periodProblem(DocumentKind.DISPATCH_PACK, '')).toBe('调度会材料的期次格式应为 2022-09');
  });
  it('offers the recent quarters, the current one first', () => {
    expect(recentQuarters('2022-09', 3)).toEqual(['2022Q3', '2022Q2', '2022Q1']);
    expect(recentQuarters('2023-01', 2)).toEqual(['2023Q1', '2022Q4']);
    expect(recentQuarters('nope', 2)).toEqual([]);
  });
});

describe('documents: roles', () => {
  it('downloads a unit\u2019s or a county\u2019s own extract, the whole document for the others', () => {
    expect(extractFor('unit:市商务局')).toBe('unit:市商务局');
    expect(extractFor('county:361102')).toBe('county:361102');
    expect(extractFor('office')).toBe('');
    expect(extractFor('viewer')).toBe('');
    expect(extractFor('leader:饶清华')).toBe('');
  });
  it('lets the office edit and issue a complete draft and correct an issued one', () => {
    expect(documentAbilities('office', DocumentState.DRAFT, 0)).toEqual({ edit: true, reassemble: true, issue: true, correct: false });
    expect(documentAbilities('office', DocumentState.DRAFT, 1)).toEqual({ edit: true, reassemble: true, issue: false, correct: false });
    expect(documentAbilities('office', DocumentState.ISSUED, 0)).toEqual({ edit: false, reassemble: false, issue: false, correct: true });
    expect(documentAbilities('viewer', DocumentState.DRAFT, 0)).toEqual({ edit: false, reassemble: false, issue: false, correct: false });
    expect(documentAbilities('leader:饶清华', DocumentState.ISSUED, 0).correct).toBe(false);
  });
  it('lists issued documents only to a unit or a county', () => {
    const docs = [
      { id: 'BUL-2022Q3-v2', state: DocumentState.DRAFT },
      { id: 'BUL-2022Q3-v1', state: DocumentState.ISSUED },
    ];
    expect(visibleDocuments('unit:市商务局', docs).map((d) => d.id)).toEqual(['BUL-2022Q3-v1']);
    expect(visibleDocuments('county:361102', docs).map((d) => d.id)).toEqual(['BUL-2022Q3-v1']);
    expect(visibleDocuments('office', docs)).toHaveLength(2);
  });
  it('puts the documents page in the menu of office, viewer, leader, unit and county', () => {
    for (const role of ['office', 'viewer', 'leader:饶清华', 'unit:市商务局', 'county:361102']) {
      expect(menuFor(role).map((i) => i.path)).toContain('/documents');
    }
    expect(menuFor('centre').map((i) => i.path)).not.toContain('/documents');
  });
});

describe('documents: items and tables', () => {
  it('links an opened case, else says 待立案 or why it was refused', () => {
    expect(itemCase({ caseId: 'RC-2022-0042', caseError: '' })).toEqual({ caseId: 'RC-2022-0042', text: 'RC-2022-0042' });
    expect(itemCase({ caseId: '', caseError: '' })).toEqual({ text: '待立案' });
    expect(itemCase({ caseId: '', caseError: 'UNAVAILABLE' })).toEqual({ text: '立案未成功：UNAVAILABLE' });
  });
  it('needs a unit and a matter for a new item', () => {
    expect(itemProblem({ unit: '市商务局', indicatorCode: '', title: '开办企业排名下滑', description: '' })).toBe('');
    expect(itemProblem({ unit: ' ', indicatorCode: 'I01', title: '开办企业排名下滑', description: '' })).toBe('请填写责任单位和事项');
    expect(itemProblem({ unit: '市商务局', indicatorCode: 'I01', title: '', description: '' })).toBe('请填写责任单位和事项');
  });
  it('right-aligns the columns of numbers only', () => {
    const table = {
      columns: ['指标', '排名', '得分', '备注'],
      rows: [
        { cells: [{ text: '开办企业', numeric: false }, { text: '第6名', numeric: true }, { text: '1,234.50', numeric: true }, { text: '—', numeric: false }] },
        { cells: [{ text: '获得电力', numeric: false }, { text: '—', numeric: false }, { text: '88', numeric: true }, { text: '下降', numeric: false }] },
      ],
    };
    expect(numericColumns(table)).toEqual([false, true, true, false]);
    expect(tableData(table)).toEqual([
      { c0: '开办企业', c1: '第6名', c2: '1,234.50', c3: '—' },
      { c0: '获得电力', c1: '—', c2: '88', c3: '下降' },
    ]);
    expect(numericColumns({ columns: ['a'], rows: [] })).toEqual([false]);
  });
  it('saves a download under the server\u2019s name, else the id', () => {
    expect(downloadName('上饶市优化营商环境工作通报-2022年第3期.pdf', 'BUL-2022Q3-v1', 'pdf')).toBe('上饶市优化营商环境工作通报-2022年第3期.pdf');
    expect(downloadName('', 'BUL-2022Q3-v1', 'xlsx')).toBe('BUL-2022Q3-v1.xlsx');
  });
});

describe('documents: the gateway allow-list', () => {
  it('names real DocumentService methods, for the roles the page offers them to', async () => {
    const { readFileSync } = await import('node:fs');
    const { DocumentService } = await import('@/gen/yingshang/notify/v1/documents_pb');
    const { methodPath } = await import('@/api/methodPath');
    const yaml = readFileSync(new URL('../../../services/gateway/allowlist.yaml', import.meta.url), 'utf-8');
    const listed = new Map<string, string[]>();
    for (const line of yaml.split('\n')) {
      const match = /^\s*(yingshang\.notify\.v1\.DocumentService\/\w+):\s*\[(.*)\]\s*$/.exec(line);
      if (match) listed.set(match[1]!, match[2]!.split(',').map((r) => r.trim().replace(/"/g, '')));
    }
    const real = DocumentService.methods.map((mm) => methodPath(mm));
    expect([...listed.keys()].sort()).toEqual([...real].sort());
    for (const [method, roles] of listed) {
      expect(roles).toContain('office');
      const name = method.split('/')[1]!;
      const reader = ['GetDocument', 'ListDocuments', 'RenderDocument', 'ListItems'].includes(name);
      const extract = ['ListDocuments', 'RenderDocument'].includes(name);
      expect(roles.includes('viewer') && roles.includes('leader:*'), method).toBe(reader);
      expect(roles.includes('unit:*') && roles.includes('county:*'), method).toBe(extract);
      expect(roles.includes('centre') || roles.includes('public'), method).toBe(false);
    }
  });
});
