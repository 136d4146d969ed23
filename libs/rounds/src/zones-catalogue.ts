import { readFileSync } from 'node:fs';
import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@pz/platform';
import { SEED_ZONES, Zone } from './domain/zones';

/**
 * The People Zones this installation funds. Zones are data: the three current zones are the seed,
 * and ZONES_FILE (a JSON array of { id, name, area, themes }) replaces them without a release.
 */
@Injectable()
export class ZonesCatalogue {
  readonly zones: readonly Zone[];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.zones = config.zonesFile ? readZonesFile(config.zonesFile) : SEED_ZONES;
  }

  ids(): string[] {
    return this.zones.map((z) => z.id);
  }
}

export function readZonesFile(path: string): Zone[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`ZONES_FILE ${path} could not be read as JSON: ${(error as Error).message}`);
  }
  const problems: string[] = [];
  if (!Array.isArray(parsed) || parsed.length === 0) problems.push('must be a non-empty JSON array of zones');
  const zones = Array.isArray(parsed) ? parsed : [];
  zones.forEach((z: Partial<Zone>, i) => {
    if (typeof z?.id !== 'string' || !/^[a-z0-9-]{1,60}$/.test(z.id)) problems.push(`[${i}].id must be a lower-case slug`);
    if (typeof z?.name !== 'string' || z.name.trim() === '') problems.push(`[${i}].name must be text`);
    if (typeof z?.area !== 'string') problems.push(`[${i}].area must be text`);
    if (!Array.isArray(z?.themes) || !z.themes.every((t) => typeof t === 'string')) problems.push(`[${i}].themes must be a list of text`);
  });
  if (new Set(zones.map((z: Partial<Zone>) => z?.id)).size !== zones.length) problems.push('zone ids must be unique');
  if (problems.length > 0) throw new Error(`ZONES_FILE ${path}: ${problems.join('; ')}`);
  return zones.map((z: Zone) => ({ id: z.id, name: z.name, area: z.area, themes: [...z.themes] }));
}

@Global()
@Module({ providers: [ZonesCatalogue], exports: [ZonesCatalogue] })
export class ZonesModule {}
