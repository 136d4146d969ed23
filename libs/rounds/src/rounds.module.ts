import { Module, OnModuleInit } from '@nestjs/common';
import { ReadModels } from '@pz/platform';
import { RoundsController } from './http/rounds.controller';
import { roundsProjection } from './rounds.projection';
import { RoundsQueries } from './rounds.queries';
import { ROUND_HANDLERS } from './round-commands';
import { ZonesController } from './http/zones.controller';
import { ZonesModule } from './zones-catalogue';

@Module({
  imports: [ZonesModule],
  controllers: [RoundsController, ZonesController],
  providers: [...ROUND_HANDLERS, RoundsQueries],
  exports: [RoundsQueries],
})
export class RoundsModule implements OnModuleInit {
  constructor(private readonly readModels: ReadModels) {}

  onModuleInit(): void {
    this.readModels.register(roundsProjection);
  }
}
