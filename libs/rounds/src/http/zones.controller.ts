import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@pz/platform';
import type { Zone } from '../domain/zones';
import { ZonesCatalogue } from '../zones-catalogue';

@ApiTags('rounds')
@Controller('zones')
export class ZonesController {
  constructor(private readonly catalogue: ZonesCatalogue) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'The People Zones and their known priority themes (public)' })
  list(): readonly Zone[] {
    return this.catalogue.zones;
  }
}
