import { Injectable } from '@nestjs/common';
import type { Grant } from '@pz/identity';
import { RoundsQueries, ZonesCatalogue } from '@pz/rounds';

const ROLE_NAMES = { panel: 'Panel member', staff: 'Grants team (staff)', auditor: 'Auditor' } as const;

/** Roles in words a person reads: "Panel member: Braunstone steering group". */
@Injectable()
export class RoleNames {
  constructor(
    private readonly zones: ZonesCatalogue,
    private readonly rounds: RoundsQueries,
  ) {}

  async describe(grant: Grant): Promise<string> {
    const role = ROLE_NAMES[grant.role];
    if (grant.zone) return `${role}: ${this.zones.zones.find((z) => z.id === grant.zone)?.name ?? grant.zone} steering group`;
    if (grant.roundId) return `${role}: ${(await this.rounds.view(grant.roundId))?.name ?? 'a round'} panel`;
    return role;
  }

  describeAll(grants: readonly Grant[]): Promise<string[]> {
    return Promise.all(grants.map((g) => this.describe(g)));
  }
}
