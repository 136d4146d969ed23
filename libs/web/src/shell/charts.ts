import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

/**
 * Charts for pages (web.md: "pictures where people would rather look than read"), drawn on the
 * server as SVG by Vega-Lite and Vega: no chart geometry is written here, only what to draw.
 * Each chart is shown as an image with a text alternative, beside a table of the same figures.
 */
export interface ChartBar {
  /** The category (a zone, a theme, a year, a rating). */
  label: string;
  value: number;
  /** Stacks bars of one label by this (e.g. RAG rating); each needs a colour in `colours`. */
  part?: string;
}

export interface BarChart {
  /** What the chart shows, e.g. "Money awarded by People Zone". */
  title: string;
  /** The axis the bars are measured on, e.g. "Amount awarded (£)". */
  measure: string;
  /** The axis of the categories, e.g. "People Zone". */
  category: string;
  bars: ChartBar[];
  /** Values are pounds: the axis reads £. */
  money?: boolean;
  /** For stacked bars: the colour of each part, in the order of the legend. */
  colours?: Record<string, string>;
}

export interface RenderedChart {
  title: string;
  /** The text alternative: every figure in words, for those who cannot see the picture. */
  alt: string;
  /** `data:image/svg+xml;base64,...`: CSP allows images from data: but no inline style. */
  src: string;
}

// GOV.UK blue: 4.5:1 against white, for bars and text alike.
const BAR = '#1d70b8';
const TEXT = '#0b0c0c';

/** The Vega-Lite specification: what to draw; Vega works out every mark's geometry. */
export function vegaLiteSpec(chart: BarChart): Record<string, unknown> {
  const parts = chart.colours ? Object.keys(chart.colours) : [];
  const labels = [...new Set(chart.bars.map((b) => b.label))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 420,
    height: { step: 28 },
    background: '#ffffff',
    data: { values: chart.bars.map((b) => ({ label: b.label, value: b.value, part: b.part ?? '' })) },
    mark: { type: 'bar', ...(chart.colours ? {} : { color: BAR }) },
    encoding: {
      y: { field: 'label', type: 'nominal', title: chart.category, sort: labels, axis: { labelLimit: 180 } },
      x: {
        field: 'value',
        type: 'quantitative',
        title: chart.measure,
        stack: chart.colours ? 'zero' : null,
        axis: { format: chart.money ? '$,.0f' : ',d', tickMinStep: 1 },
      },
      ...(chart.colours
        ? {
            color: {
              field: 'part',
              type: 'nominal',
              title: null,
              sort: parts,
              scale: { domain: parts, range: parts.map((p) => chart.colours![p]) },
              legend: { orient: 'bottom', direction: 'horizontal' },
            },
            order: { field: 'partOrder', type: 'quantitative' },
          }
        : {}),
    },
    ...(chart.colours ? { transform: [{ calculate: `indexof(${JSON.stringify(parts)}, datum.part)`, as: 'partOrder' }] } : {}),
    config: {
      // The picture is an image with its own text alternative: Vega's ARIA roles would be noise.
      aria: false,
      font: 'Arial, sans-serif',
      // Pounds, as the UK writes them (Vega's "$" format symbol).
      locale: { number: { decimal: '.', thousands: ',', grouping: [3], currency: ['£', ''] } },
      axis: { labelFontSize: 13, titleFontSize: 14, labelColor: TEXT, titleColor: TEXT, domainColor: TEXT, tickColor: TEXT, gridColor: '#b1b4b6' },
      legend: { labelFontSize: 13, labelColor: TEXT, symbolType: 'square' },
      view: { stroke: null },
    },
  };
}

/** The figures in words: "New Parks: £3,000. Bell Foundry: £5,500." */
export function altText(chart: BarChart, format: (n: number) => string): string {
  if (chart.bars.length === 0) return `${chart.title}: nothing to show yet.`;
  const byLabel = new Map<string, ChartBar[]>();
  for (const bar of chart.bars) byLabel.set(bar.label, [...(byLabel.get(bar.label) ?? []), bar]);
  const figures = [...byLabel].map(([label, bars]) =>
    bars.length === 1 && !bars[0].part ? `${label}: ${format(bars[0].value)}` : `${label}: ${bars.map((b) => `${format(b.value)} ${b.part}`).join(', ')}`,
  );
  return `Bar chart, ${chart.title.charAt(0).toLowerCase()}${chart.title.slice(1)}. ${figures.join('. ')}.`;
}

/**
 * Vega 6 is an ES module with a top-level await (its optional node-canvas probe), which this
 * CommonJS build cannot require. It runs in a worker thread instead, loaded with import(): that
 * also keeps drawing off the event loop that answers requests.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const loaded = Promise.all([import(workerData.vega), import(workerData.vegaLite)]);
parentPort.on('message', async ({ id, spec }) => {
  try {
    const [vega, vegaLite] = await loaded;
    const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
    const svg = await view.toSVG();
    view.finalize();
    parentPort.postMessage({ id, svg });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.stack) || error) });
  }
});
`;

/** Presentation attributes only: a style attribute would fall foul of a strict style-src. */
export function withoutStyleAttributes(svg: string): string {
  return svg.replace(/\sstyle="[^"]*"/g, '');
}

@Injectable()
export class ChartRenderer implements OnModuleDestroy {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (svg: string) => void; reject: (error: Error) => void }>();
  /** Same chart, same picture: pages ask again only when their data moved on. */
  private readonly drawn = new LRUCache<string, Promise<string>>({ max: 200 });

  async render(chart: BarChart, format: (n: number) => string): Promise<RenderedChart> {
    const spec = vegaLiteSpec(chart);
    const key = createHash('sha256').update(JSON.stringify(spec)).digest('base64url');
    let svg = this.drawn.get(key);
    if (!svg) {
      svg = this.draw(spec).then(withoutStyleAttributes);
      this.drawn.set(key, svg);
      // A failed drawing is not kept: the next page asks again.
      svg.catch(() => this.drawn.delete(key));
    }
    return { title: chart.title, alt: altText(chart, format), src: `data:image/svg+xml;base64,${Buffer.from(await svg).toString('base64')}` };
  }

  /** The SVG text itself (tests read it). */
  async svg(chart: BarChart): Promise<string> {
    return withoutStyleAttributes(await this.draw(vegaLiteSpec(chart)));
  }

  onModuleDestroy(): Promise<number> | undefined {
    const worker = this.worker;
    this.worker = null;
    return worker?.terminate();
  }

  private draw(spec: Record<string, unknown>): Promise<string> {
    const worker = this.started();
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, spec });
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const workerData = { vega: pathToFileURL(require.resolve('vega')).href, vegaLite: pathToFileURL(require.resolve('vega-lite')).href };
    const worker = new Worker(WORKER, { eval: true, workerData });
    // An idle worker must not keep the process (or a test run) alive.
    worker.unref();
    worker.on('message', ({ id, svg, error }: { id: number; svg?: string; error?: string }) => {
      const waiting = this.waiting.get(id);
      this.waiting.delete(id);
      if (error !== undefined) waiting?.reject(new Error(`Chart could not be drawn: ${error}`));
      else waiting?.resolve(svg!);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`Chart worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
