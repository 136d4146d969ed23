import { Inject, Injectable } from '@nestjs/common';
import { ApplicationsQueries } from '@pz/applications';
import { APP_CONFIG, AppConfig } from '@pz/platform';
import { RoundsQueries, ZonesCatalogue } from '@pz/rounds';
import { summarise, SummaryReport } from './domain/summary';
import { Grant360, Package360, Publisher, publishedGrants, toCsv, toPackage } from './domain/three-sixty-giving';
import { TRANSPARENCY_CONFIG, TransparencyConfig } from './transparency.config';

/** Reads the read models and hands them to the pure publishing and reporting functions. */
@Injectable()
export class TransparencyService {
  private readonly publisher: Publisher;

  constructor(
    private readonly applications: ApplicationsQueries,
    private readonly rounds: RoundsQueries,
    private readonly zones: ZonesCatalogue,
    @Inject(TRANSPARENCY_CONFIG) config: TransparencyConfig,
    @Inject(APP_CONFIG) app: AppConfig,
  ) {
    this.publisher = { prefix: config.prefix, funder: config.funder, publicUrl: app.publicUrl.replace(/\/+$/, '') };
  }

  grants(): Grant360[] {
    return publishedGrants(this.applications.all(), this.publisher, {
      round: (id) => this.rounds.view(id),
      zone: (id) => this.zones.zones.find((z) => z.id === id),
    });
  }

  package(): Package360 {
    return toPackage(this.grants(), this.publisher);
  }

  csv(): string {
    return toCsv(this.grants());
  }

  summary(financialYear: string): SummaryReport {
    return summarise({
      financialYear,
      applications: this.applications.all(),
      financialYearOfRound: (id) => this.rounds.view(id)?.financialYear,
      zones: this.zones.zones,
    });
  }
}
