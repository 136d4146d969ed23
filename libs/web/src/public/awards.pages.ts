import { Controller, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdentityQueries } from '@pz/identity';
import { ReadModels } from '@pz/platform';
import { ZonesCatalogue } from '@pz/rounds';
import { OPEN_DATA_CSV_PATH, OPEN_DATA_JSON_PATH, TransparencyService } from '@pz/transparency';
import { ChartRenderer, RenderedChart } from '../shell/charts';
import { filteredPageOf } from '../shell/filtered-pages';
import { PageGet } from '../shell/page-route';
import { FieldError, PageRenderer } from '../shell/page-renderer';
import { pounds } from '../shell/uk-format';
import { AwardFigures, AwardRow, awardRows, figuresBy, yearName } from './awards-figures';
import { PublishedCaseStudies, PublicCaseStudy } from './awards-case-studies';

interface Dimension {
  /** The filter's field name and the heading's words. */
  name: 'year' | 'zone' | 'theme';
  heading: string;
  /** "People Zone", as a sentence writes it after "by". */
  by: string;
  /** The first column of its table. */
  column: string;
  figures: AwardFigures[];
  money: RenderedChart;
  count: RenderedChart;
}

/** Everything on the page that depends only on the log: worked out once per position it reaches. */
interface AwardsRecord {
  position: number;
  rows: AwardRow[];
  totals: { grants: number; pence: number };
  dimensions: Dimension[];
  caseStudies: PublicCaseStudy[];
}

const AWARDS_PER_PAGE = 50;

/**
 * The public record (web.md, `/awards`): every award by year, zone and theme, from the same
 * grants as the 360Giving feed, with charts of the money and the number of grants, the downloads,
 * and the case studies staff approved for publication with their authors' consent.
 */
@Controller('awards')
export class AwardsPages {
  private record: Promise<AwardsRecord> | null = null;

  constructor(
    private readonly transparency: TransparencyService,
    private readonly caseStudies: PublishedCaseStudies,
    private readonly identity: IdentityQueries,
    private readonly zones: ZonesCatalogue,
    private readonly readModels: ReadModels,
    private readonly charts: ChartRenderer,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('')
  async awards(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query('year') yearText?: string,
    @Query('zone') zoneText?: string,
    @Query('theme') themeText?: string,
    @Query('page') page?: string,
  ) {
    const record = await this.current();
    const [years, zones, themes] = record.dimensions.map((d) => d.figures);
    const chosen = { year: (yearText ?? '').trim(), zone: (zoneText ?? '').trim(), theme: (themeText ?? '').trim() };
    // A filter nobody could have chosen from the lists (an old link, a typed address) is named, and shows every award.
    const errors: FieldError[] = [];
    if (chosen.year && !years.some((f) => f.key === chosen.year)) errors.push({ field: 'year', text: 'Choose a year from the list' });
    if (chosen.zone && !zones.some((f) => f.key === chosen.zone)) errors.push({ field: 'zone', text: 'Choose a People Zone from the list' });
    if (chosen.theme && !themes.some((f) => f.key === chosen.theme)) errors.push({ field: 'theme', text: 'Choose a theme from the list' });
    const filters = errors.length > 0 ? { year: '', zone: '', theme: '' } : chosen;
    const shown = record.rows
      .filter((r) => (!filters.year || r.year === filters.year) && (!filters.zone || r.zone === filters.zone) && (!filters.theme || r.theme === filters.theme))
      // Newest first: that is what people come to see.
      .slice()
      .reverse();
    const options = (figures: AwardFigures[], value: string, all: string) => [
      { value: '', text: all },
      ...figures.map((f) => ({ value: f.key, text: f.label, selected: f.key === value })),
    ];
    await this.pages.render(
      request,
      reply,
      'public/awards',
      {
        title: 'Grants awarded',
        totals: record.totals,
        dimensions: record.dimensions,
        caseStudies: await this.caseStudies.notErased(record.caseStudies),
        filtered: Boolean(filters.year || filters.zone || filters.theme),
        list: filteredPageOf(shown, page, '/awards', filters, AWARDS_PER_PAGE),
        yearOptions: options(years, chosen.year, 'All years'),
        zoneOptions: options(zones, chosen.zone, 'All People Zones'),
        themeOptions: options(themes, chosen.theme, 'All themes'),
        downloads: { json: OPEN_DATA_JSON_PATH, csv: OPEN_DATA_CSV_PATH },
        errors,
      },
      errors.length > 0 ? 400 : 200,
    );
  }

  /** Kept until the read models move on: a busy page does not regroup and redraw the same awards. */
  private async current(): Promise<AwardsRecord> {
    const position = this.readModels.position;
    const cached = this.record;
    if (cached) {
      const known = await cached.catch(() => null);
      if (known && known.position === position) return known;
    }
    const fresh = this.build(position);
    this.record = fresh;
    fresh.catch(() => {
      if (this.record === fresh) this.record = null;
    });
    return fresh;
  }

  private async build(position: number): Promise<AwardsRecord> {
    const names = new Map<string, string | undefined>();
    const awards = await this.transparency.awards();
    for (const { org } of awards) if (!names.has(org)) names.set(org, (await this.identity.organisation(org))?.name);
    const rows = awardRows(awards, (org) => names.get(org));
    const zoneOrder = this.zones.ids();
    const rank = (id: string) => (zoneOrder.includes(id) ? zoneOrder.indexOf(id) : zoneOrder.length);
    const specs: Array<Pick<Dimension, 'name' | 'heading' | 'figures' | 'by'> & { category: string }> = [
      { name: 'year', heading: 'By year', category: 'Financial year', by: 'financial year', figures: figuresBy(rows, (r) => r.year, (r) => yearName(r.year), (a, b) => a.localeCompare(b)) },
      { name: 'zone', heading: 'By People Zone', category: 'People Zone', by: 'People Zone', figures: figuresBy(rows, (r) => r.zone, (r) => r.zoneName, (a, b) => rank(a) - rank(b)) },
      { name: 'theme', heading: 'By theme', category: 'Theme', by: 'theme', figures: figuresBy(rows, (r) => r.theme, (r) => r.theme, () => 0) },
    ];
    const dimensions = await Promise.all(
      specs.map(async ({ category, ...spec }) => ({
        ...spec,
        column: category,
        money: await this.charts.render(
          { title: `Money awarded by ${spec.by}`, measure: 'Amount awarded (£)', category, money: true, bars: spec.figures.map((f) => ({ label: f.label, value: f.pence / 100 })) },
          (value) => pounds(Math.round(value * 100)),
        ),
        count: await this.charts.render(
          { title: `Number of grants by ${spec.by}`, measure: 'Grants', category, bars: spec.figures.map((f) => ({ label: f.label, value: f.grants })) },
          (value) => (value === 1 ? '1 grant' : `${value.toLocaleString('en-GB')} grants`),
        ),
      })),
    );
    return {
      position,
      rows,
      totals: { grants: rows.length, pence: rows.reduce((sum, r) => sum + r.pence, 0) },
      dimensions,
      caseStudies: await this.caseStudies.approved(),
    };
  }
}
