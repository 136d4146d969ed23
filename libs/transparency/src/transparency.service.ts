import { Inject, Injectable } from '@nestjs/common';
import { ApplicationDoc, ApplicationsQueries } from '@pz/applications';
import { IdentityQueries, OrganisationView } from '@pz/identity';
import { APP_CONFIG, AppConfig } from '@pz/platform';
import { RoundsQueries, RoundView, ZonesCatalogue } from '@pz/rounds';
import { summarise, SummaryReport } from './domain/summary';
import { Grant360, grantIdentifier, Package360, Publisher, publishedGrants, toCsv, toPackage } from './domain/three-sixty-giving';
import { TRANSPARENCY_CONFIG, TransparencyConfig } from './transparency.config';

export interface PublishedAward {
  grant: Grant360;
  applicationId: string;
  org: string;
  zone: string;
  theme: string;
}

/** Reads the read models and hands them to the pure publishing and reporting functions. */
@Injectable()
export class TransparencyService {
  private readonly publisher: Publisher;

  constructor(
    private readonly applications: ApplicationsQueries,
    private readonly rounds: RoundsQueries,
    private readonly zones: ZonesCatalogue,
    private readonly identity: IdentityQueries,
    @Inject(TRANSPARENCY_CONFIG) config: TransparencyConfig,
    @Inject(APP_CONFIG) app: AppConfig,
  ) {
    this.publisher = { prefix: config.prefix, funder: config.funder, publicUrl: app.publicUrl.replace(/\/+$/, '') };
  }

  async grants(given?: ApplicationDoc[]): Promise<Grant360[]> {
    const rounds = await this.roundsById();
    const applications = given ?? (await this.applications.all());
    const organisations = new Map<string, OrganisationView>();
    for (const orgId of new Set(applications.map((a) => a.org))) {
      const org = await this.identity.organisation(orgId);
      if (org) organisations.set(orgId, org);
    }
    return publishedGrants(applications, this.publisher, {
      round: (id) => rounds.get(id),
      zone: (id) => this.zones.zones.find((z) => z.id === id),
      organisation: (id) => organisations.get(id),
    });
  }

  /**
   * The published grants with what the public page groups them by beside the feed's own fields:
   * the theme and zone id the round offered (public facts; the feed has no field for a theme).
   */
  async awards(): Promise<PublishedAward[]> {
    const applications = await this.applications.all();
    const byGrantId = new Map(applications.map((a) => [grantIdentifier(this.publisher.prefix, a.id), a]));
    return (await this.grants(applications)).map((grant) => {
      const application = byGrantId.get(grant.id)!;
      return { grant, applicationId: application.id, org: application.org, zone: application.zone, theme: application.theme };
    });
  }

  async package(): Promise<Package360> {
    return toPackage(await this.grants(), this.publisher);
  }

  async csv(): Promise<string> {
    return toCsv(await this.grants());
  }

  async summary(financialYear: string): Promise<SummaryReport> {
    const rounds = await this.roundsById();
    return summarise({
      financialYear,
      applications: await this.applications.all(),
      financialYearOfRound: (id) => rounds.get(id)?.financialYear,
      zones: this.zones.zones,
    });
  }

  /** Every round, for the pure functions that look rounds up by id. */
  private async roundsById(): Promise<Map<string, RoundView>> {
    const rounds = await this.rounds.views();
    return new Map(rounds.map((r) => [r.id, r]));
  }
}
